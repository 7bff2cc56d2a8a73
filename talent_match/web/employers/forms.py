"""Employer forms. Rules live in services.hiring.postings, services.hiring.companies and services.validation; these only
collect and label fields, named as the services' data keys so errors land beside the right field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from ..seekers.forms import EMPLOYMENT_TYPE_CHOICES, WORK_MODE_CHOICES

STATUS_CHOICES = [("draft", _l("Draft (not shown to seekers)")), ("open", _l("Open")), ("closed", _l("Closed")),
                  ("filled", _l("Filled"))]
SIZE_CHOICES = [("1-9", _l("1–9 people")), ("10-49", _l("10–49 people")), ("50-299", _l("50–299 people")),
                ("300+", _l("300 or more people"))]


class PostingForm(FlaskForm):
    title = StringField(_l("Job title"))
    description = TextAreaField(_l("Description"))
    required_skills = StringField(_l("Required skills (separate with commas)"))
    preferred_skills = StringField(_l("Preferred skills (separate with commas)"))
    min_experience = StringField(_l("Minimum years of experience"))
    salary_min = StringField(_l("Annual salary from (KRW)"))
    salary_max = StringField(_l("Annual salary up to (KRW)"))
    employment_type = SelectField(_l("Employment type"), choices=EMPLOYMENT_TYPE_CHOICES)
    work_mode = SelectField(_l("Work mode"), choices=WORK_MODE_CHOICES)
    region = SelectField(_l("Region"), choices=[])
    city = StringField(_l("City or district"))
    openings = StringField(_l("Openings"))
    deadline = StringField(_l("Application deadline"), render_kw={"type": "date"})
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"))
    region = SelectField(_l("Region"), choices=[])
    industry = StringField(_l("Industry"))
    size = SelectField(_l("Size"), choices=SIZE_CHOICES)


class InviteForm(FlaskForm):
    note = TextAreaField(_l("A note to the candidate (optional)"))


class ActionForm(FlaskForm):
    """CSRF only: the action is in the URL."""

"""Employer forms. Rules live in services.hiring.postings, services.hiring.companies and services.validation; these only
collect and label fields, named as the services' data keys so errors land beside the right field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from .. import choices
from ..forms import date_field


class PostingForm(FlaskForm):
    title = StringField(_l("Job title"))
    description = TextAreaField(_l("Description"))
    required_skills = StringField(_l("Required skills (separate with commas)"))
    preferred_skills = StringField(_l("Preferred skills (separate with commas)"))
    min_experience = StringField(_l("Minimum years of experience"))
    salary_min = StringField(_l("Annual salary from (KRW)"))
    salary_max = StringField(_l("Annual salary up to (KRW)"))
    employment_type = SelectField(_l("Employment type"), choices=choices.EMPLOYMENT_TYPES)
    work_mode = SelectField(_l("Work mode"), choices=choices.WORK_MODES)
    region = SelectField(_l("Region"), choices=choices.regions)
    city = StringField(_l("City or district"))
    openings = StringField(_l("Openings"))
    deadline = date_field(_l("Application deadline"))
    status = SelectField(_l("Status"), choices=choices.POSTING_STATUSES)


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"))
    region = SelectField(_l("Region"), choices=choices.regions)
    industry = StringField(_l("Industry"))
    size = SelectField(_l("Size"), choices=choices.COMPANY_SIZES)


class InviteForm(FlaskForm):
    note = TextAreaField(_l("A note to the candidate (optional)"))

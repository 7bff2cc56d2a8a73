"""Employer forms. Rules live in services.hiring.postings, services.hiring.companies and services.validation; these only
collect and label fields, named as the services' data keys so errors land beside the right field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from .. import choices
from ..forms import date_field


class PostingForm(FlaskForm):
    title = StringField(_l("Job title"), description=_l('e.g. "Computer vision engineer (smart factory)"'))
    description = TextAreaField(_l("Description"),
                                description=_l("What the person will do, with whom, and what you offer."))
    required_skills = StringField(_l("Required skills (separate with commas)"),
                                  description=_l("Korean or English, e.g. Python, 컴퓨터 비전, PyTorch"))
    preferred_skills = StringField(_l("Preferred skills (separate with commas)"))
    min_experience = StringField(_l("Minimum years of experience"))
    salary_min = StringField(_l("Annual salary from (KRW)"), description=_l("KRW a year, e.g. 38,000,000"))
    salary_max = StringField(_l("Annual salary up to (KRW)"))
    employment_type = SelectField(_l("Employment type"), choices=choices.EMPLOYMENT_TYPES)
    work_mode = SelectField(_l("Work mode"), choices=choices.WORK_MODES)
    region = SelectField(_l("Region"), choices=choices.regions)
    city = StringField(_l("City or district"), description=_l("e.g. 창원시"))
    openings = StringField(_l("Openings"))
    deadline = date_field(_l("Application deadline"),
                          description=_l("YYYY-MM-DD. The posting closes itself the day after."))
    status = SelectField(_l("Status"), choices=choices.POSTING_STATUSES,
                         description=_l("Only open postings are shown to seekers and matched."))


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"), render_kw={"autocomplete": "organization"})
    region = SelectField(_l("Region"), choices=choices.regions)
    industry = StringField(_l("Industry"), description=_l("e.g. 자동차 부품 제조, 스마트 팩토리"))
    size = SelectField(_l("Size"), choices=choices.COMPANY_SIZES)


class InviteForm(FlaskForm):
    note = TextAreaField(_l("A note to the candidate (optional)"))

"""Seeker forms. Rules live in services.hiring.profiles and services.validation; these only collect and label fields.

Field names are the service's data keys, so its errors land beside the right field.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets

from .. import choices

SORT_CHOICES = [("score", _l("Best match")), ("salary", _l("Highest salary")), ("deadline", _l("Closing soon")),
                ("recent", _l("Newest"))]


def skills_text(rows, locale: str) -> str:
    """Profile or posting skills for a text input: taxonomy skills in the page's language, others as written."""
    return ", ".join(row.skill.name(locale) if row.skill else row.label for row in rows)


class CheckboxesField(SelectMultipleField):
    """A multi-select shown as a list of checkboxes: easier than Ctrl-click, and read well by screen readers."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProfileForm(FlaskForm):
    kind = SelectField(_l("I am"), choices=choices.SEEKER_KINDS)
    home_region = SelectField(_l("Home region"), choices=choices.regions)
    accepted_regions = CheckboxesField(
        _l("Other regions I would work in"), choices=choices.regions, validate_choice=False,
        description=_l("You see postings in your home region and in the regions ticked here."))
    headline = StringField(_l("Headline"),
                           description=_l('One line, e.g. "Computer vision engineer, 2 years in manufacturing".'))
    summary = TextAreaField(_l("Summary"), description=_l("What you have built and what you want to do next, in your "
                                                          "own words. Matching reads it; employers see it."))
    skills = StringField(_l("Skills (separate with commas)"),
                         description=_l("Korean or English, e.g. Python, 머신러닝, PyTorch. Names we know are "
                                        "recognised; others are kept as you wrote them."))
    add_skills = CheckboxesField(_l("Suggested skills"), choices=[], validate_choice=False,
                                 description=_l("Found in your profile or CV. Tick the ones to add."))
    years_experience = StringField(_l("Years of experience"),
                                   description=_l("Whole years of work experience; 0 if you are starting out."))
    education = StringField(_l("Education"), description=_l("Degrees and programmes, e.g. 경남 AI 아카데미 수료 (2026)."))
    certifications = StringField(_l("Certifications (separate with commas)"),
                                 description=_l("e.g. ADsP, 정보처리기사"))
    desired_roles = StringField(_l("Roles I want (separate with commas)"),
                                description=_l("e.g. 데이터 분석가, ML engineer"))
    desired_salary_min = StringField(_l("Desired salary from (KRW per year)"),
                                     description=_l("KRW a year, e.g. 36,000,000"))
    desired_salary_max = StringField(_l("Desired salary up to (KRW per year)"))
    work_mode = SelectField(_l("Preferred work mode"), choices=choices.any_of(choices.WORK_MODES, _l("No preference")))
    phone = StringField(_l("Phone (shown to employers only after you apply)"), render_kw={"autocomplete": "tel"})
    discoverable = BooleanField(_l("Let employers in my regions find my profile and invite me (optional)"))


class CvUploadForm(FlaskForm):
    cv = FileField(_l("CV file (PDF or DOCX, at most 4 MB)"),
                   description=_l("A PDF or Word (.docx) file with selectable text. Scanned images cannot be read."))


class CvReviewForm(FlaskForm):
    cv_text = TextAreaField(_l("Text read from your CV"))
    add_skills = CheckboxesField(_l("Skills we found: add them to your profile"), choices=[], validate_choice=False,
                                 description=_l("Tick the skills to add to your profile."))


class ApplyForm(FlaskForm):
    note = TextAreaField(_l("A note to the employer (optional)"),
                         description=_l("Why you are interested, when you could start. The employer sees your "
                                        "profile, email and phone once you apply."))


class RateForm(FlaskForm):
    rating = SelectField(_l("Rating"), choices=[("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")])
    score = StringField()


class MatchFilterForm(FlaskForm):
    """Read from the query string (GET), so no CSRF token."""

    class Meta:
        csrf = False

    employment_type = SelectField(_l("Employment type"), choices=choices.any_of(choices.EMPLOYMENT_TYPES))
    work_mode = SelectField(_l("Work mode"), choices=choices.any_of(choices.WORK_MODES))
    salary_min = StringField(_l("Salary at least (KRW per year)"), description=_l("e.g. 36,000,000"))
    skills = StringField(_l("Skills (separate with commas)"), description=_l("e.g. Python, 머신러닝"))
    sort = SelectField(_l("Sort by"), choices=SORT_CHOICES)

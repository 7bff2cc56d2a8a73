"""Institution forms. Rules live in services.training.records, services.training.followups and services.validation; fields are named
as the services' data keys (the CSV columns), so each error lands beside its field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField

from .. import choices
from ..forms import date_field, number_field

KIND_CHOICES = [("cohorts", _l("Cohorts")), ("trainees", _l("Trainees")), ("placements", _l("Placements")),
                ("followups", _l("Follow-ups"))]


def _regions_or_none() -> list[tuple[str, str]]:
    return choices.any_of(choices.regions(), "")


class ProgrammeForm(FlaskForm):
    programme_name = StringField(_l("Programme name"))
    field = StringField(_l("Field"), default="AI")
    funding_programme = StringField(_l("Funding programme (optional)"))


class ProgrammeSkillsForm(FlaskForm):
    skills = StringField(_l("Skills the programme teaches (separated by commas)"),
                         description=_l("Employers rate a hire's readiness on these skills when the hire names no "
                                        "posting."))


class CohortForm(FlaskForm):
    cohort_code = StringField(_l("Cohort code, e.g. GN-2025-1"))
    programme_name = StringField(_l("Programme (a new name creates it)"))
    region = SelectField(_l("Region where the cohort trains"), choices=choices.regions)
    start_date = date_field(_l("Start date"))
    end_date = date_field(_l("End date"))
    capacity = number_field(_l("Places (optional)"))
    budget_krw = number_field(_l("Training budget (KRW, optional)"))
    funding_source = SelectField(_l("Funded by (optional)"), choices=choices.FUNDING_SOURCES, default="")


class TraineeForm(FlaskForm):
    trainee_ref = StringField(_l("Trainee reference (yours, not a resident registration number)"))
    name = StringField(_l("Name"))
    email = StringField(_l("Email (optional)"), render_kw={"type": "email"})
    status = SelectField(_l("Status"), choices=choices.ENROLLMENT_STATUSES)
    completion_date = date_field(_l("Completion date (when completed)"))
    excluded_reason = SelectField(_l("Excluded from the figures because of"), choices=choices.EXCLUSION_REASONS)


class PlacementForm(FlaskForm):
    trainee_ref = SelectField(_l("Trainee"), choices=[])
    employer_name = StringField(_l("Employer"))
    job_title = StringField(_l("Job title"))
    region = SelectField(_l("Region of the job"), choices=choices.regions)
    start_date = date_field(_l("Start date"))
    annual_wage_krw = number_field(_l("Annual wage (KRW, optional)"))
    employment_type = SelectField(_l("Employment type"), choices=choices.EMPLOYMENT_TYPES)
    in_field = SelectField(_l("An AI job (in the trained field)?"), choices=choices.YES_NO)
    source = SelectField(_l("How you know"), choices=choices.PLACEMENT_SOURCES)


class JobForm(PlacementForm):
    """A recorded job's facts; its trainee and how it became known (a platform hire among them) stay."""

    trainee_ref = None
    source = None
    employer_email = StringField(_l("Employer contact's email (optional: asked at each checkpoint)"),
                                 render_kw={"type": "email"})


class LeftJobForm(FlaskForm):
    left_on = date_field(_l("Left on"))
    evidence = SelectField(_l("How you know"), choices=choices.FOLLOW_UP_EVIDENCE, default="institution")


class StatusForm(TraineeForm):
    """Where a trainee stands: their reference, name and email stay."""

    trainee_ref = name = email = None
    excluded_on = date_field(_l("Excluded since (needed with a new reason)"))


class LinkForm(FlaskForm):
    email = StringField(_l("Email of the trainee's seeker account"), render_kw={"type": "email"})


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=KIND_CHOICES)
    file = FileField(_l("CSV file (UTF-8 or CP949, at most 5 MB)"), render_kw={"accept": ".csv,text/csv"})


class ConfirmImportForm(FlaskForm):
    token = HiddenField()


class FollowUpForm(FlaskForm):
    """One checkpoint's answer. Nothing is assumed: no status, region or date until someone enters what they
    found. The evidence starts at "institution", who records it here: a source that verifies nothing (unlike the
    employer or the insurance record), so the default may understate how an answer is known, never overstate it."""

    trainee_ref = HiddenField()
    checkpoint_month = HiddenField()
    status = SelectField(_l("Status"), choices=choices.any_of(choices.FOLLOW_UP_STATUSES, _l("Choose the answer")))
    region = SelectField(_l("Where they work"), choices=_regions_or_none)
    checked_on = date_field(_l("Checked on"))
    evidence = SelectField(_l("How you know"), choices=choices.FOLLOW_UP_EVIDENCE, default="institution")


class AnswerForm(FollowUpForm):
    """A recorded answer being corrected: its trainee and checkpoint stay."""

    trainee_ref = None
    checkpoint_month = None

"""Institution forms. Rules live in services.training.records, services.training.followups and services.validation; fields are named
as the services' data keys (the CSV columns), so each error lands beside its field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField

ENROLLMENT_STATUS_CHOICES = [("enrolled", _l("Enrolled")), ("completed", _l("Completed")),
                             ("withdrawn", _l("Withdrawn"))]
EXCLUSION_CHOICES = [("", _l("None (counts in the figures)")), ("further_study", _l("Further study")),
                     ("military_service", _l("Military service")), ("health", _l("Health")), ("death", _l("Death")),
                     ("emigration", _l("Emigration")), ("other", _l("Other"))]
FOLLOW_UP_STATUS_CHOICES = [("employed_same_employer", _l("Employed, same employer")),
                            ("employed_other_employer", _l("Employed, another employer")),
                            ("not_employed", _l("Not employed")), ("unknown", _l("Could not find out"))]
EVIDENCE_CHOICES = [("institution", _l("Asked by the institution")), ("trainee", _l("Told by the trainee")),
                    ("employer", _l("Confirmed by the employer")),
                    ("insurance_record", _l("Employment insurance record"))]
KIND_CHOICES = [("cohorts", _l("Cohorts")), ("trainees", _l("Trainees")), ("placements", _l("Placements")),
                ("followups", _l("Follow-ups"))]


class ProgrammeForm(FlaskForm):
    programme_name = StringField(_l("Programme name"))
    field = StringField(_l("Field"), default="AI")
    funding_programme = StringField(_l("Funding programme (optional)"))


class CohortForm(FlaskForm):
    cohort_code = StringField(_l("Cohort code, e.g. GN-2025-1"))
    programme_name = StringField(_l("Programme (a new name creates it)"))
    region = SelectField(_l("Region where the cohort trains"), choices=[])
    start_date = StringField(_l("Start date"), render_kw={"type": "date"})
    end_date = StringField(_l("End date"), render_kw={"type": "date"})
    capacity = StringField(_l("Places (optional)"), render_kw={"inputmode": "numeric"})


class TraineeForm(FlaskForm):
    trainee_ref = StringField(_l("Trainee reference (yours, not a resident registration number)"))
    name = StringField(_l("Name"))
    email = StringField(_l("Email (optional)"), render_kw={"type": "email"})
    status = SelectField(_l("Status"), choices=ENROLLMENT_STATUS_CHOICES)
    completion_date = StringField(_l("Completion date (when completed)"), render_kw={"type": "date"})
    excluded_reason = SelectField(_l("Excluded from the figures because of"), choices=EXCLUSION_CHOICES)


EMPLOYMENT_TYPE_CHOICES = [("full_time", _l("Full-time")), ("contract", _l("Contract")),
                           ("internship", _l("Internship")), ("part_time", _l("Part-time"))]
SOURCE_CHOICES = [("institution", _l("Found out by the institution")), ("trainee", _l("Reported by the trainee")),
                  ("employer_confirmed", _l("Confirmed by the employer"))]


class PlacementForm(FlaskForm):
    trainee_ref = SelectField(_l("Trainee"), choices=[])
    employer_name = StringField(_l("Employer"))
    job_title = StringField(_l("Job title"))
    region = SelectField(_l("Region of the job"), choices=[])
    start_date = StringField(_l("Start date"), render_kw={"type": "date"})
    annual_wage_krw = StringField(_l("Annual wage (KRW, optional)"), render_kw={"inputmode": "numeric"})
    employment_type = SelectField(_l("Employment type"), choices=EMPLOYMENT_TYPE_CHOICES)
    in_field = SelectField(_l("An AI job (in the trained field)?"), choices=[("true", _l("Yes")),
                                                                             ("false", _l("No"))])
    source = SelectField(_l("How you know"), choices=SOURCE_CHOICES)


class LinkForm(FlaskForm):
    email = StringField(_l("Email of the trainee's seeker account"), render_kw={"type": "email"})


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=KIND_CHOICES)
    file = FileField(_l("CSV file (UTF-8 or CP949, at most 5 MB)"), render_kw={"accept": ".csv,text/csv"})


class ConfirmImportForm(FlaskForm):
    token = HiddenField()


class FollowUpForm(FlaskForm):
    trainee_ref = HiddenField()
    checkpoint_month = HiddenField()
    status = SelectField(_l("Status"), choices=FOLLOW_UP_STATUS_CHOICES)
    region = SelectField(_l("Where they work"), choices=[])
    checked_on = StringField(_l("Checked on"), render_kw={"type": "date"})
    evidence = SelectField(_l("How you know"), choices=EVIDENCE_CHOICES)

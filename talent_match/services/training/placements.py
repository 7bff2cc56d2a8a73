"""Placements an institution reports for its trainees: the first half of the outcome ledger.

A placement is identified by (trainee_ref, employer_name, start_date), so reporting the same job twice updates it.
Platform hires are written by services.hiring.applications; the institution may correct them through the same key.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import EMPLOYMENT_TYPES, Enrollment, Institution, Placement
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from .records import Records, Unique, given, owned, save_one, upsert_keyed

# How an institution learned of a job it reports (a platform hire is written by services.hiring.applications).
REPORTED_SOURCES = ("institution", "trainee", "employer_confirmed")
# Fields a CSV may leave out (their columns), kept as they are on an update.
OPTIONAL = ("job_title", "annual_wage_krw", "employment_type", "employer_email")


def clean_placement(records: Records, data: dict) -> dict:
    errors = v.ErrorCollector()
    enrollment = errors.check(records.enrollment, data.get("trainee_ref"))
    employer = errors.check(v.clean_text, data.get("employer_name"), "employer_name", max_length=200,
                            required=True)
    title = errors.check(v.clean_text, data.get("job_title"), "job_title", max_length=200)
    region = errors.check(records.region, data.get("region"))
    start = errors.check(v.clean_date, data.get("start_date"), "start_date", required=True)
    wage = errors.check(v.clean_annual_wage, data.get("annual_wage_krw"))
    kind = errors.check(v.clean_choice, data.get("employment_type"), "employment_type", EMPLOYMENT_TYPES,
                        required=False, default="full_time")
    in_field = None
    if str(data.get("in_field") if data.get("in_field") is not None else "").strip() == "":
        errors.add(ValidationFailed({"in_field": [msg("is required: true when the job uses the training, else "
                                                      "false")]}))
    else:
        in_field = errors.check(v.clean_bool, data.get("in_field"), "in_field")
    source = None
    if "source" in data:  # the form says how the institution knows; placements.csv has no such column
        source = errors.check(v.clean_choice, data.get("source"), "source", REPORTED_SOURCES, required=False,
                              default="institution")
    contact = (errors.check(v.clean_email, data.get("employer_email"), "employer_email")
               if str(data.get("employer_email") or "").strip() else None)
    errors.raise_if_any()
    values = given({"enrollment_id": enrollment.id, "employer_name": employer, "job_title": title,
                    "region_id": region.id, "start_date": start, "annual_wage_krw": wage, "employment_type": kind,
                    "in_field": in_field, "employer_email": contact}, data, OPTIONAL)
    return values if source is None else {**values, "source": source}


def new_placement(records: Records, values: dict) -> dict:
    """Every column of a new placement reported by the institution (also what a bulk import inserts)."""
    trainee = records.session.get(Enrollment, values["enrollment_id"])
    return {"source": "institution", **values, "seeker_user_id": trainee.seeker_user_id}


def upsert_placement(records: Records, values: dict, *, existing: Placement | None = None, dry_run: bool = False):
    """Create or update by (trainee, employer_name, start_date) unless `existing` is given; (placement, action)."""
    key = (values["enrollment_id"], values["employer_name"], values["start_date"])
    placement, action = upsert_keyed(records, Placement, records.placements, key, values, existing=existing,
                                     create=new_placement, dry_run=dry_run)
    if placement is not None:
        records.placed.add(key[0])
    return placement, action


def record_placement(session: Session, institution: Institution, data: dict,
                     placement_id: int | None = None) -> Placement:
    """Report one placement of the institution's trainee (reported again, it is updated), or edit the institution's
    placement `placement_id`: then its new employer and start date must not be another job's of the trainee."""
    if placement_id is None:
        return save_one(session, institution, data, clean_placement, upsert_placement)
    return save_one(session, institution, data, clean_placement, upsert_placement,
                    existing=owned(session, Placement, institution, placement_id), unique=Unique(
                        "start_date", ("enrollment_id", "employer_name", "start_date"),
                        lambda records: records.placements,
                        msg("another job of this trainee has this employer and start date")))

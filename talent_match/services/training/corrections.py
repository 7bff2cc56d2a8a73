"""Institutions correct their records from the pages: a trainee's status, a job, the end of a job, an answer.

Each correction is cleaned by the rule its CSV import follows (records, placements, followups) and writes one
AuditEvent: who, and each changed field old -> new (names and emails only as "changed"). The caller commits.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ...models import FOLLOW_UP_EVIDENCE, Enrollment, FollowUp, Institution, Placement, User
from .. import audit
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from ..outcomes.ledger import first_placement
from . import followups, placements
from . import records as training

STATUS = ("status", "completion_date", "excluded_reason")
JOB_DATA = ("employer_name", "job_title", "region", "start_date", "annual_wage_krw", "employment_type", "in_field",
            "employer_email")  # the form's fields, as placements.csv names them
JOB = ("employer_name", "job_title", "region_id", "start_date", "annual_wage_krw", "employment_type", "in_field",
       "employer_email")
ANSWER = ("status", "region_id", "checked_on", "evidence")


def change_status(session: Session, institution: Institution, actor: User, enrollment_id: int,
                  data: dict) -> Enrollment:
    """Enrolled, completed (with its date), withdrawn, and excluded from the figures or not, as trainees.csv says it.

    A new exclusion reason needs `excluded_on`, when it began; it is kept in the audit event, as the figures leave
    an excluded trainee out whatever the date and the record has no column for it."""
    trainee = training.get_enrollment(session, institution, enrollment_id)
    before = _fields(trainee, STATUS)
    errors = v.ErrorCollector()
    new_reason = (data.get("excluded_reason") or None) not in (None, trainee.excluded_reason)
    excluded_on = errors.check(v.clean_date, data.get("excluded_on"), "excluded_on", required=new_reason)
    errors.check(training.save_enrollment, session, institution, {
        "cohort_code": trainee.cohort.code, "trainee_ref": trainee.trainee_ref,
        **{name: data.get(name) for name in STATUS}}, trainee.id)
    errors.raise_if_any()
    audit.record_change(session, actor, "trainee_corrected", "enrollment", trainee.id, before,
                        _fields(trainee, STATUS),
                        details={"excluded_on": excluded_on.isoformat()} if new_reason else None)
    return trainee


def edit_placement(session: Session, institution: Institution, actor: User, placement_id: int,
                   data: dict) -> Placement:
    """The job's facts as placements.csv writes them; the trainee and how the job became known stay."""
    job = training.owned(session, Placement, institution, placement_id)
    before = _fields(job, JOB)
    placements.record_placement(session, institution, {
        **{name: data.get(name) for name in JOB_DATA}, "trainee_ref": job.enrollment.trainee_ref},
        placement_id=job.id)
    audit.record_change(session, actor, "placement_corrected", "placement", job.id, before, _fields(job, JOB),
                        private=("employer_email",), details={"enrollment_id": job.enrollment_id})
    return job


def end_placement(session: Session, institution: Institution, actor: User, placement_id: int, data: dict,
                  today: date) -> list[int]:
    """Record that the person left the job on `left_on`; returns the checkpoint months answered by it.

    A job's end is kept as what it says at the checkpoints, the one record the figures read, so no end date can
    disagree with them: each checkpoint due by today during or after the job, without an answer (or "unknown"),
    gets the answer leaving implies (followups.after_leaving, the rule of the employer's emailed answer), checked
    today, from `evidence` (the institution unless it says otherwise). Answers already known stay; checkpoints to
    come are asked about when due. The date itself goes into the audit event."""
    job = training.owned(session, Placement, institution, placement_id)
    errors = v.ErrorCollector()
    left_on = errors.check(v.clean_date, data.get("left_on"), "left_on", required=True)
    evidence = errors.check(v.clean_choice, data.get("evidence"), "evidence", FOLLOW_UP_EVIDENCE, required=False,
                            default="institution")
    if left_on is not None and not job.start_date <= left_on <= today:
        errors.add(ValidationFailed({"left_on": [msg("must be between the start of the job ({start}) and today",
                                                     start=job.start_date.isoformat())]}))
    errors.raise_if_any()
    first = first_placement(job.enrollment.placements) is job
    before, after, months = {}, {}, []
    for checkpoint in followups.checkpoints_of(job.enrollment):
        implied = followups.after_leaving(job, first, checkpoint.due_on, left_on)
        if checkpoint.answered or implied is None or not job.start_date <= checkpoint.due_on <= today:
            continue
        follow_up = checkpoint.follow_up or FollowUp(enrollment_id=job.enrollment_id,
                                                     checkpoint_month=checkpoint.checkpoint_month)
        key = f"status_{checkpoint.checkpoint_month}"
        before[key] = follow_up.status
        follow_up.status, follow_up.region_id = implied
        follow_up.checked_on, follow_up.evidence = today, evidence
        after[key] = follow_up.status
        months.append(checkpoint.checkpoint_month)
        session.add(follow_up)
    audit.record_change(session, actor, "placement_ended", "placement", job.id, before, after,
                        details={"enrollment_id": job.enrollment_id, "left_on": left_on.isoformat(),
                                 "evidence": evidence})
    return months


def correct_follow_up(session: Session, institution: Institution, actor: User, follow_up_id: int,
                      data: dict) -> FollowUp:
    """A recorded answer's status, region, checked date and evidence, as followups.csv writes them."""
    follow_up = training.owned(session, FollowUp, institution, follow_up_id)
    before = _fields(follow_up, ANSWER)
    followups.record_follow_up(session, institution, {  # the same trainee and checkpoint: this very record
        "trainee_ref": follow_up.enrollment.trainee_ref, "checkpoint_month": follow_up.checkpoint_month,
        **{name: data.get(name) for name in ("status", "region", "checked_on", "evidence")}})
    audit.record_change(session, actor, "follow_up_corrected", "follow_up", follow_up.id, before,
                        _fields(follow_up, ANSWER), details={"enrollment_id": follow_up.enrollment_id})
    return follow_up


def _fields(record, names) -> dict:
    return {name: getattr(record, name) for name in names}

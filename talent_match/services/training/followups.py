"""Follow-ups: whether placed trainees are still employed 3, 6, 9 and 12 months after their first placement.

Institutions record them (one per trainee and checkpoint month, by form or followups.csv) and see which are due;
an employer confirms with one click whether a person it hired through the platform is still employed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...config import Defaults
from ...models import FOLLOW_UP_EVIDENCE, FOLLOW_UP_STATUSES, AuditEvent, Enrollment, FollowUp, Institution, Placement
from .. import figure_cache
from .. import validation as v
from ..errors import Conflict, NotFound, ValidationFailed
from ..messages import msg
from ..outcomes.ledger import EMPLOYED, add_months, first_placement
from .records import Records, save_one, upsert_keyed


def clean_follow_up(records: Records, data: dict, checkpoints=Defaults.CHECKPOINT_MONTHS) -> dict:
    """Model-ready values; the trainee must have a placement, and employed statuses need the region of work."""
    errors = v.ErrorCollector()
    enrollment = errors.check(records.enrollment, data.get("trainee_ref"))
    month = errors.check(clean_checkpoint_month, data.get("checkpoint_month"), "checkpoint_month", checkpoints)
    status = errors.check(v.clean_choice, data.get("status"), "status", FOLLOW_UP_STATUSES)
    region = None
    if str(data.get("region") or "").strip():
        region = errors.check(records.region, data.get("region"))
    elif status in EMPLOYED:
        errors.add(ValidationFailed({"region": [msg("is required when the trainee is employed (where they work)")]}))
    checked_on = errors.check(v.clean_date, data.get("checked_on"), "checked_on", required=True)
    evidence = errors.check(v.clean_choice, data.get("evidence"), "evidence", FOLLOW_UP_EVIDENCE)
    if enrollment is not None and enrollment.id not in records.placed:
        errors.add(ValidationFailed({"trainee_ref": [msg("has no placement; report the placement first "
                                                         "(placements.csv)")]}))
    elif enrollment is not None and checked_on is not None:
        started = min(start for enrollment_id, _, start in records.placements if enrollment_id == enrollment.id)
        if checked_on < started:  # a status after m months cannot be known before the job began
            errors.add(ValidationFailed({"checked_on": [msg("is before the first placement started ({date})",
                                                            date=started.isoformat())]}))
    errors.raise_if_any()
    return {"enrollment_id": enrollment.id, "checkpoint_month": month, "status": status,
            "region_id": region.id if region else None, "checked_on": checked_on, "evidence": evidence}


def upsert_follow_up(records: Records, values: dict, *, existing: FollowUp | None = None, dry_run: bool = False):
    """Create or update by (trainee, checkpoint month) unless `existing` is given; (follow-up, action)."""
    key = (values["enrollment_id"], values["checkpoint_month"])
    return upsert_keyed(records, FollowUp, records.follow_ups, key, values, existing=existing, dry_run=dry_run)


def record_follow_up(session: Session, institution: Institution, data: dict) -> FollowUp:
    """Record (or correct) one checkpoint of the institution's trainee."""
    return save_one(session, institution, data, clean_follow_up, upsert_follow_up)


@dataclass(frozen=True)
class Checkpoint:
    enrollment: Enrollment
    placement: Placement          # the first placement, from whose start the months count
    checkpoint_month: int
    due_on: date
    follow_up: FollowUp | None    # the answer recorded, if any ("unknown" among them: worth another try)

    @property
    def answered(self) -> bool:
        return self.follow_up is not None and self.follow_up.status != "unknown"


def checkpoints_of(enrollment: Enrollment, checkpoints=Defaults.CHECKPOINT_MONTHS) -> list[Checkpoint]:
    """The trainee's checkpoints with their due dates and answers; none before a first placement."""
    job = first_placement(enrollment.placements)
    if job is None:
        return []
    recorded = {f.checkpoint_month: f for f in enrollment.follow_ups}
    return [Checkpoint(enrollment, job, month, add_months(job.start_date, month), recorded.get(month))
            for month in checkpoints]


def due_follow_ups(session: Session, institution: Institution, today: date, *, horizon_days: int = 0,
                   checkpoints=Defaults.CHECKPOINT_MONTHS) -> list[Checkpoint]:
    """Checkpoints due by today (+ horizon_days) with no follow-up or an "unknown" one, oldest first.

    Only trainees the metrics count (completed, no exclusion reason, placed) are listed.
    """
    enrollments = session.scalars(
        select(Enrollment).where(Enrollment.institution_id == institution.id, Enrollment.status == "completed",
                                 Enrollment.excluded_reason.is_(None))
        .options(selectinload(Enrollment.placements), selectinload(Enrollment.follow_ups))
        .execution_options(populate_existing=True))
    limit = today + timedelta(days=horizon_days)
    due = [checkpoint for enrollment in enrollments for checkpoint in checkpoints_of(enrollment, checkpoints)
           if checkpoint.due_on <= limit and not checkpoint.answered]
    return sorted(due, key=lambda d: (d.due_on, d.enrollment.trainee_ref, d.checkpoint_month))


def waiting_counts(session: Session, user, today: date) -> int:
    """How many follow-ups wait for this person: an institution's due checkpoints (due_follow_ups), an employer's
    hires to confirm (employer_hires_to_confirm). The menu shows it on every page, so it is kept as a figure
    (services.figure_cache: dropped at this process's next write, else after a while), not listed each time."""
    institution = getattr(user, "institution", None) if user.role == "institution" else None
    if institution is not None:
        return figure_cache.cached(session, ("follow_ups_due", institution.id, today),
                                   lambda: len(due_follow_ups(session, institution, today)))
    if user.role == "employer" and user.company_id is not None:
        return figure_cache.cached(session, ("hires_to_confirm", user.company_id, today),
                                   lambda: len(employer_hires_to_confirm(session, user, today)))
    return 0


def after_leaving(job: Placement, first: bool, due_on: date, left_on: date) -> tuple[str, int | None] | None:
    """What leaving `job` on `left_on` says of the checkpoint due on `due_on`: still there, employed (with the first
    employer when it is the first job); gone from the first job, left_employer; gone from a later one, nothing."""
    if left_on > due_on:
        return ("employed_same_employer" if first else "employed_other_employer"), job.region_id
    return ("left_employer", None) if first else None


def employer_hires_to_confirm(session: Session, employer, today: date,
                              checkpoints=Defaults.CHECKPOINT_MONTHS) -> list[tuple[Placement, int, date]]:
    """The employer's hires followed by an institution whose latest due checkpoint awaits an answer. Three queries
    however many hires: the employer's navigation counts them on every page."""
    if getattr(employer, "role", None) != "employer" or employer.company_id is None:
        return []
    placements = session.scalars(select(Placement).where(Placement.company_id == employer.company_id,
                                                         Placement.enrollment_id.is_not(None))).all()
    trainees = {p.enrollment_id for p in placements}
    if not trainees:
        return []
    jobs: dict[int, list[Placement]] = {}
    for job in session.scalars(select(Placement).where(Placement.enrollment_id.in_(trainees))):
        jobs.setdefault(job.enrollment_id, []).append(job)
    recorded = {(trainee, month): status for trainee, month, status in session.execute(
        select(FollowUp.enrollment_id, FollowUp.checkpoint_month, FollowUp.status)
        .where(FollowUp.enrollment_id.in_(trainees)))}
    waiting = []
    for placement in placements:
        due = _due_checkpoints(first_placement(jobs[placement.enrollment_id]), placement, today, checkpoints)
        if due and recorded.get((placement.enrollment_id, due[-1][0]), "unknown") == "unknown":
            waiting.append((placement, *due[-1]))
    return sorted(waiting, key=lambda item: item[2])


def confirm_still_employed(session: Session, employer_user, placement_id: int, employed: bool, today: date,
                           checkpoints=Defaults.CHECKPOINT_MONTHS) -> FollowUp:
    """An employer's one-click answer for a person it hired: still employed here, or not.

    Writes the follow-up (evidence "employer") of the latest checkpoint due by `today`, counted from the trainee's
    first placement and falling while this job lasted. "Still employed" also fills the earlier due checkpoints
    of this job that have no answer (continuous employment since the hire); "not employed" records not_employed
    at the latest one only, which the institution may overwrite with better evidence. Status is
    employed_same_employer when this job is the first placement, else employed_other_employer. Only an
    "unknown" answer is overwritten; any other recorded answer is a Conflict.
    """
    placement = session.get(Placement, placement_id) if isinstance(placement_id, int) else None
    if (placement is None or getattr(employer_user, "role", None) != "employer"
            or employer_user.company_id is None or placement.company_id != employer_user.company_id):
        raise NotFound(msg("no such hire"))
    if placement.enrollment_id is None:
        raise Conflict(msg("no training institution follows this hire, so there is nothing to confirm"))
    first, recorded = _trainee_record(session, placement.enrollment_id)
    due = _due_checkpoints(first, placement, today, checkpoints)
    if not due:
        raise Conflict(msg("no follow-up checkpoint is due yet for this hire"))
    latest = due[-1][0]
    if latest in recorded and recorded[latest].status != "unknown":
        raise Conflict(msg("the {month}-month follow-up is already recorded", month=latest))
    same = first is placement
    months = [m for m, _ in due if m not in recorded or recorded[m].status == "unknown"] if employed else [latest]
    status = ("employed_same_employer" if same else "employed_other_employer") if employed else "not_employed"
    for month in months:
        follow_up = recorded.get(month) or FollowUp(enrollment_id=placement.enrollment_id, checkpoint_month=month)
        follow_up.status = status
        follow_up.region_id = placement.region_id if employed else None
        follow_up.checked_on = today
        follow_up.evidence = "employer"
        session.add(follow_up)
        recorded[month] = follow_up
    session.add(AuditEvent(actor_id=employer_user.id, actor_role="employer", action="follow_up_confirmed",
                           object_type="placement", object_id=str(placement.id),
                           details={"checkpoint_months": months, "employed": bool(employed)}))
    session.flush()
    return recorded[latest]


def _trainee_record(session: Session, enrollment_id: int) -> tuple[Placement, dict[int, FollowUp]]:
    """The trainee's first placement and follow-ups by month, read afresh from the database."""
    first = first_placement(session.scalars(select(Placement).where(Placement.enrollment_id == enrollment_id)))
    follow_ups = session.scalars(select(FollowUp).where(FollowUp.enrollment_id == enrollment_id))
    return first, {f.checkpoint_month: f for f in follow_ups}


def _due_checkpoints(first: Placement, placement: Placement, today: date, checkpoints) -> list[tuple[int, date]]:
    """(month, due date) of the checkpoints, counted from the first placement, due by today during this job."""
    due = []
    for month in checkpoints:
        due_on = add_months(first.start_date, month)
        if placement.start_date <= due_on <= today:
            due.append((month, due_on))
    return due


def clean_checkpoint_month(value, field: str = "checkpoint_month", months=(3, 6, 9, 12)) -> int:
    month = v.clean_int(value, field, required=True)
    if month not in months:
        raise ValidationFailed({field: [msg("must be one of {months} (months after the first placement started)",
                                            months=", ".join(str(m) for m in months))]})
    return month

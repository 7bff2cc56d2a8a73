"""Applications and invitations: one state machine, each side making only its own moves.

    invited  --seeker--> applied (accepts) | withdrawn (declines)
    applied --employer--> reviewing --employer--> interview --employer--> offer --employer--> hired
    any of applied..offer --employer--> rejected | --seeker--> withdrawn

Every change is kept as an ApplicationEvent with its time. A hire writes a Placement into the outcome ledger.
Applying, inviting and hiring are also logged as outcomes of the matching lists that showed the pair
(hiring.interactions).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ...models import (APPLICATION_STATUSES, Application, ApplicationEvent, Enrollment, Placement, Posting,
                       SeekerProfile, User)
from .. import validation as v
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..messages import msg
from ..search.kinds import PROFILE
from . import interactions
from .postings import get_for_edit, get_visible, is_open, today_in_korea
from .profiles import profile_of

IN_PLAY = ("applied", "reviewing", "interview", "offer")
SEEKER_MOVES = {"invited": ("applied", "withdrawn"), **{s: ("withdrawn",) for s in IN_PLAY}}
EMPLOYER_MOVES = {"applied": ("reviewing", "rejected"), "reviewing": ("interview", "rejected"),
                  "interview": ("offer", "rejected"), "offer": ("hired", "rejected")}
FINAL = ("hired", "rejected", "withdrawn")
MAX_NOTE = 2000
# The problem types of the conflicts below (API clients tell them apart by these).
ALREADY_APPLIED, NOT_OPEN, NO_SUCH_MOVE = "already-applied", "posting-not-open", "status-change-not-allowed"


def moves_for(side: str, status: str) -> tuple[str, ...]:
    """The statuses `side` ('seeker' or 'employer') may move an application to from `status`."""
    return (SEEKER_MOVES if side == "seeker" else EMPLOYER_MOVES).get(status, ())


def apply(session: Session, seeker_user: User, posting_id, note: str = "", *,
          today: date | None = None) -> Application:
    """The seeker applies to an open posting. Applying to a posting they were invited to accepts the invitation."""
    profile = profile_of(session, seeker_user)
    note = v.clean_text(note, "note", max_length=MAX_NOTE, multiline=True)
    posting = get_visible(session, seeker_user, posting_id)
    existing = _find(session, posting.id, profile.id)
    if existing is not None:
        if existing.status == "invited":
            if note:
                existing.note = (existing.note + "\n\n" + note).strip()
            return transition(session, seeker_user, existing.id, "applied", today=today)
        raise Conflict(msg("You already have an application for this posting (status: {status}).",
                           status=existing.status), problem=ALREADY_APPLIED)
    if not is_open(posting, today):
        raise Conflict(msg("This posting is closed and takes no more applications."), problem=NOT_OPEN)
    application = Application(posting=posting, profile=profile, initiated_by="seeker", status="applied", note=note)
    _created(session, application, seeker_user)
    interactions.record(session, "applied", "seeker", profile.id, posting.id, viewer_id=seeker_user.id)
    return application


def invite(session: Session, employer_user: User, posting_id, profile_id, note: str = "", *,
           today: date | None = None) -> Application:
    """The employer invites a discoverable seeker who will work in the posting's region to apply."""
    posting = get_for_edit(session, employer_user, posting_id)
    note = v.clean_text(note, "note", max_length=MAX_NOTE, multiline=True)
    profile = session.get(SeekerProfile, profile_id) if isinstance(profile_id, int) else None
    if profile is None or posting.region_id not in PROFILE.shard_regions(profile):
        raise NotFound(msg("No such candidate."))
    if not is_open(posting, today):
        raise Conflict(msg("Open the posting before inviting candidates to it."), problem=NOT_OPEN)
    if _find(session, posting.id, profile.id) is not None:
        raise Conflict(msg("This candidate already has an application or invitation for this posting."),
                       problem=ALREADY_APPLIED)
    application = Application(posting=posting, profile=profile, initiated_by="employer", status="invited", note=note)
    _created(session, application, employer_user)
    interactions.record(session, "invited", "employer", profile.id, posting.id, viewer_id=employer_user.id)
    return application


def transition(session: Session, actor: User, application_id, to_status: str, *, start_date=None, wage=None,
               today: date | None = None) -> Application:
    """Move an application on. NotFound when the actor is neither its seeker nor the posting's company; Forbidden
    when the move belongs to the other side; Conflict when no one may make it from the current status.

    `start_date` and `wage` (annual KRW) describe a hire; they default to today and the posting's salary.
    """
    application = session.get(Application, application_id) if isinstance(application_id, int) else None
    side = _side(actor, application)
    if side is None:
        raise NotFound(msg("No such application."))
    if to_status not in APPLICATION_STATUSES:
        raise ValidationFailed({"status": [msg("must be one of {choices}", choices=", ".join(APPLICATION_STATUSES))]})
    current = application.status
    if to_status not in moves_for(side, current):
        if side == "seeker" and to_status in moves_for("employer", current):
            raise Forbidden(msg("Only the employer can move an application from '{current}' to '{status}'.",
                                current=current, status=to_status))
        if side == "employer" and to_status in moves_for("seeker", current):
            raise Forbidden(msg("Only the seeker can move an application from '{current}' to '{status}'.",
                                current=current, status=to_status))
        allowed = moves_for(side, current)
        if allowed:
            raise Conflict(msg("An application that is '{current}' cannot move to '{status}'; from here you can "
                               "move it to: {allowed}.", current=current, status=to_status, allowed=", ".join(allowed)),
                           problem=NO_SUCH_MOVE)
        raise Conflict(msg("An application that is '{current}' cannot move to '{status}'; it is final.",
                           current=current, status=to_status), problem=NO_SUCH_MOVE)
    if to_status == "hired":
        start = v.clean_date(start_date, "start_date") or today or today_in_korea()
        wage = v.clean_annual_wage(wage, "wage")
    application.status = to_status
    session.add(ApplicationEvent(application=application, from_status=current, to_status=to_status,
                                 actor_id=actor.id))
    if to_status == "hired":
        _record_placement(session, application, start, wage)
        interactions.record_hire(session, application.profile_id, application.posting_id)
    elif to_status == "applied":  # the seeker accepted an invitation
        interactions.record(session, "applied", "seeker", application.profile_id, application.posting_id,
                            viewer_id=actor.id)
    session.flush()
    return application


def may_see_contact(session: Session, employer_user: User, profile: SeekerProfile) -> bool:
    """Employers see a seeker's email and phone only once the seeker applied to (or accepted an invitation to)
    one of their postings, and has not withdrawn."""
    if employer_user is None or employer_user.role != "employer" or employer_user.company_id is None:
        return False
    return bool(session.scalar(select(exists().where(
        Application.profile_id == profile.id, Application.posting_id == Posting.id,
        Posting.company_id == employer_user.company_id,
        Application.status.not_in(("invited", "withdrawn"))))))


def for_seeker(session: Session, seeker_user: User) -> list[Application]:
    """The seeker's applications and invitations, most recently changed first."""
    profile = profile_of(session, seeker_user)
    return list(session.scalars(select(Application).where(Application.profile_id == profile.id)
                                .order_by(Application.updated_at.desc(), Application.id.desc())))


def for_posting(session: Session, employer_user: User, posting_id) -> list[Application]:
    """A posting's pipeline for its own company, in order of status then arrival."""
    posting = get_for_edit(session, employer_user, posting_id)
    rows = list(session.scalars(select(Application).where(Application.posting_id == posting.id)
                                .order_by(Application.id)))
    return sorted(rows, key=lambda a: APPLICATION_STATUSES.index(a.status))


def get(session: Session, actor: User, application_id) -> Application:
    """An application its seeker or the posting's company may see; NotFound for anyone else."""
    application = session.get(Application, application_id) if isinstance(application_id, int) else None
    if _side(actor, application) is None:
        raise NotFound(msg("No such application."))
    return application


def _side(actor: User | None, application: Application | None) -> str | None:
    if actor is None or application is None:
        return None
    if actor.role == "seeker" and application.profile.user_id == actor.id:
        return "seeker"
    if actor.role == "employer" and actor.company_id is not None and \
            application.posting.company_id == actor.company_id:
        return "employer"
    return None


def _find(session: Session, posting_id: int, profile_id: int) -> Application | None:
    return session.scalar(select(Application).where(Application.posting_id == posting_id,
                                                     Application.profile_id == profile_id))


def _created(session: Session, application: Application, actor: User) -> Application:
    session.add(application)
    session.add(ApplicationEvent(application=application, from_status=None, to_status=application.status,
                                 actor_id=actor.id))
    session.flush()
    return application


def _record_placement(session: Session, application: Application, start: date, wage: int | None) -> Placement:
    """The hire as a placement; when the trainee's institution already reported the same job (same employer name
    and start date), that placement is the one the hire confirms."""
    posting = application.posting
    seeker_id = application.profile.user_id
    enrollment = session.scalar(select(Enrollment).where(Enrollment.seeker_user_id == seeker_id)
                                .order_by((Enrollment.status == "completed").desc(), Enrollment.id.desc()))
    reported = enrollment and session.scalar(select(Placement).where(
        Placement.enrollment_id == enrollment.id, Placement.employer_name == posting.company.name,
        Placement.start_date == start, Placement.application_id.is_(None)))
    if reported:
        reported.application_id, reported.company_id = application.id, posting.company_id
        return reported
    placement = Placement(
        enrollment_id=enrollment.id if enrollment else None, seeker_user_id=seeker_id,
        application_id=application.id, company_id=posting.company_id, employer_name=posting.company.name,
        job_title=posting.title, region_id=posting.region_id, start_date=start,
        annual_wage_krw=wage if wage is not None else (posting.salary_min or posting.salary_max),
        employment_type=posting.employment_type, in_field=True, source="platform_hire")
    session.add(placement)
    return placement

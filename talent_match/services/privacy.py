"""A person's rights under PIPA: see and change their consents, download their data, delete their account, and the
purge of accounts nobody has used for INACTIVE_ACCOUNT_DAYS.

Deleting an account removes the person and everything that describes them (profile, skills, CV text, vectors,
applications, consents, tokens). A training record an institution holds about them stays as a pseudonym (name and
email blanked, the link to the account cut) with its placements and follow-ups, so outcome figures still count.
Audit rows keep their ids and kinds; nothing in them names anyone.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..models import (ApiToken, Application, AuditEvent, Consent, Enrollment, FollowUp, HiddenPosting, MatchFeedback,
                      Placement, Posting, SeekerProfile, User)
from ..models.base import utcnow
from . import consent, indexing, profiles
from .errors import NotFound, ValidationFailed
from .messages import msg

security_log = logging.getLogger("talent_match.security")

EXPORT_FORMAT = "talent-match/my-data/1"


# --- consents ---------------------------------------------------------------------------------------------------

@dataclass
class ConsentState:
    item: str
    required: bool
    granted: bool
    version: str | None
    decided_at: datetime | None


def consent_states(session: Session, user: User) -> list[ConsentState]:
    """Every item that applies to this user: the required one first, then the optional ones (seekers only)."""
    latest = consent.current(session, user)
    items = consent.ITEMS if user.role == "seeker" else consent.REQUIRED_ITEMS
    return [ConsentState(item, item in consent.REQUIRED_ITEMS, bool(latest.get(item) and latest[item].granted),
                         latest[item].version if item in latest else None,
                         latest[item].created_at if item in latest else None) for item in items]


def set_optional_consent(session: Session, engine, user: User, item: str, granted: bool, version: str) -> None:
    """Grant or withdraw an optional item, with its effect at once.

    discoverable: the profile enters or leaves every candidate shard (via profiles.save_profile).
    share_outcomes: withdrawing cuts the links institutions made to this account; they keep their own records.
    The required item cannot be withdrawn here: without it there is no service, so the answer is to delete the
    account. Adds to the session without committing.
    """
    if item in consent.REQUIRED_ITEMS:
        raise ValidationFailed({item: [msg("is required to use the service; to withdraw it, delete your account")]})
    if item not in consent.OPTIONAL_ITEMS:
        raise NotFound(msg("No such consent item."))
    if user.role != "seeker":
        raise ValidationFailed({item: [msg("applies to job seekers' accounts only")]})
    if item == "discoverable":
        profile = profiles.profile_of(session, user)
        if profile.discoverable != granted:
            profiles.save_profile(session, engine, user, {"discoverable": granted}, consent_version=version)
            return
    consent.record(session, user, item, granted, version)
    if item == "share_outcomes" and not granted:
        for enrollment in session.scalars(select(Enrollment).where(Enrollment.seeker_user_id == user.id)):
            session.add(AuditEvent(actor_id=user.id, actor_role=user.role, action="trainee_unlinked",
                                   object_type="enrollment", object_id=str(enrollment.id),
                                   details={"seeker_user_id": user.id, "reason": "consent_withdrawn"}))
            enrollment.seeker_user_id = None
            enrollment.shares_outcomes = False
    session.flush()


# --- download my data -------------------------------------------------------------------------------------------

def export_data(session: Session, user: User) -> dict:
    """Everything the service holds about this person, as plain JSON values. Records the export (ids only)."""
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": _instant(utcnow()),
        "account": {"id": user.id, "email": user.email, "name": user.name, "phone": user.phone, "role": user.role,
                    "locale": user.locale, "active": user.active, "created_at": _instant(user.created_at),
                    "last_seen_at": _instant(user.last_seen_at),
                    "company": user.company.name if user.company else None,
                    "institution": user.institution.name if user.institution else None},
        "consents": [{"item": c.item, "granted": c.granted, "version": c.version, "at": _instant(c.created_at),
                      "required": c.item in consent.REQUIRED_ITEMS}
                     for c in session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.id))],
        "api_tokens": [{"name": t.name, "prefix": t.prefix, "created_at": _instant(t.created_at),
                        "last_used_at": _instant(t.last_used_at), "revoked_at": _instant(t.revoked_at)}
                       for t in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                                .order_by(ApiToken.id))],
        "profile": None, "skills": [], "applications": [], "hidden_postings": [], "ratings": [],
        "profile_views": [], "enrollments": [],
    }
    profile = user.profile if user.role == "seeker" else None
    if profile is not None:
        data["profile"] = {
            "id": profile.id, "kind": profile.kind, "home_region": profile.home_region.slug,
            "accepted_regions": [r.slug for r in profile.accepted_regions], "headline": profile.headline,
            "summary": profile.summary, "years_experience": profile.years_experience, "education": profile.education,
            "certifications": profile.certifications, "desired_roles": profile.desired_roles,
            "desired_salary_min": profile.desired_salary_min, "desired_salary_max": profile.desired_salary_max,
            "work_mode": profile.work_mode, "discoverable": profile.discoverable, "cv_text": profile.cv_text,
            "created_at": _instant(profile.created_at), "updated_at": _instant(profile.updated_at)}
        data["skills"] = [s.label for s in profile.skills]
        data["applications"] = [_application(a) for a in session.scalars(
            select(Application).where(Application.profile_id == profile.id).order_by(Application.id))]
        data["hidden_postings"] = list(session.scalars(select(HiddenPosting.posting_id)
                                                       .where(HiddenPosting.profile_id == profile.id)))
        data["ratings"] = [{"posting_id": f.posting_id, "rating": f.rating, "at": _instant(f.created_at)}
                           for f in session.scalars(select(MatchFeedback)
                                                    .where(MatchFeedback.profile_id == profile.id))]
        data["profile_views"] = [_view(session, e) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "candidate_viewed", AuditEvent.object_type == "profile",
                                     AuditEvent.object_id == str(profile.id)).order_by(AuditEvent.id))]
    data["enrollments"] = [_enrollment(session, e) for e in session.scalars(
        select(Enrollment).where(Enrollment.seeker_user_id == user.id).order_by(Enrollment.id))]
    session.add(AuditEvent(actor_id=user.id, actor_role=user.role, action="export", object_type="user",
                           object_id=str(user.id), details={"kind": "my_data", "format": "json"}))
    security_log.warning("data_export kind=my_data user_id=%s", user.id)
    session.flush()
    return data


def _application(application: Application) -> dict:
    return {"id": application.id, "posting_id": application.posting_id, "posting_title": application.posting.title,
            "company": application.posting.company.name, "status": application.status,
            "initiated_by": application.initiated_by, "note": application.note,
            "created_at": _instant(application.created_at),
            "history": [{"from": e.from_status, "to": e.to_status, "at": _instant(e.created_at)}
                        for e in application.events]}


def _view(session: Session, event: AuditEvent) -> dict:
    """Who looked at the profile: the company and posting, never the employee's name."""
    posting = session.get(Posting, (event.details or {}).get("posting_id") or 0)
    return {"at": _instant(event.created_at), "posting_id": posting.id if posting else None,
            "company": posting.company.name if posting else None}


def _enrollment(session: Session, enrollment: Enrollment) -> dict:
    placements = session.scalars(select(Placement).where(Placement.enrollment_id == enrollment.id)
                                 .order_by(Placement.start_date))
    follow_ups = session.scalars(select(FollowUp).where(FollowUp.enrollment_id == enrollment.id)
                                 .order_by(FollowUp.checkpoint_month))
    return {"institution": enrollment.institution.name, "cohort": enrollment.cohort.code,
            "trainee_ref": enrollment.trainee_ref, "name": enrollment.name, "email": enrollment.email,
            "status": enrollment.status, "completion_date": _day(enrollment.completion_date),
            "shares_outcomes": enrollment.shares_outcomes,
            "placements": [{"employer_name": p.employer_name, "job_title": p.job_title, "start_date": _day(p.start_date),
                            "annual_wage_krw": p.annual_wage_krw, "employment_type": p.employment_type}
                           for p in placements],
            "follow_ups": [{"checkpoint_month": f.checkpoint_month, "status": f.status, "checked_on": _day(f.checked_on),
                            "evidence": f.evidence} for f in follow_ups]}


# --- delete my account ------------------------------------------------------------------------------------------

def delete_account(session: Session, engine, user: User, *, reason: str = "requested") -> int:
    """Remove the account and the personal data hanging off it; keep pseudonymous training outcomes.

    Vectors leave every shard in this transaction (the change log tells every process). Returns the deleted id.
    Adds to the session without committing.
    """
    user_id, role = user.id, user.role
    profile_id = session.scalar(select(SeekerProfile.id).where(SeekerProfile.user_id == user_id))
    if profile_id is not None:
        indexing.remove_entity(session, engine, "profile", profile_id)
        application_ids = select(Application.id).where(Application.profile_id == profile_id)
        session.execute(update(Placement).where(Placement.application_id.in_(application_ids))
                        .values(application_id=None), execution_options={"synchronize_session": False})
        session.execute(delete(Application).where(Application.profile_id == profile_id),
                        execution_options={"synchronize_session": False})
    # The institution's record of the trainee stays, without name, email or the link to this account.
    session.execute(update(Enrollment).where(Enrollment.seeker_user_id == user_id)
                    .values(name="", email=None, seeker_user_id=None, shares_outcomes=False),
                    execution_options={"synchronize_session": False})
    session.execute(update(Placement).where(Placement.seeker_user_id == user_id).values(seeker_user_id=None),
                    execution_options={"synchronize_session": False})
    session.execute(update(AuditEvent).where(AuditEvent.actor_id == user_id).values(actor_id=None),
                    execution_options={"synchronize_session": False})
    session.expunge_all()  # the rows below go by SQL; no loaded object may write them back
    session.execute(delete(User).where(User.id == user_id))  # the database cascades the rest
    session.add(AuditEvent(actor_id=None, actor_role=role, action="account_deleted", object_type="user",
                           object_id=str(user_id), details={"reason": reason}))
    security_log.warning("account_deleted reason=%s role=%s user_id=%s", reason, role, user_id)
    session.flush()
    return user_id


# --- purge of inactive accounts ---------------------------------------------------------------------------------

def inactive_accounts(session: Session, days: int, *, now: datetime | None = None) -> list[User]:
    """Accounts (admins excepted: the programme office must not lock itself out) unused for `days` days:
    last seen before the cut-off, or never seen and created before it."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return list(session.scalars(select(User).where(
        User.role != "admin",
        or_(User.last_seen_at < cutoff, (User.last_seen_at.is_(None)) & (User.created_at < cutoff)))
        .order_by(User.id)))


def purge_inactive(session: Session, engine, days: int, *, dry_run: bool = False,
                   now: datetime | None = None) -> list[int]:
    """Delete every inactive account (see inactive_accounts), committing after each. Returns their ids."""
    ids = [user.id for user in inactive_accounts(session, days, now=now)]
    if dry_run:
        session.rollback()
        return ids
    for user_id in ids:
        user = session.get(User, user_id)
        if user is not None:
            delete_account(session, engine, user, reason=f"inactive_{days}_days")
            session.commit()
    return ids


# --- last seen --------------------------------------------------------------------------------------------------

def touch_last_seen(session: Session, user: User, *, now: datetime | None = None) -> bool:
    """Record that the person used the service, at most once a day (one UPDATE a day, not one a request).
    Returns True when it wrote; the caller commits."""
    now = now or utcnow()
    seen = user.last_seen_at
    if seen is not None and seen.tzinfo is None:  # SQLite hands stored UTC times back without their zone
        seen = seen.replace(tzinfo=timezone.utc)
    if seen is not None and now - seen < timedelta(days=1):
        return False
    user.last_seen_at = now
    return True


def _instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None

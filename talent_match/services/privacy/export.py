"""Download my data: everything the service holds about a person, as plain JSON values."""
from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from ...models import (ApiToken, Application, AuditEvent, Consent, Enrollment, FollowUp, HiddenPosting, MatchFeedback,
                       Placement, Posting, User)
from ...models.base import as_utc, utcnow
from ..accounts import consent
from ..hiring import interactions

security_log = logging.getLogger("talent_match.security")

EXPORT_FORMAT = "talent-match/my-data/1"


def export_data(session: Session, user: User) -> dict:
    """Everything the service holds about this person, as plain JSON values. Records the export (ids only)."""
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": _instant(utcnow()),
        "account": {"id": user.id, "email": user.email, "name": user.name, "phone": user.phone, "role": user.role,
                    "locale": user.locale, "active": user.active, "created_at": _instant(user.created_at),
                    "last_seen_at": _instant(user.last_seen_at), "email_verified_at": _instant(user.email_verified_at),
                    "notify_matches": user.notify_matches, "notify_followups": user.notify_followups,
                    "notified_until": _instant(user.notified_until),
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
        "profile_views": [], "candidate_lists": [], "enrollments": [],
        "match_interactions": [_interaction(i) for i in interactions.for_viewer(session, user.id)],
        "placements": [_placement(p) for p in session.scalars(
            select(Placement).where(Placement.seeker_user_id == user.id).order_by(Placement.start_date))],
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
        data["candidate_lists"] = _candidate_lists(session, profile.id)
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


def _interaction(row) -> dict:
    """What one of the person's matching lists showed them and what they did with it (the other side by id)."""
    return {"at": _instant(row.created_at), "list": row.side, "event": row.event, "impression": row.impression,
            "posting_id": row.posting_id, "profile_id": row.profile_id, "rank": row.rank, "score": row.score,
            "rating": row.rating}


def _placement(placement: Placement) -> dict:
    """A job the person started, however the platform knows of it (a hire here, or their institution's report)."""
    return {"employer_name": placement.employer_name, "job_title": placement.job_title,
            "region": placement.region.slug, "start_date": _day(placement.start_date),
            "annual_wage_krw": placement.annual_wage_krw, "employment_type": placement.employment_type,
            "source": placement.source, "application_id": placement.application_id}


def _candidate_lists(session: Session, profile_id: int) -> list[dict]:
    """Every list of candidates that showed this person to an employer: when, for which posting and company, and
    whether it showed their contact details. The events name people by id inside a JSON list, so the text match
    only narrows the rows; the list itself decides."""
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "candidates_listed", cast(AuditEvent.details, Text).like(f"%{profile_id}%"))
        .order_by(AuditEvent.id))
    shown = []
    for event in events:
        details = event.details or {}
        if profile_id not in details.get("profile_ids", ()):
            continue
        posting = session.get(Posting, int(event.object_id)) if (event.object_id or "").isdigit() else None
        shown.append({"at": _instant(event.created_at), "posting_id": posting.id if posting else None,
                      "company": posting.company.name if posting else None, "via": details.get("via"),
                      "contact_shown": profile_id in details.get("contact_shown", ())})
    return shown


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


def _instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return as_utc(value).isoformat()


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None

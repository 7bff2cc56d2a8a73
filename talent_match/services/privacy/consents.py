"""The consents a person sees on their privacy page, and the effect of changing an optional one at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import AuditEvent, Enrollment, User
from ..accounts import consent
from ..errors import NotFound, ValidationFailed
from ..hiring import profiles
from ..messages import msg


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

"""Deleting an account, on request or after INACTIVE_ACCOUNT_DAYS unused.

Deleting an account removes the person and everything that describes them (profile, skills, CV text, vectors,
applications, consents, tokens, the interaction log of what matching lists showed them and showed others of
them). A training record an institution holds about them stays as a pseudonym (name and
email blanked, the link to the account cut) with its placements and follow-ups, so outcome figures still count.
Audit rows keep their ids and kinds; nothing in them names anyone.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ...models import (Application, AuditEvent, Enrollment, MatchInteraction, Placement, ReadinessAnswer,
                       SeekerProfile, User)
from ...models.base import utcnow
from ..search import indexing

security_log = logging.getLogger("talent_match.security")


def delete_account(session: Session, engine, user: User, *, reason: str = "requested") -> int:
    """Remove the account and the personal data hanging off it; keep pseudonymous training outcomes.

    Vectors leave every shard in this transaction (the change log tells every process). Returns the deleted id.
    Adds to the session without committing.
    """
    user_id, role = user.id, user.role
    profile_id = session.scalar(select(SeekerProfile.id).where(SeekerProfile.user_id == user_id))
    # The interaction log goes explicitly (the foreign keys would cascade too): as viewer and as a shown candidate.
    session.execute(delete(MatchInteraction).where(or_(MatchInteraction.viewer_id == user_id,
                                                       MatchInteraction.profile_id == profile_id)),
                    execution_options={"synchronize_session": False})
    if profile_id is not None:
        indexing.remove_entity(session, engine, "profile", profile_id)
        application_ids = select(Application.id).where(Application.profile_id == profile_id)
        session.execute(update(Placement).where(Placement.application_id.in_(application_ids))
                        .values(application_id=None), execution_options={"synchronize_session": False})
        session.execute(delete(Application).where(Application.profile_id == profile_id),
                        execution_options={"synchronize_session": False})
    # The institution's record of the trainee stays, without name, email or the link to this account; an
    # employer's line of text about the person goes with them (their ratings stay, as counts).
    session.execute(update(ReadinessAnswer).where(ReadinessAnswer.enrollment_id.in_(
        select(Enrollment.id).where(Enrollment.seeker_user_id == user_id))).values(comment=None),
        execution_options={"synchronize_session": False})
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

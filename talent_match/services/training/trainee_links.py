"""Linking an institution's trainee to the person's own seeker account, only with that person's consent.

A link lets the platform connect a trainee's record with what they do on the platform (applications, platform
hires), so it needs the seeker's "share_outcomes" consent. Unknown email, another role and no consent get the same
answer, so the form cannot be used to learn who has an account.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import AuditEvent, Consent, Enrollment, Institution, User
from .. import validation as v
from ..accounts import users as accounts
from ..errors import ValidationFailed
from ..messages import msg
from . import records as training

CONSENT_ITEM = "share_outcomes"
REFUSED = msg("no seeker account with this email has agreed to share training outcomes; ask the trainee to turn on "
              "sharing in their profile and to give you the email of that account")


def link(session: Session, institution: Institution, enrollment_id: int, email, actor: User | None = None
         ) -> Enrollment:
    """Link the institution's trainee to the seeker account with this email, if that seeker consented."""
    enrollment = training.get_enrollment(session, institution, enrollment_id)
    address = v.clean_email(email, "email")
    seeker = accounts.find_user(session, address)
    if seeker is None or seeker.role != "seeker" or not consents(session, [seeker.id]).get(seeker.id, False):
        raise ValidationFailed({"email": [REFUSED]})
    enrollment.seeker_user_id = seeker.id
    enrollment.shares_outcomes = True
    _audit(session, actor, "trainee_linked", enrollment, {"seeker_user_id": seeker.id})
    session.flush()
    return enrollment


def unlink(session: Session, institution: Institution, enrollment_id: int, actor: User | None = None) -> Enrollment:
    enrollment = training.get_enrollment(session, institution, enrollment_id)
    if enrollment.seeker_user_id is not None:
        _audit(session, actor, "trainee_unlinked", enrollment, {"seeker_user_id": enrollment.seeker_user_id})
    enrollment.seeker_user_id = None
    enrollment.shares_outcomes = False
    session.flush()
    return enrollment


def consents(session: Session, user_ids) -> dict[int, bool]:
    """Whether each of these users' latest share_outcomes decision is a yes (absent: never asked, so no)."""
    ids = [user_id for user_id in set(user_ids) if user_id is not None]
    latest: dict[int, bool] = {}
    if ids:
        for user_id, granted in session.execute(select(Consent.user_id, Consent.granted)
                                                .where(Consent.user_id.in_(ids), Consent.item == CONSENT_ITEM)
                                                .order_by(Consent.id)):
            latest[user_id] = granted
    return latest


def _audit(session: Session, actor, action: str, enrollment: Enrollment, details: dict) -> None:
    session.add(AuditEvent(actor_id=getattr(actor, "id", None), actor_role=getattr(actor, "role", None),
                           action=action, object_type="enrollment", object_id=str(enrollment.id), details=details))

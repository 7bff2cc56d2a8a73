"""Consent under PIPA: required items to use the service, optional items a person may withdraw at any time."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Consent, User

REQUIRED_ITEMS = ("privacy_required",)
OPTIONAL_ITEMS = ("discoverable", "share_outcomes")
ITEMS = REQUIRED_ITEMS + OPTIONAL_ITEMS


def record(session: Session, user: User, item: str, granted: bool, version: str) -> Consent:
    if item not in ITEMS:
        raise ValueError(f"unknown consent item {item}")
    consent = Consent(user_id=user.id, item=item, granted=granted, version=version)
    session.add(consent)
    return consent


def current(session: Session, user: User) -> dict[str, Consent]:
    """The latest decision per item."""
    rows = session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.id))
    return {row.item: row for row in rows}

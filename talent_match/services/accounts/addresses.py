"""A person's email address: confirmed by following a link mailed to it, changed only once the new one confirms.

Until an account's address is confirmed its seeker is not discoverable and its employer cannot post
(search.kinds and hiring.postings read `email_verified_at`). A change is asked for with the password; the link
goes to the new address and names the old one, so it works once and not after another change. The address must
be free when asked for and again when confirmed.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ...models import User
from ...models.base import utcnow
from .. import validation as v
from ..errors import Conflict, ValidationFailed
from ..messages import msg
from . import links
from .users import find_user

CONFIRM_AGE = timedelta(days=7)
CHANGE_AGE = timedelta(days=1)


def is_confirmed(user: User) -> bool:
    return user.email_verified_at is not None


def confirmation_token(secret: str, user: User) -> str:
    return links.sign(secret, "confirm", user.id, links.fingerprint(user.email))


def to_confirm(session: Session, secret: str, token: str, *, now: datetime | None = None) -> User:
    """The account a confirmation link stands for (nothing written); LinkRefused when it cannot be used."""
    user_id, bound = _bound(links.read(secret, "confirm", token, max_age=CONFIRM_AGE, now=now))
    user = session.get(User, user_id)
    if user is None:
        raise links.LinkRefused("invalid")
    if not secrets.compare_digest(bound, links.fingerprint(user.email)):
        raise links.LinkRefused("used")  # the address changed since: the link was about the old one
    return user


def confirm(session: Session, secret: str, token: str, *, now: datetime | None = None) -> User:
    """Mark the address confirmed (again is harmless); the caller commits and re-indexes a seeker's profile."""
    user = to_confirm(session, secret, token, now=now)
    if user.email_verified_at is None:
        user.email_verified_at = now or utcnow()
    return user


def request_change(session: Session, secret: str, user: User, password: str, new_email: str) -> tuple[str, str]:
    """(the new address, the token of the link to mail to it). Nothing changes until the link is followed."""
    errors = v.ErrorCollector()
    if not user.check_password(password or ""):
        errors.add(ValidationFailed({"password": [msg("is not correct")]}))
    address = errors.check(v.clean_email, new_email, "new_email")
    if address is not None and address == user.email:
        errors.add(ValidationFailed({"new_email": [msg("is already your address")]}))
    elif address is not None and find_user(session, address) is not None:
        errors.add(ValidationFailed({"new_email": [msg("is already registered")]}))
    errors.raise_if_any()
    return address, links.sign(secret, "change", user.id, links.fingerprint(user.email), address)


def to_change(session: Session, secret: str, token: str, *, now: datetime | None = None) -> tuple[User, str]:
    """(the account, the new address) an address-change link stands for (nothing written); LinkRefused when it
    cannot be used."""
    values = links.read(secret, "change", token, max_age=CHANGE_AGE, now=now)
    if len(values) != 3 or not all(isinstance(value, str) for value in values[1:]):
        raise links.LinkRefused("invalid")
    user_id, bound, address = values
    user = session.get(User, user_id)
    if user is None:
        raise links.LinkRefused("invalid")
    if not secrets.compare_digest(bound, links.fingerprint(user.email)):
        raise links.LinkRefused("used")
    return user, address


def change(session: Session, secret: str, token: str, *, now: datetime | None = None) -> tuple[User, str]:
    """Move the account to the confirmed new address; returns (the account, its old address) so the old address
    can be told. Conflict when another account took the address meanwhile. The caller commits."""
    user, address = to_change(session, secret, token, now=now)
    taken = find_user(session, address)
    if taken is not None and taken.id != user.id:
        raise Conflict(msg("Another account uses this address now, so yours was not changed."))
    old, user.email = user.email, address
    user.email_verified_at = now or utcnow()  # the link reached the new address: it is confirmed too
    return user, old


def _bound(values: list) -> tuple[int, str]:
    if len(values) != 2 or not isinstance(values[1], str):
        raise links.LinkRefused("invalid")
    return values[0], values[1]

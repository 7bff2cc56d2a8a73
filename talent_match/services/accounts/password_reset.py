"""Forgotten passwords: a mailed link that works for an hour and once, then the usual password rules.

The link is bound to the password it replaces (a fingerprint of its hash and of the address), so setting any new
password, through this link or otherwise, ends it. Asking never says whether the address has an account: the same
lookup and signature happen either way, and the caller mails either the link or a note that no account uses the
address. (Mailing known addresses only left one INSERT and commit to tell them apart: a median 21 against 16 ms on
SQLite; mailing both, 22.5 and 22.5.)
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ...models import User
from .. import validation as v
from . import links
from .users import find_user, set_new_password

RESET_AGE = timedelta(hours=1)


def request(session: Session, secret: str, email) -> tuple[str, User | None, str]:
    """(the address asked about, its account or None when it has none or a disabled one, the token of the link to
    mail the account); ValidationFailed on `email` when it is not an address."""
    address = v.clean_email(email)
    user = find_user(session, address)
    if user is not None and not user.is_active:
        user = None
    # An unknown address is signed too (for nobody), so that path does the work a known one does.
    bound = _bound(user.password_hash, user.email) if user else _bound("", "")
    return address, user, links.sign(secret, "reset", user.id if user else 0, bound)


def to_reset(session: Session, secret: str, token: str, *, now: datetime | None = None) -> User:
    """The account a reset link stands for (nothing written); LinkRefused when it cannot be used."""
    values = links.read(secret, "reset", token, max_age=RESET_AGE, now=now)
    user = session.get(User, values[0]) if len(values) == 2 else None
    if user is None or not user.is_active or not isinstance(values[1], str):
        raise links.LinkRefused("invalid")
    if not secrets.compare_digest(values[1], _bound(user.password_hash, user.email)):
        raise links.LinkRefused("used")
    return user


def reset(session: Session, secret: str, token: str, new_password: str, *,
          now: datetime | None = None) -> tuple[User, int]:
    """Set the new password (ValidationFailed on `password` when it breaks the rules): every session and API token
    of the account ends (users.set_new_password). Returns the account and how many tokens were revoked; the caller
    commits."""
    user = to_reset(session, secret, token, now=now)
    return user, set_new_password(session, user, new_password)


def _bound(password_hash: str, email: str) -> str:
    return links.fingerprint(password_hash, email)

"""Signed links in account mail: each token names its purpose, its person and what it is bound to.

A token is a list of values (the user id first) signed with the app's secret and a salt per purpose, so a link
made for one purpose never works for another. Callers bind a token to what it changes (the password a reset
replaces, the address a change replaces), so a link stops working once it has done its job. The signing time
travels in the token; `read` refuses it after `max_age`.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ...models.base import utcnow
from ..errors import DomainError
from ..messages import msg

PURPOSES = ("confirm", "change", "reset", "unsubscribe")


class LinkRefused(DomainError):
    """A link that cannot be used: not ours or altered (400), expired or already used (410). Pages answer it
    with the message and its status, and change nothing."""

    def __init__(self, reason: str):
        messages = {
            "invalid": msg("This link is not valid. It may have been cut short: open the whole link from the "
                           "message, or ask for a new one."),
            "expired": msg("This link has expired. Ask for a new one."),
            "used": msg("This link has already been used, or something it was about has changed since. Ask for "
                        "a new one if you still need it."),
        }
        super().__init__(messages[reason])
        self.reason = reason
        self.status = 400 if reason == "invalid" else 410


def sign(secret: str, purpose: str, user_id: int, *values) -> str:
    return _serializer(secret, purpose).dumps([user_id, *values])


def read(secret: str, purpose: str, token: str, *, max_age: timedelta | None,
         now: datetime | None = None) -> list:
    """[user id, values...] from a token this app signed for `purpose`; LinkRefused otherwise."""
    try:
        values, signed_at = _serializer(secret, purpose).loads(token or "", return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("invalid") from None
    if not isinstance(values, list) or not values or type(values[0]) is not int:
        raise LinkRefused("invalid")
    if max_age is not None and (now or utcnow()) - signed_at > max_age:
        raise LinkRefused("expired")
    return values


def fingerprint(*parts: str) -> str:
    """A short digest binding a token to values it must not carry in the clear (a password hash, an address)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return URLSafeTimedSerializer(secret, salt=f"account-{purpose}")

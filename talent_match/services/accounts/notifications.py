"""Optional mail a person chooses, and the one-click way out of each message of it (RFC 8058).

`notify_matches` ("off", "daily", "weekly"): a digest of new matching postings for seekers, of new matching
candidates for employers. `notify_followups`: institutions' weekly list of follow-ups due. Every such message
carries an unsubscribe link naming the person and the preference; following it turns that preference off without
signing in. Messages people need to use their account (confirmations, resets) carry none.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import MATCH_DIGESTS, User
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from . import links

BY_ROLE = {"seeker": ("notify_matches",), "employer": ("notify_matches",), "institution": ("notify_followups",)}
OFF = {"notify_matches": "off", "notify_followups": False}


def preferences_of(user: User) -> tuple[str, ...]:
    """The preferences that mean something for the user's role (none for admins)."""
    return BY_ROLE.get(user.role, ())


def save(session: Session, user: User, data: dict) -> User:
    """Set the preferences present in `data`; ValidationFailed names any that is wrong or not the role's."""
    errors = v.ErrorCollector()
    for name in sorted(set(data) - set(preferences_of(user))):
        errors.add(ValidationFailed({name: [msg("is not a preference of your account")]}))
    values = {}
    if "notify_matches" in data:
        values["notify_matches"] = errors.check(v.clean_choice, data["notify_matches"], "notify_matches",
                                                MATCH_DIGESTS)
    if "notify_followups" in data:
        values["notify_followups"] = errors.check(v.clean_bool, data["notify_followups"], "notify_followups")
    errors.raise_if_any()
    for name, value in values.items():
        setattr(user, name, value)
    return user


def unsubscribe_token(secret: str, user: User, preference: str) -> str:
    if preference not in OFF:
        raise ValueError(f"unknown preference {preference!r}")
    return links.sign(secret, "unsubscribe", user.id, preference)


def to_unsubscribe(session: Session, secret: str, token: str) -> tuple[User, str]:
    """(the account, the preference) an unsubscribe link names (nothing written). It does not expire: a digest
    read months later must still let its reader out."""
    values = links.read(secret, "unsubscribe", token, max_age=None)
    user = session.get(User, values[0]) if len(values) == 2 and values[1] in tuple(OFF) else None
    if user is None:
        raise links.LinkRefused("invalid")
    return user, values[1]


def unsubscribe(session: Session, secret: str, token: str) -> tuple[User, str]:
    """Turn the named preference off (again is harmless); the caller commits."""
    user, preference = to_unsubscribe(session, secret, token)
    setattr(user, preference, OFF[preference])
    return user, preference

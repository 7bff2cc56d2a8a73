"""API tokens: issued to a person, shown once, stored only as a hash, revocable.

A token acts with its user's role and ownership; it carries no scope of its own. The account page and the
`create-token` command are adapters over these functions.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import ApiToken, User
from .. import validation as v
from ..errors import NotFound
from ..messages import msg

PREFIX_LENGTH = 10  # "tm_" and 7 characters: enough to tell tokens apart, too few to guess the rest


def issue(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`: returns the row and the token value, which nothing can show again."""
    name = v.clean_text(name, "name", max_length=80)
    value = new_token_value()
    token = ApiToken(user_id=user.id, name=name, prefix=value[:PREFIX_LENGTH], token_hash=hash_token(value))
    session.add(token)
    session.flush()
    return token, value


def for_user(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included so the history stays visible."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; another user's token is NotFound. Revoking twice is harmless."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(msg("No such token."))
    if token.revoked_at is None:
        token.revoked_at = datetime.now(timezone.utc)
    return token


def revoke_all(session: Session, user: User) -> int:
    """Revoke every live token of the user (a new password); returns how many there were."""
    live = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for token in live:
        token.revoked_at = datetime.now(timezone.utc)
    return len(live)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_value() -> str:
    return "tm_" + secrets.token_urlsafe(32)

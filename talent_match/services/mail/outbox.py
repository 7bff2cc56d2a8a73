"""Queuing mail: a row in the caller's transaction, so a message goes out only if what caused it was committed.

A `dedupe_key` names the reason for a message (a checkpoint's request, its second reminder): queuing the same
reason twice adds nothing. A message people did not need to ask for (a digest) carries an `unsubscribe_url`, sent
as RFC 8058 one-click unsubscribe headers, so mail clients offer a way out that works without signing in. Bodies
hold personal data, so sent messages are purged after RETENTION_DAYS and an account's deletion removes the
messages addressed to it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...models import OutboxMessage
from ...models.base import utcnow
from .. import validation as v

RETENTION_DAYS = 90
# session.info key: the session queued mail, so whoever wires delivery may start it once the commit is done.
QUEUED_FLAG = "mail_queued"


def queue(session: Session, *, kind: str, to: str, subject: str, body: str, headers: dict | None = None,
          dedupe_key: str | None = None, unsubscribe_url: str | None = None) -> OutboxMessage | None:
    """Add a message to the outbox (the caller commits); None when `dedupe_key` was queued before."""
    address = v.clean_email(to, "to")
    headers = dict(headers or {})
    if unsubscribe_url:  # the URL answers a POST of "List-Unsubscribe=One-Click" without session or CSRF token
        headers.update({"List-Unsubscribe": f"<{unsubscribe_url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    if dedupe_key is not None and session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    message = OutboxMessage(kind=kind, to_address=address, subject=subject[:300], body_text=body,
                            headers=headers, dedupe_key=dedupe_key)
    session.add(message)
    session.info[QUEUED_FLAG] = True
    return message


def recent(session: Session, *, status: str | None = None, limit: int = 100) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query))


def forget_address(session: Session, address: str) -> int:
    """Delete every message to `address` (account deletion); returns how many."""
    return session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == address)).rowcount or 0


def purge(session: Session, *, now: datetime | None = None, days: int = RETENTION_DAYS) -> int:
    """Delete sent, failed and held messages older than `days`; the caller commits."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return session.execute(delete(OutboxMessage).where(OutboxMessage.status.in_(("sent", "failed", "held")),
                                                       OutboxMessage.created_at < cutoff)).rowcount or 0

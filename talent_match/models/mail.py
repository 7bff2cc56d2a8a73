"""Outgoing mail: every message is written here first, in the transaction that decided to send it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import Timestamped, utcnow

# queued: waiting to be sent; sending: claimed by one deliverer (never sent by another); sent; failed: given up
# (or its sending was interrupted, so it may or may not have left: never retried, so never sent twice);
# held: no SMTP_URL, kept for admins to read at /admin/outbox.
OUTBOX_STATUSES = ("queued", "sending", "sent", "failed", "held")


class OutboxMessage(Timestamped, db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    to_address: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    headers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # One message per reason: queuing the same key again is a no-op (a reminder, a checkpoint request).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

"""Delivering the outbox: each message claimed by exactly one deliverer, sent, and marked; retried with backoff.

A message is claimed by an UPDATE that only one process can win (queued -> sending), so two workers never send
it twice. A send that fails for a temporary reason (a 4xx reply, the server unreachable) is queued again after
BACKOFF; a permanent refusal (5xx) or MAX_ATTEMPTS fails it. A deliverer killed between claiming and marking
leaves the row `sending`: after STALE_AFTER it is marked failed, not retried, because it may have left.
Without SMTP settings messages are `held`: the outbox itself is where admins read them.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...models import OutboxMessage
from ...models.base import utcnow
from . import smtp

log = logging.getLogger(__name__)

BACKOFF_S = (60, 300, 1800, 7200, 43200)   # after the 1st, 2nd, ... failed attempt
MAX_ATTEMPTS = len(BACKOFF_S) + 1
STALE_AFTER = timedelta(minutes=15)
BATCH = 100


def deliver_queued(bind, settings: smtp.SmtpSettings | None, mail_from: str, *, now: datetime | None = None,
                   up_to_id: int | None = None, sender: Callable = smtp.send) -> dict[str, int]:
    """Send every queued message that is due (those waiting out a retry are not); with `up_to_id`, only those
    queued up to it, so a run ends even while others keep queuing. Returns counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "held": 0}
    now = now or utcnow()
    with Session(bind) as session:
        _fail_stale(session, now)
        last = 0
        while True:
            query = (select(OutboxMessage.id).where(OutboxMessage.status == "queued", OutboxMessage.id > last,
                                                    OutboxMessage.next_attempt_at <= now)
                     .order_by(OutboxMessage.id).limit(BATCH))
            if up_to_id is not None:
                query = query.where(OutboxMessage.id <= up_to_id)
            ids = list(session.scalars(query))
            if not ids:
                return counts
            for message_id in ids:
                outcome = _deliver_one(session, message_id, settings, mail_from, now, sender)
                if outcome:
                    counts[outcome] += 1
            last = ids[-1]


def newest_id(session: Session) -> int:
    """What `send-mail` delivers up to: everything queued before it started."""
    return session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0


def _deliver_one(session: Session, message_id: int, settings, mail_from: str, now: datetime, sender) -> str | None:
    claimed = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                          OutboxMessage.status == "queued")
                              .values(status="sending", attempts=OutboxMessage.attempts + 1, updated_at=now))
    session.commit()
    if claimed.rowcount != 1:
        return None  # another deliverer has it
    message = session.get(OutboxMessage, message_id)
    if settings is None:
        return _mark(session, message, "held", now)
    try:
        sender(settings, _email(message, mail_from, now))
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600
        return _failed(session, message, f"{exc.smtp_code} {exc.smtp_error!r}"[:500], now, permanent)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        return _failed(session, message, f"recipients refused: {codes}", now, all(c >= 500 for c in codes))
    except (smtplib.SMTPException, OSError) as exc:
        return _failed(session, message, f"{type(exc).__name__}: {exc}"[:500], now, False)
    message.sent_at = now
    return _mark(session, message, "sent", now)


def _failed(session: Session, message: OutboxMessage, error: str, now: datetime, permanent: bool) -> str:
    message.last_error = error
    log.warning("mail %s (%s) not sent, attempt %s: %s", message.id, message.kind, message.attempts, error)
    if permanent or message.attempts >= MAX_ATTEMPTS:
        return _mark(session, message, "failed", now)
    message.next_attempt_at = now + timedelta(seconds=BACKOFF_S[message.attempts - 1])
    _mark(session, message, "queued", now)
    return "retry"


def _mark(session: Session, message: OutboxMessage, status: str, now: datetime) -> str:
    message.status, message.updated_at = status, now
    session.commit()
    return status


def _fail_stale(session: Session, now: datetime) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.status == "sending",
                                                OutboxMessage.updated_at < now - STALE_AFTER)
                    .values(status="failed", last_error="interrupted while sending: it may have left, so it is "
                                                        "not sent again", updated_at=now))
    session.commit()


def _email(message: OutboxMessage, mail_from: str, now: datetime) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = mail_from, message.to_address, message.subject
    email["Date"] = format_datetime(now)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(f"outbox.{message.id}", domain=domain)
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    return email

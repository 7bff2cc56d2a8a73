"""Who gets a digest on a day, and queuing them: daily digests every day, weekly ones on WEEKLY_ON (Monday in Korea),
never twice on one day.

`run` looks at every active person with a confirmed address who chose a digest (`notify_matches` for seekers and
employers, `notify_followups`, weekly, for institutions). For each one due it gathers what is new
(`whats_new.gather`), hands it to `send` unless empty (the caller writes the message: mail templates belong to the
app) and records which candidates an employer was sent; then it moves `notified_until` to the window's end whether
or not anything was new, so a second run the same day sends nothing and no item is listed twice. Written in the
caller's transaction.
"""
from __future__ import annotations

from datetime import date
from typing import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...models import User
from ...models.base import as_utc
from .. import audit
from . import whats_new

WEEKLY_ON = 0  # Monday


def preference_of(user: User) -> str | None:
    """The preference that asks for this person's digest (its unsubscribe link turns it off), or None."""
    if user.role in ("seeker", "employer") and user.notify_matches in ("daily", "weekly"):
        return "notify_matches"
    if user.role == "institution" and user.notify_followups:
        return "notify_followups"
    return None


def is_due(user: User, day: date, weekday: int = WEEKLY_ON) -> bool:
    """Whether the person's digest goes out on `day` (in Korea): chosen, on its weekday, not yet that day."""
    preference = preference_of(user)
    if preference is None:
        return False
    weekly = preference == "notify_followups" or user.notify_matches == "weekly"
    if weekly and day.weekday() != weekday:
        return False
    told = as_utc(user.notified_until)
    return told is None or told.astimezone(whats_new.KOREA).date() < day


def run(session: Session, engine, day: date, send: Callable[[User, str, whats_new.News], None], *,
        size: int = 10, weights: dict | None = None, weekday: int = WEEKLY_ON) -> dict[str, int]:
    """Queue the digests due on `day`; counts of people due, digests sent to `send` and items they list."""
    until = whats_new.moment(day)
    counts = {"due": 0, "queued": 0, "items": 0}
    for user in _subscribers(session):
        if not is_due(user, day, weekday):
            continue
        counts["due"] += 1
        found = whats_new.gather(session, engine, user, until, size=size, weights=weights)
        if found.count:
            send(user, preference_of(user), found)
            counts["queued"] += 1
            counts["items"] += found.count
            for posting, page in found.candidates:
                audit.record_candidates_listed(session, user, posting.id, [m.entity.id for m in page.items], [],
                                               via="digest")
        user.notified_until = found.until
    session.flush()
    return counts


def _subscribers(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(
        User.active.is_(True), User.email_verified_at.is_not(None),
        or_(User.role.in_(("seeker", "employer")) & User.notify_matches.in_(("daily", "weekly")),
            (User.role == "institution") & User.notify_followups.is_(True))).order_by(User.id)))

"""What is new for one person: the items their digest mail lists and their notification page shows, from here alone.

An item is new when it joined the person's lists after `User.notified_until` (their last digest, or when they marked
their notifications seen), at most LOOKBACK before: for a seeker, open postings published in their home and accepted
regions; for an employer, seekers who became findable for each open posting of their company (both through the
matching pipeline the matches and posting pages use, with its `new_between` filter, so regions and reasons are
theirs); for an institution, follow-up checkpoints that fell due. The window ends at `until`, which the next window
starts from, so no item is told twice. `gather` and `count` only read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Posting, User
from ...models.base import as_utc, utcnow
from .. import figure_cache
from ..hiring.postings import open_filter
from ..matching import pipeline as matching
from ..reference.taxonomy import Taxonomy
from ..training import followups

KOREA = ZoneInfo("Asia/Seoul")
LOOKBACK = timedelta(days=14)  # a first window, or one after a long silence, reaches back this far at most


@dataclass
class News:
    since: datetime
    until: datetime
    postings: matching.MatchPage | None = None                 # a seeker's: the best new ones, and how many
    candidates: list[tuple[Posting, matching.MatchPage]] = field(default_factory=list)  # an employer's, by posting
    follow_ups: list[followups.Checkpoint] = field(default_factory=list)  # an institution's newly due, oldest first
    still_due: int = 0                                          # an institution's follow-ups due in all

    @property
    def count(self) -> int:
        """Every new item, listed or not."""
        return ((self.postings.total if self.postings else 0) + sum(page.total for _, page in self.candidates)
                + len(self.follow_ups))


def moment(day: date) -> datetime:
    """`day` (in Korea) at this time of day, in UTC: the end of a window for a run on that day (a late cron, tests)."""
    now = datetime.now(KOREA)
    return datetime.combine(day, now.time(), tzinfo=KOREA).astimezone(timezone.utc)


def window(user: User, until: datetime) -> tuple[datetime, datetime]:
    """(since, until] in UTC, since the user was last told. SQLite compares stored UTC times as text, so both are
    UTC."""
    until = until.astimezone(timezone.utc)
    told = as_utc(user.notified_until)
    return max(told, until - LOOKBACK) if told else until - LOOKBACK, until


def gather(session: Session, engine, user: User, until: datetime, *, size: int = 10,
         weights: dict | None = None) -> News:
    """What is new for `user` up to `until`: the `size` best of each list, and how many there are."""
    since, until = window(user, until)
    found, today = News(since, until), until.astimezone(KOREA).date()
    between = {"new_between": (since, until)}
    if user.role == "seeker" and user.profile is not None:
        found.postings = matching.for_profile(session, engine, user.profile, filters=between, per_page=size,
                                              weights=weights, today=today)
    elif user.role == "employer":
        taxonomy = Taxonomy.from_session(session)  # once for all the company's postings
        for posting in _open_postings(session, user, today):
            page = matching.for_posting(session, engine, posting, filters=between, per_page=size, weights=weights,
                                        taxonomy=taxonomy)
            if page.total:
                found.candidates.append((posting, page))
    elif user.role == "institution" and user.institution is not None:
        due = followups.due_follow_ups(session, user.institution, today)
        found.follow_ups, found.still_due = _fell_due(due, since), len(due)
    return found


def count(session: Session, user: User, now: datetime | None = None) -> int:
    """How many items `gather` would find now, counted without ranking: the number beside the navigation's link.

    Kept as a figure (services.figure_cache: dropped by this process's next write, else after its ttl): it is on
    every page, and at 100,000 seekers an employer's count asks each open posting's region for the seekers new
    in the window (~90 ms a posting: 650 ms a page for the demo employer's seven)."""
    since, until = window(user, now or utcnow())  # `since` moves with the clock until the user is first told
    return figure_cache.cached(session, ("whats_new_count", user.id, as_utc(user.notified_until)),
                               lambda: _count(session, user, since, until))


def _count(session: Session, user: User, since: datetime, until: datetime) -> int:
    today, between = until.astimezone(KOREA).date(), {"new_between": (since, until)}
    if user.role == "seeker" and user.profile is not None:
        return matching.count_for_profile(session, user.profile, filters=between, today=today)
    if user.role == "employer":
        by_region: dict[int, list[Posting]] = {}  # with these filters a posting's candidates are its region's:
        for posting in _open_postings(session, user, today):  # counted once per region
            by_region.setdefault(posting.region_id, []).append(posting)
        return sum(len(group) * matching.count_for_posting(session, group[0], filters=between)
                   for group in by_region.values())
    if user.role == "institution" and user.institution is not None:
        return len(_fell_due(followups.due_follow_ups(session, user.institution, today), since))
    return 0


def mark_seen(user: User, until: datetime, now: datetime | None = None) -> None:
    """The person has seen what was new up to `until` (never later than now, never moving back); caller commits."""
    until = min(until.astimezone(timezone.utc), now or utcnow())
    told = as_utc(user.notified_until)
    if told is None or until > told:
        user.notified_until = until


def _open_postings(session: Session, user: User, today: date) -> list[Posting]:
    if user.company_id is None:
        return []
    return list(session.scalars(select(Posting).where(Posting.company_id == user.company_id, open_filter(today))
                                .order_by(Posting.id)))


def _fell_due(due: list[followups.Checkpoint], since: datetime) -> list[followups.Checkpoint]:
    """Checkpoints falling due (at the start of their day in Korea) after `since`; `due` ends at until's day."""
    start = since.astimezone(KOREA)
    return [c for c in due if datetime.combine(c.due_on, time(), tzinfo=KOREA) > start]

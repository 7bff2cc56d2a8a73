"""Reading the IndexChange log in order, without losing a change that commits late under a lower id.

PostgreSQL hands out ids when a row is inserted, not when its transaction commits: a reader can see id 11 while
id 10 is still uncommitted. Skipped ids are kept as gaps for a while and looked up again on every read; one that
turns up is applied then, unless a later change to the same shard entry was applied meanwhile.
"""
from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import IndexChange

BATCH = 20_000       # log rows read per query
GAP_LOOKBACK = 1000  # ids below a starting point that may belong to transactions still open
MAX_NEW_GAPS = 10_000

Key = tuple[str, int, int]  # (kind, region_id, entity_id)


def newest_id(session: Session) -> int:
    """The cheap check done before every search: one indexed MAX(id)."""
    return session.scalar(select(func.max(IndexChange.id))) or 0


def changes():
    c = IndexChange
    return select(c.id, c.kind, c.region_id, c.entity_id, c.op).order_by(c.id)


class ChangeCursor:
    """This process's place in the log: `last` applied id, plus the gaps below it still worth looking for."""

    def __init__(self, gap_timeout: float):
        self.gap_timeout = gap_timeout
        self.last = 0
        self.gaps: dict[int, float] = {}   # id -> when to stop looking (its transaction rolled back)
        self._recent: dict[Key, int] = {}  # change id applied per entry, kept while gaps are open

    def behind(self, top: int) -> bool:
        return top > self.last or bool(self.gaps)

    def read(self, session: Session) -> tuple[dict[Key, tuple[int, str]], set[Key], bool]:
        """The next batch as {entry: (change id, op)}, the last op per entry winning; the entries that came from
        late (gap) rows, to apply whatever the shard's generation; and whether more rows are waiting."""
        rows = list(session.execute(changes().where(IndexChange.id > self.last).limit(BATCH)))
        late = list(session.execute(changes().where(IndexChange.id.in_(list(self.gaps))))) if self.gaps else []
        now = time.monotonic()
        if rows and rows[-1].id - self.last - len(rows) < MAX_NEW_GAPS:
            seen = {row.id for row in rows}
            self.gaps.update({i: now + self.gap_timeout for i in range(self.last + 1, rows[-1].id) if i not in seen})
        for row in late:
            self.gaps.pop(row.id, None)
        self.gaps = {i: t for i, t in self.gaps.items() if t > now}
        latest: dict[Key, tuple[int, str]] = {}
        for row in late:
            key = (row.kind, row.region_id, row.entity_id)
            if self._recent.get(key, 0) < row.id:  # a later change to the same entry was applied already
                latest[key] = (row.id, row.op)
        late_keys = set(latest)
        for row in rows:
            latest[(row.kind, row.region_id, row.entity_id)] = (row.id, row.op)
        self._recent = {**self._recent, **{k: i for k, (i, _) in latest.items()}} if self.gaps else {}
        if rows:
            self.last = rows[-1].id
        return latest, late_keys, len(rows) == BATCH

    def note_gaps_below(self, session: Session, watermark: int) -> None:
        """Starting from a file or a rebuild as of `watermark`: ids just below it that are not in the log yet may
        still commit."""
        present = set(session.scalars(select(IndexChange.id).where(IndexChange.id > watermark - GAP_LOOKBACK,
                                                                   IndexChange.id <= watermark)))
        deadline = time.monotonic() + self.gap_timeout
        for missing in set(range(max(1, watermark - GAP_LOOKBACK + 1), watermark + 1)) - present:
            self.gaps.setdefault(missing, deadline)

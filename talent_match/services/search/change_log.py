"""The IndexChange log, and the only code that reads or writes it.

The writer appends a row for every shard an entity joins or leaves, in the caller's transaction (`append`); each
process follows the log with one `ChangeCursor`, whose batches feed both its dense shards and its lexical index.

PostgreSQL hands out ids when a row is inserted, not when its transaction commits: a reader can see id 11 while
id 10 is still uncommitted. Skipped ids are kept as gaps for a while and looked up again on every read; one that
turns up is applied then, unless a later change to the same shard entry was applied meanwhile.
"""
from __future__ import annotations

import time
from typing import Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ...models import IndexChange

BATCH = 20_000       # log rows read per query
GAP_LOOKBACK = 1000  # ids below a starting point that may belong to transactions still open
MAX_NEW_GAPS = 10_000

Key = tuple[str, int, int]  # (kind, region_id, entity_id)
Change = tuple[str, int, int, str]  # (kind, region_id, entity_id, "upsert" | "remove")


def append(session: Session, changes: Iterable[Change]) -> None:
    """Log shard joins ("upsert") and leaves ("remove"), in the caller's transaction."""
    rows = [dict(kind=kind, region_id=region, entity_id=entity, op=op) for kind, region, entity, op in changes]
    if rows:
        session.execute(insert(IndexChange), rows)


def newest_id(session: Session) -> int:
    """The cheap check done once before every search: one indexed MAX(id)."""
    return session.scalar(select(func.max(IndexChange.id))) or 0


def oldest_id(session: Session) -> int | None:
    """Where the log starts (None when empty): a shard file saved before it can no longer be replayed."""
    return session.scalar(select(func.min(IndexChange.id)))


def logged_regions(session: Session, kind: str, entity_ids: Iterable[int]) -> dict[int, set[int]]:
    """Where the log last put each entity: its regions whose latest op is an upsert."""
    ids = list(entity_ids)
    current: dict[int, set[int]] = {}
    for start in range(0, len(ids), 1000):
        rows = session.execute(select(IndexChange.entity_id, IndexChange.region_id, IndexChange.op)
                               .where(IndexChange.kind == kind, IndexChange.entity_id.in_(ids[start:start + 1000]))
                               .order_by(IndexChange.id))
        for entity_id, region_id, op in rows:
            regions = current.setdefault(entity_id, set())
            (regions.add if op == "upsert" else regions.discard)(region_id)
    return current


def ever_placed(kind: str, entity_id):
    """A condition on an entity id column: the log has put that entity in some shard."""
    c = IndexChange
    return select(c.id).where(c.kind == kind, c.entity_id == entity_id, c.op == "upsert").exists()


def shard_changes(session: Session, kind: str, region: int, after: int, upto: int) -> dict[int, str]:
    """{entity_id: its last op} in one shard's changes after id `after` up to `upto`: a rebuilt shard's replay."""
    rows = session.execute(_changes().where(IndexChange.id > after, IndexChange.id <= upto,
                                            IndexChange.kind == kind, IndexChange.region_id == region))
    return {row.entity_id: row.op for row in rows}


def _changes():
    c = IndexChange
    return select(c.id, c.kind, c.region_id, c.entity_id, c.op).order_by(c.id)


class ChangeCursor:
    """This process's place in the log: `last` applied id, plus the gaps below it still worth looking for."""

    def __init__(self, gap_timeout: float):
        self.gap_timeout = gap_timeout
        self.restart()

    def restart(self) -> None:
        """Back to the start of the log (it was emptied or replaced): whoever follows must rebuild."""
        self.last = 0
        self.gaps: dict[int, float] = {}   # id -> when to stop looking (its transaction rolled back)
        self._recent: dict[Key, int] = {}  # change id applied per entry, kept while gaps are open

    def behind(self, top: int) -> bool:
        return top > self.last or bool(self.gaps)

    def read(self, session: Session) -> tuple[dict[Key, tuple[int, str]], set[Key], bool]:
        """The next batch as {entry: (change id, op)}, the last op per entry winning; the entries that came from
        late (gap) rows, to apply whatever the shard's generation; and whether more rows are waiting."""
        rows = list(session.execute(_changes().where(IndexChange.id > self.last).limit(BATCH)))
        late = list(session.execute(_changes().where(IndexChange.id.in_(list(self.gaps))))) if self.gaps else []
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

"""Bulk writing for the demo seeder: rows as plain dicts with ids assigned up front, inserted in chunks.

Assigning ids here (after the current maximum) lets the generator link children to parents without a round trip,
and keeps the same seed producing the same rows. Buffers are flushed parents first, so a flush never breaks a
foreign key, and committed per flush, so a large seed never holds one huge transaction.

At 100,000 seekers there are about 1.5 million rows, and SQLAlchemy's per-row parameter handling cost more than
the database itself, so rows go to the driver directly: COPY on PostgreSQL, executemany with the columns' own
bind processors on SQLite, and a plain Core insert anywhere else.
"""
from __future__ import annotations

import time
from collections import Counter

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ...models import (Application, ApplicationEvent, Cohort, Company, Consent, Enrollment, FollowUp,
                       FollowUpRequest, Institution, MatchInteraction, Placement, Posting, PostingSkill, ProfileSkill,
                       Programme, ProgrammeSkill, ReadinessAnswer, ReadinessRating, SeekerProfile, User,
                       profile_accepted_region)
from .. import figure_cache

# Parents before children: flushing in this order never breaks a foreign key.
TABLES = tuple(getattr(m, "__table__", m) for m in (
    Company, Institution, User, SeekerProfile, profile_accepted_region, ProfileSkill, Consent, Programme,
    ProgrammeSkill, Cohort, Enrollment, Posting, PostingSkill, Application, ApplicationEvent, Placement, FollowUp,
    FollowUpRequest, ReadinessAnswer, ReadinessRating, MatchInteraction))


class RowSink:
    """Collects rows per table and inserts them with executemany, `chunk_rows` rows at a time."""

    def __init__(self, session: Session, chunk_rows: int = 50_000):
        self.session = session
        self.chunk_rows = chunk_rows
        self.tables = {t.name: t for t in TABLES}
        self.buffers: dict[str, list[dict]] = {t.name: [] for t in TABLES}
        self.pending = 0
        self.counts: Counter = Counter()
        self.insert_seconds = 0.0
        self.insert_cpu_seconds = 0.0
        self._next_id = {t.name: (session.scalar(select(func.max(t.c.id))) or 0) + 1
                         for t in TABLES if "id" in t.c}

    def new_id(self, table: str) -> int:
        value = self._next_id[table]
        self._next_id[table] = value + 1
        return value

    def add(self, table: str, row: dict) -> dict:
        self.buffers[table].append(row)
        self.pending += 1
        if self.pending >= self.chunk_rows:
            self.flush()
        return row

    def flush(self) -> None:
        started, cpu_started = time.perf_counter(), time.process_time()
        for name, rows in self.buffers.items():
            if rows:
                _insert(self.session, self.tables[name], rows)
                self.counts[name] += len(rows)
                self.buffers[name] = []
        self.session.commit()
        self.pending = 0
        self.insert_seconds += time.perf_counter() - started
        self.insert_cpu_seconds += time.process_time() - cpu_started

    def finish(self) -> None:
        """Flush what is left and move PostgreSQL's id sequences past the ids given here."""
        self.flush()
        started, cpu_started = time.perf_counter(), time.process_time()
        if self.session.get_bind().dialect.name == "postgresql":
            for name in self._next_id:
                quoted = f'"{name}"'
                self.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{quoted}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {quoted}), false)"))
            self.session.commit()
        self.insert_seconds += time.perf_counter() - started
        self.insert_cpu_seconds += time.process_time() - cpu_started


def _insert(session: Session, table, rows: list[dict]) -> None:
    """Insert rows that all have the same keys, as fast as the driver allows."""
    figure_cache.note_write(session)
    conn = session.connection()
    dialect = conn.dialect
    columns = list(rows[0])
    names = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
    target = dialect.identifier_preparer.format_table(table)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        with conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
    elif dialect.name == "sqlite":
        processors = [(c, table.c[c].type.dialect_impl(dialect).bind_processor(dialect)) for c in columns]
        plain = [c for c, p in processors if p is None]
        processed = [(c, p) for c, p in processors if p is not None]
        order = plain + [c for c, _ in processed]
        values = [tuple([row[c] for c in plain] + [p(row[c]) for c, p in processed]) for row in rows]
        order_names = ", ".join(dialect.identifier_preparer.quote(c) for c in order)
        conn.exec_driver_sql(f"INSERT INTO {target} ({order_names}) VALUES ({', '.join('?' * len(order))})",
                             values)
    else:
        conn.execute(insert(table), rows)

"""A per-process memo for aggregate figures that take hundreds of milliseconds to compute (every region's outcome
ledger behind the public dashboard), so a busy dashboard does not recompute them for each visitor.

An entry is dropped as soon as this process commits a write to any table that can move a figure, and otherwise
lives `ttl` seconds (FIGURE_CACHE_SECONDS, default 30): a change committed by another worker or host shows within
that time. Writes that only record activity (last sign-in, audit events, the index change log, stored vectors,
API token use, the matching lists' interaction log) leave the cache alone, or every page view would empty it.
Entries are kept per database engine, so two apps in one process (the tests) never share figures.
"""
from __future__ import annotations

import threading
import time
import weakref
from typing import Callable, Hashable, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from ..models import (ApiToken, ApplicationEvent, AuditEvent, BackgroundJob, HiddenPosting, IndexChange,
                      LexicalTokens, MatchFeedback, MatchInteraction, StoredVector, User)

T = TypeVar("T")
DEFAULT_TTL = 30.0
ACTIVITY = (AuditEvent, StoredVector, LexicalTokens, IndexChange, BackgroundJob, ApiToken, MatchFeedback,
            HiddenPosting, ApplicationEvent, MatchInteraction)
ACTIVITY_TABLES = frozenset(model.__table__.name for model in ACTIVITY)
_STALE = "figure_cache_stale"

_lock = threading.Lock()
_entries: "weakref.WeakKeyDictionary[Engine, dict]" = weakref.WeakKeyDictionary()
_ttl = DEFAULT_TTL


def configure(ttl: float) -> None:
    """Seconds an entry may serve before it is recomputed; 0 turns the cache off."""
    global _ttl
    _ttl = float(ttl)


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or what it returned for the same key on this database within the last ttl seconds with no
    write by this process since."""
    if _ttl <= 0:
        return compute()
    engine = session.get_bind()
    now = time.monotonic()
    with _lock:
        found = _entries.get(engine, {}).get(key)
    if found is not None and now - found[0] < _ttl:
        return found[1]
    value = compute()
    with _lock:
        entries = _entries.setdefault(engine, {})
        for stale in [k for k, (at, _) in entries.items() if now - at >= _ttl]:  # keys come from requests (dates):
            del entries[stale]                                                   # keep only the live ones
        entries[key] = (now, value)
    return value


def invalidate(engine: Engine | None = None) -> None:
    with _lock:
        if engine is None:
            _entries.clear()
        else:
            _entries.pop(engine, None)


def _moves_figures(instance, deleted: bool) -> bool:
    if isinstance(instance, ACTIVITY):
        return False
    return deleted or not isinstance(instance, User)  # a user row changes on every sign-in; only its removal counts


@event.listens_for(Session, "after_flush")
def _note_orm_writes(session: Session, _context) -> None:
    if session.info.get(_STALE):
        return
    if any(_moves_figures(obj, False) for obj in (*session.new, *session.dirty)) or \
            any(_moves_figures(obj, True) for obj in session.deleted):
        session.info[_STALE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state) -> None:
    statement = state.statement
    if state.is_select or (isinstance(statement, TextClause) and statement.text.lstrip()[:6].lower() == "select"):
        return
    table = getattr(statement, "table", None)
    if getattr(table, "name", None) not in ACTIVITY_TABLES:
        note_write(state.session)


def note_write(session: Session) -> None:
    """For writes that bypass the ORM session (bulk inserts on its connection): drop the figures at commit."""
    session.info[_STALE] = True


@event.listens_for(Session, "after_commit")
def _drop_on_commit(session: Session) -> None:
    if session.info.pop(_STALE, False):
        invalidate(session.get_bind())

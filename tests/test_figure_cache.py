"""The regional figures are memoised per process: a write here shows at once, another process's write within the
time-to-live, and activity that moves no figure (sign-ins, audit events) keeps the memo."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from talent_match.extensions import db
from talent_match.models import AuditEvent, Company, Posting, User
from talent_match.services import figure_cache
from talent_match.services.outcomes import regional_stats, releases

from . import regional_world

AS_OF = date(2026, 11, 30)


@pytest.fixture
def world(app_ctx):
    return regional_world.build()


def open_postings(slug: str) -> int | None:
    figures = regional_stats.regional_figures(db.session, AS_OF)
    return next(row for row in figures.regions if row["region"] == slug)["open_postings"]


@pytest.fixture
def counted(monkeypatch):
    """How many times the figures were really computed."""
    calls = []
    real = releases._chain
    monkeypatch.setattr(releases, "_chain", lambda *a: (calls.append(a), real(*a))[1])
    return calls


def test_a_posting_committed_in_this_process_shows_at_once(world, counted):
    before = open_postings("gyeongnam")
    company = db.session.query(Company).filter(Company.name.like("gyeongnam%")).one()
    regional_world.add_posting(company, "gyeongnam")
    db.session.commit()
    assert open_postings("gyeongnam") == before + 1
    assert len(counted) == 2


def test_repeated_reads_compute_once_and_sign_ins_and_audit_events_keep_the_memo(world, counted):
    first = open_postings("gyeongnam")
    user = db.session.query(User).first()
    user.last_seen_at = None  # what every signed-in request may write
    db.session.add(AuditEvent(action="candidate.view", actor_id=user.id))
    db.session.commit()
    assert open_postings("gyeongnam") == first
    assert len(counted) == 1


def test_another_processs_write_shows_once_the_memo_expires(world, counted, monkeypatch):
    before = open_postings("gyeongnam")
    with db.engine.begin() as other:  # outside this process's sessions, as another worker's commit is
        other.execute(update(Posting).where(Posting.region_id == regional_world.region("gyeongnam").id)
                      .values(status="closed"))
    assert open_postings("gyeongnam") == before  # still within the time-to-live
    clock = figure_cache.time.monotonic() + figure_cache.DEFAULT_TTL + 1
    monkeypatch.setattr(figure_cache.time, "monotonic", lambda: clock)
    assert open_postings("gyeongnam") in (0, None)  # none open (a zero may be shown or hidden)
    assert len(counted) == 2


def test_a_failed_transaction_leaves_the_memo(world, counted):
    open_postings("gyeongnam")
    db.session.add(Posting(title="x", company_id=db.session.query(Company).first().id,
                           region_id=regional_world.region("busan").id, status="open"))
    db.session.flush()
    db.session.rollback()
    open_postings("gyeongnam")
    assert len(counted) == 1

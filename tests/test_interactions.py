"""The interaction log of the matching lists: what each page showed at which rank, what followed, erased with the
account, exported, purged after its retention, and the offline quality read from it (eval-matching
--interactions), checked against figures worked out by hand."""
from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import MatchInteraction
from talent_match.services.hiring import applications
from talent_match.services.matching import feedback
from talent_match.services.privacy import erasure, export

from .api_support import cheap_password_hashes  # noqa: F401 - fixture
from .conftest import login
from .indexing_support import engine  # noqa: F401 - fixture
from .jobs_support import make_posting, make_profile, user


@pytest.fixture
def world(app, engine, make_user, monkeypatch):
    """A Gyeongnam seeker (discoverable) and an employer with three open postings; lists of two per page."""
    monkeypatch.setitem(app.config, "MATCH_PAGE_SIZE", 2)
    seeker_id, seeker_email = make_user("seeker", region="gyeongnam")
    employer_id, employer_email = make_user("employer", region="gyeongnam")
    with app.app_context():
        profile = make_profile(seeker_id, discoverable=True, skills=["Python", "머신러닝"]).id
        postings = [make_posting(employer_id, title=title).id
                    for title in ("머신러닝 엔지니어", "데이터 분석가", "비전 검사 엔지니어")]
    seeker, employer = app.test_client(), app.test_client()
    assert login(seeker, seeker_email).status_code == 302 and login(employer, employer_email).status_code == 302
    return {"seeker": seeker, "employer": employer, "seeker_id": seeker_id, "employer_id": employer_id,
            "profile": profile, "postings": postings}


def _rows(app, **where) -> list[MatchInteraction]:
    with app.app_context():
        rows = list(db.session.scalars(select(MatchInteraction).filter_by(**where).order_by(MatchInteraction.id)))
        db.session.expunge_all()
        return rows


def test_a_matches_page_logs_its_visible_results_with_their_ranks_as_one_impression(app, world):
    world["seeker"].get("/seekers/")
    first = _rows(app, event="shown")
    assert [r.rank for r in first] == [1, 2]
    assert len({r.impression for r in first}) == 1
    assert {(r.viewer_id, r.side, r.profile_id) for r in first} == {(world["seeker_id"], "seeker", world["profile"])}
    assert first[0].score >= first[1].score
    world["seeker"].get("/seekers/?page=2")
    second = _rows(app, event="shown")[2:]
    assert [r.rank for r in second] == [3] and second[0].impression != first[0].impression
    assert {r.posting_id for r in first + second} == set(world["postings"])
    world["seeker"].get("/seekers/?sort=recent")  # not the ranker's order: not logged
    assert len(_rows(app)) == 3


def test_opening_rating_hiding_and_applying_follow_the_showing_they_came_from(app, world):
    world["seeker"].get("/seekers/")
    top, second = _rows(app, event="shown")
    world["seeker"].get(f"/seekers/postings/{top.posting_id}")
    world["seeker"].post(f"/seekers/postings/{top.posting_id}/apply", data={"note": ""})
    world["seeker"].post(f"/seekers/postings/{second.posting_id}/rate", data={"rating": "2"})
    world["seeker"].post(f"/seekers/postings/{second.posting_id}/hide")
    later = [(r.event, r.posting_id, r.rank, r.impression, r.rating) for r in _rows(app) if r.event != "shown"]
    assert later == [("opened", top.posting_id, 1, top.impression, None),
                     ("applied", top.posting_id, 1, top.impression, None),
                     ("rated", second.posting_id, 2, top.impression, 2),
                     ("hidden", second.posting_id, 2, top.impression, None)]


def test_an_employers_candidates_log_invitations_views_and_a_hire_on_both_sides(app, world):
    posting = world["postings"][0]
    world["seeker"].get("/seekers/")
    world["employer"].get(f"/employers/postings/{posting}")
    [shown] = _rows(app, event="shown", side="employer")
    assert (shown.viewer_id, shown.posting_id, shown.profile_id, shown.rank) == \
        (world["employer_id"], posting, world["profile"], 1)
    world["employer"].get(f"/employers/postings/{posting}/candidates/{world['profile']}")
    world["employer"].post(f"/employers/postings/{posting}/invite/{world['profile']}", data={"note": ""})
    with app.app_context():
        application = applications.apply(db.session, user(world["seeker_id"]), posting)  # accepts the invitation
        for status in ("reviewing", "interview", "offer", "hired"):
            applications.transition(db.session, user(world["employer_id"]), application.id, status)
        db.session.commit()
    events = {(r.side, r.event) for r in _rows(app) if r.event != "shown"}
    assert events == {("employer", "opened"), ("employer", "invited"), ("seeker", "applied"),
                      ("employer", "hired"), ("seeker", "hired")}


def test_a_pair_no_list_showed_is_not_logged(app, world):
    world["seeker"].post(f"/seekers/postings/{world['postings'][0]}/apply", data={"note": ""})
    world["seeker"].get(f"/seekers/postings/{world['postings'][0]}")
    assert _rows(app) == []


def test_the_log_leaves_with_either_persons_account_and_is_in_the_viewers_export(app, engine, world):
    world["seeker"].get("/seekers/")
    world["employer"].get(f"/employers/postings/{world['postings'][0]}")
    with app.app_context():
        mine = export.export_data(db.session, user(world["seeker_id"]))["match_interactions"]
        db.session.rollback()
    assert [(r["list"], r["event"], r["rank"]) for r in mine] == [("seeker", "shown", 1), ("seeker", "shown", 2)]
    assert {r["posting_id"] for r in mine} < set(world["postings"])
    with app.app_context():
        erasure.delete_account(db.session, engine, user(world["seeker_id"]))
        db.session.commit()
    assert _rows(app) == []  # the seeker's own list, and the employer's list showing them


def test_rows_past_the_retention_are_purged(app, runner, world):
    world["seeker"].get("/seekers/")
    with app.app_context():
        old = db.session.scalars(select(MatchInteraction)).first()
        old.created_at = datetime.now(timezone.utc) - timedelta(days=app.config["INTERACTION_RETENTION_DAYS"] + 1)
        db.session.commit()
    assert "would delete 1 interaction log row(s)" in runner.invoke(args=["purge-inactive", "--dry-run"]).output
    assert len(_rows(app)) == 2
    assert "deleted 1 interaction log row(s)" in runner.invoke(args=["purge-inactive"]).output
    assert len(_rows(app)) == 1


# --- offline quality from a hand-built log -------------------------------------------------------------------

def _log(session, impression, side, viewer, profile, posting, event, rank, day, rating=None):
    session.add(MatchInteraction(impression=impression, viewer_id=viewer, side=side, profile_id=profile,
                                 posting_id=posting, event=event, rank=rank, score=0.5, rating=rating,
                                 created_at=datetime.fromisoformat(day).replace(tzinfo=timezone.utc)))


@pytest.fixture
def logged(app, engine, make_user):
    """Seeker lists A (ranks 1-4, 1 Oct), B (ranks 1-2, 15 Nov), C (page 2: ranks 21-22, 20 Nov, nothing
    followed); employer list D (ranks 1-3, 20 Nov).
    A: p1 rated 2 (grade 0), p2 opened (1), p3 applied and hired (3), p4 opened then hidden (0).
    B: p1 applied (2), p2 rated 5 (3).  D: third candidate invited, then hired (3)."""
    seeker_id, _ = make_user("seeker")
    others = [make_user("seeker")[0] for _ in range(2)]
    employer_id, _ = make_user("employer")
    with app.app_context():
        s = db.session
        profile = make_profile(seeker_id).id
        p = [make_posting(employer_id, title=f"엔지니어 {n}").id for n in range(4)]
        profiles = [profile] + [user(o).profile.id for o in others]
        seeker = lambda *a, **k: _log(s, a[0], "seeker", seeker_id, profile, *a[1:], **k)  # noqa: E731
        for rank, posting in enumerate(p, 1):
            seeker("A", posting, "shown", rank, "2026-10-01")
        seeker("A", p[0], "rated", 1, "2026-10-01", rating=2)
        seeker("A", p[1], "opened", 2, "2026-10-01")
        seeker("A", p[2], "applied", 3, "2026-10-02")
        seeker("A", p[2], "hired", 3, "2026-11-16")  # after --since, but its showing was before
        seeker("A", p[3], "opened", 4, "2026-10-01")
        seeker("A", p[3], "hidden", 4, "2026-10-01")
        seeker("B", p[0], "shown", 1, "2026-11-15")
        seeker("B", p[1], "shown", 2, "2026-11-15")
        seeker("B", p[0], "applied", 1, "2026-11-15")
        seeker("B", p[1], "rated", 2, "2026-11-15", rating=5)
        seeker("C", p[2], "shown", 21, "2026-11-20")
        seeker("C", p[3], "shown", 22, "2026-11-20")
        for rank, candidate in enumerate(profiles, 1):
            _log(s, "D", "employer", employer_id, candidate, p[0], "shown", rank, "2026-11-20")
        _log(s, "D", "employer", employer_id, profiles[2], p[0], "invited", 3, "2026-11-20")
        _log(s, "D", "employer", employer_id, profiles[2], p[0], "hired", 3, "2026-11-25")
        s.commit()


def _evaluate(runner, *extra):
    result = runner.invoke(args=["eval-matching", "--interactions", "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_eval_reports_hire_and_application_ranks_mrr_and_ndcg_from_the_log(runner, logged):
    report = _evaluate(runner)
    seeker, employer = report["seeker"], report["employer"]
    assert seeker["impressions"] == 3 and seeker["events"]["shown"] == 8
    assert seeker["events"] | {} == {"shown": 8, "opened": 2, "applied": 2, "invited": 0, "hired": 1, "rated": 2,
                                     "hidden": 1}
    assert seeker["applied_rank"] == {"count": 2, "mean": 2.0, "median": 2.0}  # ranks 3 (A) and 1 (B)
    assert seeker["hired_rank"] == {"count": 1, "mean": 3.0, "median": 3.0}
    # A: grades by rank 0, 1, 3, 0 -> first relevant at 2; DCG 1/log2(3) + 7/log2(4), ideal 7 + 1/log2(3)
    # B: grades 2, 3 -> first relevant at 1; DCG 3 + 7/log2(3), ideal 7 + 3/log2(3); C has nothing graded
    ndcg_a = (1 / math.log2(3) + 7 / 2) / (7 + 1 / math.log2(3))  # 0.5413
    ndcg_b = (3 + 7 / math.log2(3)) / (7 + 3 / math.log2(3))      # 0.8340
    assert seeker["graded_impressions"] == 2
    assert seeker["mrr"] == pytest.approx((1 / 2 + 1) / 2, abs=1e-4)
    assert seeker["ndcg@10"] == pytest.approx((ndcg_a + ndcg_b) / 2, abs=1e-4)
    # D: the hire at rank 3 of 3: MRR 1/3, DCG 7/log2(4) = 3.5 against 7
    assert employer["impressions"] == 1 and employer["invited_rank"] == {"count": 1, "mean": 3.0, "median": 3.0}
    assert employer["mrr"] == pytest.approx(1 / 3, abs=1e-4) and employer["ndcg@10"] == pytest.approx(0.5)


def test_since_keeps_only_lists_shown_from_that_day(runner, logged):
    report = _evaluate(runner, "--since", "2026-11-01")
    seeker = report["seeker"]
    assert report["since"] == "2026-11-01"
    assert seeker["impressions"] == 2 and seeker["events"]["shown"] == 4  # B and C; A's late hire goes with A
    assert seeker["hired_rank"] == {"count": 0, "mean": None, "median": None}
    assert seeker["mrr"] == 1.0 and seeker["ndcg@10"] == pytest.approx((3 + 7 / math.log2(3)) / (7 + 3 / math.log2(3)),
                                                                      abs=1e-4)
    assert _evaluate(runner, "--since", "2026-12-01")["seeker"]["impressions"] == 0


def test_eval_matching_needs_a_benchmark_or_the_log(runner):
    assert runner.invoke(args=["eval-matching"]).exit_code == 2
    assert runner.invoke(args=["eval-matching", "--interactions", "--since", "yesterday"]).exit_code == 2


def test_an_empty_log_reports_zero_impressions(runner, app):
    report = _evaluate(runner)
    assert report["seeker"]["impressions"] == 0 and report["seeker"]["mrr"] is None


def test_logged_lists_become_a_tuning_set_graded_by_what_followed(app, runner, world, tmp_path):
    world["seeker"].get("/seekers/")
    top, second = _rows(app, event="shown")
    world["seeker"].post(f"/seekers/postings/{second.posting_id}/apply", data={"note": ""})
    world["seeker"].get("/seekers/?page=2")  # nothing followed: not a tuning query
    with app.app_context():
        judged = feedback.judged_from_log(db.session, app.extensions["search_engine"])
    assert judged.queries == 1
    assert judged.gains.tolist() == [[0.0, 3.0]]  # pool in rank order: 2^0 - 1, then applied 2^2 - 1
    assert judged.ideal.tolist() == [3.0] and judged.inside.tolist() == [[True, True]]
    out = tmp_path / "fusion.json"
    result = runner.invoke(args=["tune-fusion", "--interactions", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["tuned_on"][0]["benchmark"] == "interactions" and report["tuned_on"][0]["queries"] == 1
    assert "--interactions" in json.loads(out.read_text())["recipe"]

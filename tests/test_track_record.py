"""Employers' record of keeping people hired through the platform: counted by hand, suppressed, shown on a posting,
and ranked only when a region gives it a weight."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from talent_match.config import Defaults
from talent_match.extensions import db
from talent_match.models import Placement, PostingSkill, ProfileSkill, Skill
from talent_match.services.hiring import track_record
from talent_match.services.matching import pipeline as matching
from talent_match.services.training import records as training

from .indexing_support import company, posting, profile
from .training_world import check, cohort, trainee

TODAY = date(2026, 6, 30)


def hire(inst, ref, employer, start, *, kept=None, enrollment=True):
    """A trainee's job at `employer` (a first one unless the trainee has an earlier job); `kept` records the
    12-month follow-up: True employed at the same employer, False at another, None no follow-up."""
    person = trainee(db.session, inst, "R-1", ref) if enrollment else None
    db.session.add(Placement(enrollment=person, company_id=employer.id, employer_name=employer.name,
                             region_id=employer.region_id, start_date=start, source="platform_hire"))
    db.session.flush()
    if kept is not None:
        check(db.session, inst, ref, 12, "employed_same_employer" if kept else "employed_other_employer",
              "gyeongnam", on="2025-12-01")
    return person


@pytest.fixture
def world(app_ctx, make_user):
    """As of 2026-06-30:
      keeper (Gyeongnam): a1-a6 hired 2024-03-01 and there at 12 months; a7 at another employer at 12 months; a8
        no follow-up; a10 hired 2024-05-01 after a first job elsewhere (2023-01-02), so its "same employer" is
        that first employer's; one platform hire of someone who is no trainee (2024-06-01); a9 hired 2026-01-10,
        not a year ago: 10 hired since 2024, 6 still there.
      small (Gyeongnam): s1-s3 hired 2024-03-01, all kept: 3 hired, below 5, hidden.
      leaver (Gyeongnam): l1-l5 hired 2024-03-01, none there at 12 months: 5 hired, 0 kept ("<5").
      silent: no hires.
    """
    make_user("institution", institution="inst-record", region="gyeongnam")
    inst = training.institution_by_slug(db.session, "inst-record")
    cohort(db.session, inst, "R-1")
    w = {name: company(db.session, "gyeongnam") for name in ("keeper", "small", "leaver", "silent", "elsewhere")}
    for n in range(1, 7):
        hire(inst, f"a{n}", w["keeper"], date(2024, 3, 1), kept=True)
    hire(inst, "a7", w["keeper"], date(2024, 3, 1), kept=False)
    hire(inst, "a8", w["keeper"], date(2024, 3, 1))
    a10 = hire(inst, "a10", w["elsewhere"], date(2023, 1, 2), kept=True)
    db.session.add(Placement(enrollment=a10, company_id=w["keeper"].id, employer_name=w["keeper"].name,
                             region_id=w["keeper"].region_id, start_date=date(2024, 5, 1), source="platform_hire"))
    hire(inst, "x", w["keeper"], date(2024, 6, 1), enrollment=False)
    hire(inst, "a9", w["keeper"], date(2026, 1, 10))
    for n in range(1, 4):
        hire(inst, f"s{n}", w["small"], date(2024, 3, 1), kept=True)
    for n in range(1, 6):
        hire(inst, f"l{n}", w["leaver"], date(2024, 3, 1), kept=False)
    db.session.commit()
    return w


def record_of(world, name, today=TODAY):
    return track_record.records(db.session, [world[name].id], today)[world[name].id]


def test_the_record_counts_hires_a_year_old_and_those_still_there_by_hand(world):
    keeper = record_of(world, "keeper")
    assert (keeper.hired, keeper.kept, keeper.since, keeper.suppressed) == (10, 6, 2024, [])
    assert keeper.share == pytest.approx(0.6)
    # On 2027-01-10 a9 has been there a year too (no follow-up yet: counted, not kept).
    assert record_of(world, "keeper", date(2027, 1, 10)).hired == 11


def test_small_records_are_hidden(world):
    small, leaver, silent = (record_of(world, name) for name in ("small", "leaver", "silent"))
    assert (small.hired, small.kept, small.since, small.share) == (None, None, None, None)
    assert (leaver.hired, leaver.kept, leaver.suppressed, leaver.share) == (5, None, ["kept"], 0.0)
    assert (silent.hired, silent.shown) == (None, False)


def test_one_grouped_query_gives_every_companys_record(world):
    ids = [world[name].id for name in ("keeper", "small", "leaver", "silent")]
    statements = []

    def record(conn, cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = track_record.records(db.session, ids, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert set(found) == set(ids) and len(statements) == 1


def test_a_seeker_sees_the_employers_record_and_the_regional_reason_on_a_posting(world, app, login_as):
    with app.app_context():
        keeper = posting(db.session, db.session.get(type(world["keeper"]), world["keeper"].id))
        small = posting(db.session, db.session.get(type(world["small"]), world["small"].id))
        db.session.commit()
        keeper_id, small_id = keeper.id, small.id
    client, _ = login_as("seeker", region="gyeongnam")
    page = client.get(f"/seekers/postings/{keeper_id}").get_data(as_text=True)
    section = page.split('id="track-record"')[1].split("</section>")[0]
    assert "10" in section and "2024" in section and "6" in section
    assert "경상남도" in section or "Gyeongnam" in section
    hidden = client.get(f"/seekers/postings/{small_id}").get_data(as_text=True)
    section = hidden.split('id="track-record"')[1].split("</section>")[0]
    assert "3" not in section


# ---- ranking ----------------------------------------------------------------------------------------------------

def _skill(model, slug, **fields):
    found = db.session.scalar(select(Skill).where(Skill.slug == slug))
    return model(label=found.name_en, skill_id=found.id, **fields)


@pytest.fixture
def postings(world):
    """The leaver's posting asks for the seeker's skills and says so in its text; the keeper's asks for neither."""
    seeker = profile(db.session, headline="머신러닝 엔지니어 PyTorch")
    seeker.skills = [_skill(ProfileSkill, "pytorch")]
    leaver = posting(db.session, world["leaver"], title="머신러닝 엔지니어 PyTorch", description="PyTorch 불량 검출")
    leaver.skills = [_skill(PostingSkill, "pytorch", required=True)]
    keeper = posting(db.session, world["keeper"], title="데이터 엔지니어", description="데이터 파이프라인")
    db.session.commit()
    return seeker, leaver, keeper


def _ranking(seeker, weights):
    page = matching.for_profile(db.session, None, seeker, weights=weights, today=TODAY)
    return [(item.entity.id, item.score) for item in page.items]


def test_a_retention_weight_of_0_leaves_the_ranking_as_it_was(postings):
    seeker, leaver, keeper = postings
    without = {name: w for name, w in Defaults.MATCH_WEIGHTS.items() if name != "retention"}
    assert Defaults.MATCH_WEIGHTS["retention"] == 0
    assert _ranking(seeker, Defaults.MATCH_WEIGHTS) == _ranking(seeker, without)
    assert [i for i, _ in _ranking(seeker, Defaults.MATCH_WEIGHTS)] == [leaver.id, keeper.id]


def test_a_positive_retention_weight_moves_the_employer_who_keeps_people_up(postings):
    seeker, leaver, keeper = postings
    weighted = {**Defaults.MATCH_WEIGHTS, "retention": 2.0}
    page = matching.for_profile(db.session, None, seeker, weights=weighted, today=TODAY)
    assert [item.entity.id for item in page.items] == [keeper.id, leaver.id]
    assert page.items[0].parts["retention"] == pytest.approx(0.6)
    assert page.items[1].parts["retention"] == 0.0

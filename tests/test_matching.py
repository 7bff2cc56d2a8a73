"""Matching both ways, always within regions, with reasons a person can read."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import MatchFeedback, PostingSkill, ProfileSkill, Skill
from talent_match.services.errors import ValidationFailed
from talent_match.services.matching import pipeline as matching
from talent_match.services.search import indexing

from .indexing_support import company, make_engine, posting, profile

WEIGHTS = {"dense": 0.35, "lexical": 0.30, "skills": 0.25, "experience": 0.05, "salary": 0.05}


class _NoModel:
    def __call__(self):
        raise FileNotFoundError("no model in this test")


@pytest.fixture
def engine(app_ctx, tmp_path):
    return make_engine(tmp_path / "indexes")


def _skill(label: str, slug: str | None = None, required: bool = True, model=PostingSkill):
    skill_id = db.session.scalar(select(Skill.id).where(Skill.slug == slug)) if slug else None
    return model(label=label, skill_id=skill_id, **({"required": required} if model is PostingSkill else {}))


def _posting(engine, owner, title, region=None, skills=(), **fields):
    made = posting(db.session, owner, title=title, region=region, description=fields.pop("description", title))
    for name, value in fields.items():
        setattr(made, name, value)
    made.skills = [_skill(*s) if isinstance(s, tuple) else _skill(s) for s in skills]
    db.session.flush()
    indexing.sync_posting(db.session, engine, made)
    return made


def _seeker(engine, home="gyeongnam", accepted=(), skills=(), headline="머신러닝 엔지니어 지망생", **fields):
    made = profile(db.session, home=home, accepted=accepted, headline=headline,
                   discoverable=fields.pop("discoverable", True))
    for name, value in fields.items():
        setattr(made, name, value)
    made.skills = [_skill(label, slug, model=ProfileSkill) for label, slug in skills]
    db.session.flush()
    indexing.sync_profile(db.session, engine, made)
    return made


@pytest.fixture
def world(engine):
    """A seeker at home in 경상남도 who also accepts 부산, and postings in, beside and outside those regions."""
    home, busan, seoul = company(db.session, "gyeongnam"), company(db.session, "busan"), company(db.session, "seoul")
    w = {
        "home": _posting(engine, home, "머신러닝 엔지니어 PyTorch 불량 검출",
                         skills=[("PyTorch", "pytorch"), ("Python", "python")], salary_max=50_000_000),
        "busan": _posting(engine, busan, "딥러닝 비전 엔지니어", skills=[("딥러닝", "deep-learning")],
                          employment_type="contract", salary_max=40_000_000),
        "seoul": _posting(engine, seoul, "머신러닝 엔지니어 PyTorch 불량 검출 서울", skills=[("PyTorch", "pytorch")]),
        "closed": _posting(engine, home, "머신러닝 엔지니어 PyTorch 마감", status="closed"),
    }
    w["seeker"] = _seeker(engine, accepted=["busan"], skills=[("파이토치", "pytorch"), ("파이썬", "python")],
                          summary="PyTorch 로 불량 검출 모델을 만들었습니다")
    db.session.commit()
    return w


def _ids(page):
    return [item.entity.id for item in page.items]


def test_seeker_never_sees_postings_outside_home_and_accepted_regions(engine, world):
    page = matching.for_profile(db.session, engine, world["seeker"], weights=WEIGHTS)
    assert set(_ids(page)) == {world["home"].id, world["busan"].id}
    assert world["seoul"].id not in _ids(page) and world["closed"].id not in _ids(page)
    assert page.total == 2 and not page.degraded


def test_region_reason_says_home_or_accepted(engine, world):
    page = matching.for_profile(db.session, engine, world["seeker"], weights=WEIGHTS)
    reasons = {item.entity.id: item.region_reason for item in page.items}
    assert reasons[world["home"].id] == {"kind": "home", "region": "gyeongnam"}
    assert reasons[world["busan"].id] == {"kind": "accepted", "region": "busan"}


def test_hidden_postings_leave_the_matches(engine, world):
    matching.hide_posting(db.session, world["seeker"], world["home"])
    matching.hide_posting(db.session, world["seeker"], world["home"])  # twice is fine
    db.session.commit()
    assert _ids(matching.for_profile(db.session, engine, world["seeker"], weights=WEIGHTS)) == [world["busan"].id]


def test_parts_explain_the_score(engine, world):
    page = matching.for_profile(db.session, engine, world["seeker"], weights=WEIGHTS)
    assert pytest.approx(sum(page.weights.values())) == 1.0
    for item in page.items:
        assert set(item.parts) == {"dense", "lexical", "skills", "experience", "salary"} - {"salary"}
        assert all(0.0 <= value <= 1.0 for value in item.parts.values())
        assert item.score == pytest.approx(sum(item.weights[p] * item.parts[p] for p in item.parts), abs=1e-3)
    assert page.items[0].entity.id == world["home"].id  # same words, same skills, home region


def test_korean_skill_names_meet_english_requirements_and_broader_skills_are_implied(engine, world):
    page = matching.for_profile(db.session, engine, world["seeker"], weights=WEIGHTS)
    items = {item.entity.id: item for item in page.items}
    home = items[world["home"].id]
    assert home.matched_skills == ["PyTorch", "Python"] and home.missing_skills == []
    assert home.parts["skills"] == 1.0
    busan = items[world["busan"].id]  # 파이토치 (PyTorch) implies 딥러닝 (deep learning)
    assert busan.matched_skills == ["딥러닝"] and busan.missing_skills == []


def test_missing_required_skills_are_listed(engine, world):
    seeker = _seeker(engine, skills=[("Python", "python")])
    db.session.commit()
    page = matching.for_profile(db.session, engine, seeker, weights=WEIGHTS)
    home = next(item for item in page.items if item.entity.id == world["home"].id)
    assert home.matched_skills == ["Python"] and home.missing_skills == ["PyTorch"]
    assert home.parts["skills"] == 0.5


def test_filters_sort_and_pages(engine, world):
    seeker = world["seeker"]
    only = matching.for_profile(db.session, engine, seeker, filters={"employment_type": "contract"}, weights=WEIGHTS)
    assert _ids(only) == [world["busan"].id]
    paid = matching.for_profile(db.session, engine, seeker, filters={"salary_min": 45_000_000}, weights=WEIGHTS)
    assert _ids(paid) == [world["home"].id]
    skilled = matching.for_profile(db.session, engine, seeker, filters={"skills": ["파이썬"]}, weights=WEIGHTS)
    assert _ids(skilled) == [world["home"].id]
    # A posting asking for PyTorch is a deep-learning posting too.
    broader = matching.for_profile(db.session, engine, seeker, filters={"skills": ["deep learning"]}, weights=WEIGHTS)
    assert set(_ids(broader)) == {world["home"].id, world["busan"].id}
    by_salary = matching.for_profile(db.session, engine, seeker, sort="salary", weights=WEIGHTS)
    assert _ids(by_salary) == [world["home"].id, world["busan"].id]
    second = matching.for_profile(db.session, engine, seeker, sort="salary", page=2, per_page=1, weights=WEIGHTS)
    assert _ids(second) == [world["busan"].id] and second.total == 2 and second.page == 2
    with pytest.raises(ValidationFailed):
        matching.for_profile(db.session, engine, seeker, sort="random", weights=WEIGHTS)


def test_employer_sees_only_discoverable_seekers_who_accept_the_posting_region(engine, world):
    at_home = world["seeker"]
    accepts_busan_only = _seeker(engine, home="seoul", accepted=["busan"])
    hidden = _seeker(engine, discoverable=False)
    seoul_only = _seeker(engine, home="seoul")
    db.session.commit()
    home_page = matching.for_posting(db.session, engine, world["home"], weights=WEIGHTS)
    assert _ids(home_page) == [at_home.id]
    busan_page = matching.for_posting(db.session, engine, world["busan"], weights=WEIGHTS)
    assert set(_ids(busan_page)) == {at_home.id, accepts_busan_only.id}
    reasons = {item.entity.id: item.region_reason["kind"] for item in busan_page.items}
    assert reasons == {at_home.id: "accepted", accepts_busan_only.id: "accepted"}
    for page in (home_page, busan_page):
        assert hidden.id not in _ids(page) and seoul_only.id not in _ids(page)


def test_employer_filters_by_years_and_skills(engine, world):
    senior = _seeker(engine, skills=[("Docker", "docker")], years_experience=5)
    db.session.commit()
    page = matching.for_posting(db.session, engine, world["home"], filters={"min_years": 3}, weights=WEIGHTS)
    assert _ids(page) == [senior.id]
    page = matching.for_posting(db.session, engine, world["home"], filters={"skills": ["파이토치"]}, weights=WEIGHTS)
    assert _ids(page) == [world["seeker"].id]


def test_without_a_model_matching_runs_on_words_and_skills_and_says_so(app_ctx, tmp_path, world):
    broken = make_engine(tmp_path / "other", encoder=None)
    broken._encoder_factory = _NoModel()
    assert matching.for_profile(db.session, broken, world["seeker"], weights=WEIGHTS).degraded
    page = matching.for_profile(db.session, None, world["seeker"], weights=WEIGHTS)
    assert page.degraded and "dense" not in page.weights
    assert _ids(page)[0] == world["home"].id
    assert all("dense" not in item.parts for item in page.items)


def test_edited_postings_are_ranked_on_their_new_words(engine, world):
    other = _posting(engine, company(db.session, "gyeongnam"), "회계 담당자")
    db.session.commit()
    seeker = world["seeker"]
    first = matching.for_profile(db.session, engine, seeker, weights=WEIGHTS)
    assert {i.entity.id: i.parts["lexical"] for i in first.items}[other.id] == 0.0
    other.title, other.description = "PyTorch 불량 검출 머신러닝", "PyTorch 불량 검출"
    indexing.sync_posting(db.session, engine, other)
    db.session.commit()
    again = matching.for_profile(db.session, engine, seeker, weights=WEIGHTS)
    assert {i.entity.id: i.parts["lexical"] for i in again.items}[other.id] > 0.0


def test_ratings_are_kept_with_the_score(engine, world):
    matching.rate_match(db.session, world["seeker"], world["home"], 4, 0.8)
    matching.rate_match(db.session, world["seeker"], world["home"], "5", 0.7)
    db.session.commit()
    rows = db.session.scalars(select(MatchFeedback)).all()
    assert [(r.profile_id, r.posting_id, r.rating, r.score) for r in rows] == \
        [(world["seeker"].id, world["home"].id, 5, pytest.approx(0.7))]
    with pytest.raises(ValidationFailed):
        matching.rate_match(db.session, world["seeker"], world["home"], 9)


@pytest.fixture
def log_reads():
    """The SQL statements that touch the change log, as they run."""
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "index_change" in statement:
            seen.append(" ".join(statement.split()).lower())

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def _max_reads(statements):
    return [s for s in statements if "max(index_change.id)" in s]


def test_one_search_reads_the_newest_change_once_for_dense_and_lexical(engine, world, log_reads):
    seeker = world["seeker"]
    matching.for_profile(db.session, engine, seeker, weights=WEIGHTS)  # loads and builds the shards
    assert engine.wait_for_rebuilds(30)
    world["home"].title = "머신러닝 엔지니어 PyTorch 불량 검출 야간"
    indexing.sync_posting(db.session, engine, world["home"])  # something new in the log to follow
    db.session.commit()
    for search in (lambda: matching.for_profile(db.session, engine, seeker, weights=WEIGHTS),
                   lambda: matching.for_posting(db.session, engine, world["home"], weights=WEIGHTS),
                   lambda: matching.for_profile(db.session, engine, seeker, sort="salary", page=2, per_page=1,
                                                weights=WEIGHTS)):
        log_reads.clear()
        assert search().items
        assert len(_max_reads(log_reads)) == 1, log_reads
        assert all(s.startswith("select") for s in log_reads), log_reads  # reading a page writes no log rows


def test_a_posting_past_its_deadline_leaves_the_matches_without_anyone_closing_it(engine, world):
    from datetime import timedelta

    from talent_match.services.hiring.postings import today_in_korea

    today = today_in_korea()
    world["busan"].deadline = today
    db.session.commit()
    assert world["busan"].id in _ids(matching.for_profile(db.session, engine, world["seeker"], weights=WEIGHTS,
                                                          today=today))
    later = matching.for_profile(db.session, engine, world["seeker"], weights=WEIGHTS, today=today + timedelta(1))
    assert _ids(later) == [world["home"].id]
    assert world["busan"].status == "open" and not db.session.dirty

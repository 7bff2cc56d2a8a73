"""The light, vectorised matching path ranks exactly as the per-candidate one it replaced: same order, same scores,
parts, weights and reasons, for every sort, both ways.

The reference below is the earlier path, kept here as the specification: whole entities through the ORM, each
candidate's fits from the scalar rules in services.matching.fit, and the fusion one candidate at a time.
"""
from __future__ import annotations

import pytest
from sqlalchemy import and_, select

from talent_match.extensions import db
from talent_match.models import PostingSkill, ProfileSkill, Skill
from talent_match.services.matching import fit, ranking
from talent_match.services.matching import pipeline as matching
from talent_match.services.matching.fusion import load as load_fusion
from talent_match.services.reference.taxonomy import Taxonomy
from talent_match.services.search import indexing, lexical
from talent_match.services.search.kinds import POSTING, PROFILE

from .indexing_support import company, make_engine, posting, profile

WEIGHTS = {"dense": 0.35, "lexical": 0.30, "skills": 0.25, "experience": 0.05, "salary": 0.05}


@pytest.fixture
def engine(app_ctx, tmp_path):
    return make_engine(tmp_path / "indexes")


def _skill(model, label, slug=None, required=True):
    skill_id = db.session.scalar(select(Skill.id).where(Skill.slug == slug)) if slug else None
    return model(label=label, skill_id=skill_id, **({"required": required} if model is PostingSkill else {}))


@pytest.fixture
def world(engine):
    """Two regions; postings with required, preferred, free-text and no skills, with and without pay and years;
    seekers holding narrower skills (PyTorch meets deep learning), free text, or nothing, with ties in places."""
    gyeongnam, busan = company(db.session, "gyeongnam"), company(db.session, "busan")
    postings = []
    for owner, title, skills, fields in [
        (gyeongnam, "머신러닝 엔지니어 PyTorch 불량 검출", [("PyTorch", "pytorch"), ("Python", "python", False)],
         {"salary_max": 50_000_000, "min_experience": 3}),
        (gyeongnam, "딥러닝 비전 엔지니어", [("딥러닝", "deep-learning"), ("사내 MES 연동", None)],
         {"salary_min": 30_000_000, "min_experience": 1}),
        (gyeongnam, "Data engineer SQL pipelines", [("SQL", "sql", False)], {"salary_max": 36_000_000}),
        (gyeongnam, "AI 연구원", [], {}),
        (busan, "Deep learning engineer PyTorch", [("Deep Learning", "deep-learning"), ("Python", "python")],
         {"salary_max": 45_000_000, "min_experience": 5}),
        (busan, "딥러닝 비전 엔지니어", [("딥러닝", "deep-learning"), ("사내 MES 연동", None)],
         {"salary_min": 30_000_000, "min_experience": 1}),  # the same as one above: a tie broken by order
    ]:
        made = posting(db.session, owner, title=title, region=None, description=title)
        for name, value in fields.items():
            setattr(made, name, value)
        made.skills = [_skill(PostingSkill, *s) for s in skills]
        db.session.flush()
        indexing.sync_posting(db.session, engine, made)
        postings.append(made)
    seekers = []
    for home, accepted, skills, fields in [
        ("gyeongnam", ["busan"], [("파이토치", "pytorch"), ("파이썬", "python")],
         {"years_experience": 2, "desired_salary_min": 40_000_000, "summary": "PyTorch 로 불량 검출 모델"}),
        ("gyeongnam", [], [("Keras", "keras"), ("사내 MES 연동", None)], {"years_experience": 6}),
        ("busan", ["gyeongnam"], [("SQL", "sql")], {"desired_salary_min": 60_000_000, "headline": "Data engineer"}),
        ("gyeongnam", [], [], {}),
        ("gyeongnam", [], [("Keras", "keras"), ("사내 MES 연동", None)], {"years_experience": 6}),
    ]:
        made = profile(db.session, home=home, accepted=accepted,
                       headline=fields.pop("headline", "머신러닝 엔지니어 지망생"), discoverable=True)
        for name, value in fields.items():
            setattr(made, name, value)
        made.skills = [_skill(ProfileSkill, label, slug) for label, slug in skills]
        db.session.flush()
        indexing.sync_profile(db.session, engine, made)
        seekers.append(made)
    db.session.commit()
    return {"postings": postings, "seekers": seekers}


# --- the earlier path -------------------------------------------------------------------------------------------

def _reference(engine, kind, regions, conditions, overlap, asking, query_vector, fits_of, explain, sort_key, sort,
               page, per_page):
    taxonomy = Taxonomy.from_session(db.session)
    model = kind.model
    eligible = list(db.session.scalars(select(model.id).where(and_(*conditions)).order_by(model.id)))
    query = lexical.entity_query(db.session, *asking, taxonomy)
    engine.catch_up(db.session)
    lexical_scores = {i: s for i, s in engine.lexical.scores(db.session, kind.name, regions, query).items()
                      if i in eligible}
    dense = {i: s for i, s in engine.nearest(kind.name, regions, query_vector, matching.CANDIDATES_K).items()
             if i in eligible}
    if len(eligible) <= matching.SCORE_ALL_MAX:
        ids = eligible
    else:  # the skill overlaps are asked as the site asks them (the first the database finds)
        owner = overlap.selected_columns[0]
        extra = list(db.session.scalars(overlap.join(model, model.id == owner).where(*conditions)
                                        .distinct().limit(matching.CANDIDATES_K)))
        ids = ranking.candidate_pool(dense, lexical_scores, k=matching.CANDIDATES_K, extra=extra)
    missing = [i for i in ids if i not in dense]
    if missing:
        dense.update(engine.nearest(kind.name, regions, query_vector, len(missing), allowed_ids=missing))
    entities = {e.id: e for e in db.session.scalars(select(model).where(model.id.in_(ids)))}
    columns = {"dense": ranking.minmax(dense, ids),
               "lexical": ranking.minmax({i: lexical_scores.get(i, 0.0) for i in ids}, ids)}
    fits = {i: fits_of(entities[i]) for i in ids}
    for part in ("skills", "experience", "salary"):
        if any(part in fits[i] for i in ids):
            columns[part] = {i: min(max(float(fits[i].get(part, 0.5)), 0.0), 1.0) for i in ids}
    used = ranking.effective_weights(WEIGHTS, columns,
                                     ranking.dense_trust(query.tokens, multilingual=engine.encoder().reads_hangul),
                                     load_fusion().dense_share(len(query.tokens)))
    scored = [(i, sum(used[p] * columns[p][i] for p in used), {p: round(columns[p][i], 4) for p in used})
              for i in ids]
    ranked = [scored[n] for n in sorted(range(len(scored)), key=lambda n: (-scored[n][1], n))]
    if sort != "score":
        ranked = sorted(ranked, key=lambda r: sort_key(entities[r[0]], sort, r[1]))
    chosen = ranked[(page - 1) * per_page: page * per_page]
    return len(ranked), used, [(i, round(score, 4), parts, *explain(entities[i])) for i, score, parts in chosen]


def _old_fits(posting, held_slugs, seeker, taxonomy):
    found = {"experience": fit.experience_fit(seeker.years_experience, posting.min_experience),
             "salary": fit.salary_fit(seeker.desired_salary_min, seeker.desired_salary_max,
                                      posting.salary_min, posting.salary_max)}
    coverage = fit.skill_report(posting.skills, matching._slugs(posting.skills, taxonomy),
                                matching._implied(held_slugs, taxonomy))[2]
    if coverage is not None:
        found["skills"] = coverage
    return {k: value for k, value in found.items() if value is not None}


def _shown(page):
    return page.total, page.weights, [(m.entity.id, m.score, m.parts, m.matched_skills, m.missing_skills,
                                       m.region_reason) for m in page.items]


# --- the same answers -------------------------------------------------------------------------------------------

def _pages():
    return [(sort, page) for sort in matching.SORTS for page in (1, 2)]


@pytest.fixture(params=["every eligible one scored", "a pool of candidates"])
def pool(request, monkeypatch):
    """The world is small: a pool is chosen when more than two are eligible, from each signal's best two."""
    if request.param == "a pool of candidates":
        monkeypatch.setattr(matching, "SCORE_ALL_MAX", 2)
        monkeypatch.setattr(matching, "CANDIDATES_K", 2)
    return request.param


def test_a_seekers_matches_are_ranked_as_before(engine, world, pool):
    taxonomy = Taxonomy.from_session(db.session)
    for (sort, page), seeker in ((p, s) for p in _pages() for s in world["seekers"]):
        held = matching._slugs(seeker.skills, taxonomy)
        overlap = (select(PostingSkill.posting_id).join(Skill)
                   .where(Skill.slug.in_(matching._implied(held, taxonomy))))
        expected = _reference(
            engine, POSTING, seeker.region_ids(), matching._posting_conditions(db.session, seeker, {}, None, taxonomy),
            overlap, ("profile", seeker), engine.query_vector(db.session, "profile", seeker.id),
            lambda p: _old_fits(p, held, seeker, taxonomy),
            lambda p: matching._explain_posting(p, seeker, matching._implied(held, taxonomy), taxonomy),
            matching._posting_sort_key,
            sort, page, 3)
        found = matching.for_profile(db.session, engine, seeker, weights=WEIGHTS, sort=sort, page=page, per_page=3)
        assert _shown(found) == expected, (seeker.id, sort, page)


def test_an_employers_candidates_are_ranked_as_before(engine, world, pool):
    taxonomy = Taxonomy.from_session(db.session)
    for (sort, page), job in ((p, j) for p in _pages() for j in world["postings"]):
        overlap = (select(ProfileSkill.profile_id).join(Skill)
                   .where(Skill.slug.in_(matching._implying(matching._slugs(job.skills, taxonomy), taxonomy))))
        expected = _reference(
            engine, PROFILE, [job.region_id], matching._profile_conditions(db.session, job, {}, taxonomy),
            overlap, ("posting", job), engine.query_vector(db.session, "posting", job.id),
            lambda p: _old_fits(job, matching._slugs(p.skills, taxonomy), p, taxonomy),
            lambda p: matching._explain_profile(job, matching._slugs(job.skills, taxonomy), p, taxonomy),
            matching._profile_sort_key, sort, page, 2)
        found = matching.for_posting(db.session, engine, job, weights=WEIGHTS, sort=sort, page=page, per_page=2)
        assert _shown(found) == expected, (job.id, sort, page)


def test_the_fixture_exercises_every_part(engine, world):
    """Guards the test above: the fits it compares are not all equal or all absent."""
    seeker = world["seekers"][0]
    page = matching.for_profile(db.session, engine, seeker, weights=WEIGHTS, per_page=10)
    assert set(page.weights) == {"dense", "lexical", "skills", "experience", "salary"}
    assert len({m.parts["skills"] for m in page.items}) > 2
    assert any(m.matched_skills for m in page.items) and any(m.missing_skills for m in page.items)


def test_the_vectorised_fits_follow_the_scalar_rules():
    years, required = [0, 1, 2, 3, 5, 10], [0, 1, 3, 5]
    for y in years:
        for r in required:
            assert fit.experience_fits([y], [r])[0] == fit.experience_fit(y, r)
    wants, pays = [0, 30_000_000, 40_000_000, 60_000_000], [(0, 0), (30_000_000, 0), (0, 34_000_000),
                                                              (20_000_000, 45_000_000)]
    for want in wants:
        for pay_min, pay_max in pays:
            scalar = fit.salary_fit(want or None, None, pay_min or None, pay_max or None)
            vector = fit.salary_fits([want], [pay_min], [pay_max])[0]
            assert (scalar is None and vector != vector) or vector == scalar
    coverage = fit.skill_coverages([0, 0, 0, 2], [True, False, True, True], [True, True, False, False], 3)
    assert coverage[0] == pytest.approx(1.5 / 2.5) and coverage[1] != coverage[1] and coverage[2] == 0.0


def test_hidden_postings_are_passed_over_when_the_pool_is_chosen(engine, world, monkeypatch):
    """Eligibility is asked of the lexical best a batch at a time: hidden postings among them give way to the next."""
    monkeypatch.setattr(matching, "SCORE_ALL_MAX", 2)
    monkeypatch.setattr(matching, "CANDIDATES_K", 1)
    taxonomy = Taxonomy.from_session(db.session)
    seeker = world["seekers"][0]
    first = matching.for_profile(db.session, engine, seeker, weights=WEIGHTS, per_page=10)
    for match in first.items[:2]:
        matching.hide_posting(db.session, seeker, match.entity)
    db.session.commit()
    held = matching._slugs(seeker.skills, taxonomy)
    expected = _reference(
        engine, POSTING, seeker.region_ids(), matching._posting_conditions(db.session, seeker, {}, None, taxonomy),
        select(PostingSkill.posting_id).join(Skill).where(Skill.slug.in_(matching._implied(held, taxonomy))),
        ("profile", seeker), engine.query_vector(db.session, "profile", seeker.id),
        lambda p: _old_fits(p, held, seeker, taxonomy),
        lambda p: matching._explain_posting(p, seeker, matching._implied(held, taxonomy), taxonomy),
        matching._posting_sort_key, "score", 1, 10)
    found = matching.for_profile(db.session, engine, seeker, weights=WEIGHTS, per_page=10)
    assert _shown(found) == expected
    assert {m.entity.id for m in first.items[:2]}.isdisjoint(m.entity.id for m in found.items)


def test_a_ranking_reads_the_terms_saved_beside_its_profile_instead_of_cutting_them(engine, world, monkeypatch):
    taxonomy = Taxonomy.from_session(db.session)
    seeker = world["seekers"][0]
    saved = lexical.entity_query(db.session, "profile", seeker, taxonomy)
    cut_now = lexical.query_for(PROFILE.document(seeker).title, taxonomy).tokens + \
        lexical.query_for(PROFILE.document(seeker).body, taxonomy).tokens
    assert saved.tokens == cut_now and len(saved.tokens) > 5 and saved.expansion

    def no_kiwi(*_):
        raise AssertionError("the saved terms should have been read")

    monkeypatch.setattr(lexical, "_document_terms", no_kiwi)
    assert lexical.entity_query(db.session, "profile", seeker, taxonomy) == saved
    seeker.summary += " 새 문장"  # the saved terms no longer match: they are cut again
    with pytest.raises(AssertionError, match="saved terms"):
        lexical.entity_query(db.session, "profile", seeker, taxonomy)

"""The pure scoring core: rescaling, weights, trust in the model by script, and the fused order."""
from __future__ import annotations

import pytest

from talent_match.services.matching import fit, ranking

WEIGHTS = {"dense": 0.35, "lexical": 0.30, "skills": 0.25, "experience": 0.05, "salary": 0.05}


def test_korean_queries_lean_on_words_not_on_the_english_model():
    assert ranking.latin_share(["pytorch", "yolo"]) == 1.0
    assert ranking.latin_share(["pytorch", "불량", "검출", "2024"]) == pytest.approx(1 / 3)
    assert ranking.latin_share([]) == 1.0
    assert ranking.dense_trust(["불량", "검출"]) == 0.0
    assert ranking.dense_trust(["불량", "검출"], multilingual=True) == 1.0


def test_weights_cover_only_the_evidence_we_have_and_sum_to_one():
    used = ranking.effective_weights(WEIGHTS, {"dense", "lexical"}, trust=0.5)
    assert used == pytest.approx({"dense": 0.175 / 0.475, "lexical": 0.30 / 0.475})
    assert ranking.effective_weights(WEIGHTS, {"lexical", "skills"}) == pytest.approx(
        {"lexical": 0.30 / 0.55, "skills": 0.25 / 0.55})


def test_rank_rescales_per_query_and_the_parts_explain_the_score():
    ranked, used = ranking.rank(
        ["a", "b", "c"], weights=WEIGHTS, dense={"a": 0.9, "b": 0.5, "c": 0.1},
        lexical={"b": 12.0, "c": 3.0}, fits={"a": {"skills": 1.0}, "b": {"skills": 0.0}})
    assert [r.id for r in ranked] == ["a", "b", "c"]
    parts = {r.id: r.parts for r in ranked}
    assert parts["a"] == {"dense": 1.0, "lexical": 0.0, "skills": 1.0}
    assert parts["b"] == {"dense": 0.5, "lexical": 1.0, "skills": 0.0}
    assert parts["c"]["skills"] == 0.5  # no evidence for this one: neutral
    for r in ranked:
        assert r.score == pytest.approx(sum(used[p] * r.parts[p] for p in used), abs=1e-4)


def test_a_lone_candidate_is_not_punished_by_rescaling():
    ranked, _ = ranking.rank(["a"], weights=WEIGHTS, dense={"a": 0.3}, lexical={"a": 2.0})
    assert ranked[0].parts == {"dense": 1.0, "lexical": 1.0} and ranked[0].score == pytest.approx(1.0)


def test_candidate_pool_is_the_union_of_each_signals_best():
    pool = ranking.candidate_pool({"a": 0.9, "b": 0.8, "c": 0.1}, {"c": 5.0, "d": 4.0}, k=2, extra=["e", "a"])
    assert pool == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize("years, required, expected", [(3, 3, 1.0), (5, 3, 1.0), (0, 0, 1.0), (1, 3, 0.5),
                                                        (0, 3, 0.25)])
def test_experience_fit(years, required, expected):
    assert fit.experience_fit(years, required) == expected


def test_salary_fit_only_speaks_when_both_sides_do():
    assert fit.salary_fit(40_000_000, None, 30_000_000, 45_000_000) == 1.0
    assert fit.salary_fit(40_000_000, None, None, 34_000_000) == pytest.approx(0.5)
    assert fit.salary_fit(None, None, 30_000_000, 45_000_000) is None
    assert fit.salary_fit(40_000_000, None, None, None) is None

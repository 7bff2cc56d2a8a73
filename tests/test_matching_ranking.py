"""The pure scoring core: rescaling, weights, trust in the model by script, the split by query, the fused order."""
from __future__ import annotations

import json

import pytest

from talent_match.services.matching import fit, fusion, ranking

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


@pytest.mark.parametrize("terms", [2, 12, 60, 400])
def test_a_document_both_channels_rank_well_beats_one_only_one_channel_likes(terms):
    dense = {"model_only": 0.82, "both": 0.78, "words_only": 0.41, "neither": 0.40}
    lexical = {"words_only": 24.0, "both": 21.0, "model_only": 1.0}
    share = fusion.load().dense_share(terms)
    ranked, _ = ranking.rank(list(dense), weights=WEIGHTS, dense=dense, lexical=lexical, dense_share=share)
    assert ranked[0].id == "both"


def test_long_queries_lean_on_the_words_and_short_ones_on_the_model():
    shipped = fusion.load()
    shares = [shipped.dense_share(terms) for terms in (1, 3, 10, 40, 200)]
    assert shares == sorted(shares, reverse=True) and 0 < shares[-1] < shares[0] < 1
    assert shipped.dense_share(0) == shipped.dense_share(1)  # an empty query reads as one term


def test_the_split_moves_only_the_text_weight_and_trust_still_gates_the_model():
    used = ranking.effective_weights(WEIGHTS, {"dense", "lexical", "skills"}, dense_share=0.8)
    assert used["dense"] / used["lexical"] == pytest.approx(4.0)
    assert used["skills"] == pytest.approx(0.25 / 0.90)  # the text keeps its configured 0.65 of the whole
    korean = ranking.effective_weights(WEIGHTS, {"dense", "lexical", "skills"}, trust=0.0, dense_share=0.8)
    assert korean["dense"] == 0.0 and sum(korean.values()) == pytest.approx(1.0)
    off = ranking.effective_weights(dict(WEIGHTS, dense=0.0), {"dense", "lexical"}, dense_share=0.8)
    assert off == {"dense": 0.0, "lexical": 1.0}  # a part configured off stays off


def test_fusion_weights_load_from_the_json_beside_the_code(tmp_path):
    stored = json.loads(fusion.FILE.read_text(encoding="utf-8"))
    assert fusion.load() == fusion.Fusion(stored["bias"], stored["per_log_term"])
    path = tmp_path / "fusion.json"
    fusion.save(fusion.Fusion(1.5, -0.25), path, tuned_on=[{"benchmark": "x"}])
    assert fusion.load(path) == fusion.Fusion(1.5, -0.25)
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="tune-fusion"):
        fusion.load(path)


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

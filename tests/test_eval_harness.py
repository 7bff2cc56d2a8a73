"""The evaluation harness: metrics computed by hand, and the pipeline run end to end on a tiny benchmark."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from talent_match.services.matching import evaluation, fusion, tuning


def test_metrics_match_a_hand_computation():
    qrels = {"q1": {"d1": 2, "d2": 1}, "q2": {"d3": 1}, "q3": {"d9": 1}, "q4": {"d1": 0}}
    ranked = {"q1": ["d2", "x", "d1"],                    # DCG 1/1 + 3/2; ideal 3/1 + 1/log2(3)
              "q2": ["x", "y", "z", "d3"],                # found at rank 4: 1/log2(5), MRR 1/4
              "q3": [f"x{i}" for i in range(10)] + ["d9"],  # found at rank 11: outside the cut-off
              "q4": ["d1"]}                               # nothing relevant: not counted
    ndcg_q1 = 2.5 / (3 + 1 / math.log2(3))
    ndcg_q2 = 1 / math.log2(5)
    assert evaluation.metrics(ranked, qrels) == {
        "ndcg@10": round((ndcg_q1 + ndcg_q2) / 3, 4), "recall@10": round(2 / 3, 4), "mrr@10": round(1.25 / 3, 4)}


def test_recall_divides_by_at_most_ten():
    qrels = {"q": {f"d{i}": 1 for i in range(12)}}
    assert evaluation.metrics({"q": [f"d{i}" for i in range(10)]}, qrels)["recall@10"] == 1.0


def _write(tmp_path, corpus, queries, qrels):
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in corpus),
                                           encoding="utf-8")
    (tmp_path / "queries.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in queries),
                                            encoding="utf-8")
    (tmp_path / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in qrels), encoding="utf-8")
    return tmp_path


@pytest.fixture
def tiny(tmp_path):
    return _write(tmp_path, [
        {"_id": "vision", "title": "컴퓨터 비전 엔지니어", "text": "PyTorch 로 외관 불량을 검출합니다"},
        {"_id": "data", "title": "데이터 엔지니어", "text": "Kafka 와 Airflow 로 파이프라인을 운영합니다"},
        {"_id": "nlp", "title": "NLP engineer", "text": "Fine-tune BERT models for Korean chatbots"},
    ], [
        {"_id": "q1", "text": "비전 불량 검출 PyTorch"},
        {"_id": "q2", "text": "Airflow 파이프라인 운영 경험"},
        {"_id": "q3", "text": "chatbot NLP engineer"},
        {"_id": "unjudged", "text": "아무것도"},
    ], [("q1", "vision", 2), ("q2", "data", 1), ("q3", "nlp", 1)])


def test_the_pipeline_finds_the_obvious_answers(tiny):
    bench = evaluation.load_benchmark(tiny)
    assert bench.query_ids == ["q1", "q2", "q3"]
    index = {"vision": 0, "data": 1, "nlp": 2}

    def encode(texts):  # a "model" that knows which document each text is about
        vectors = np.zeros((len(texts), 3), dtype=np.float32)
        for row, text in enumerate(texts):
            key = "vision" if ("비전" in text or "PyTorch" in text) else "data" if "Airflow" in text else "nlp"
            vectors[row, index[key]] = 1.0
        return vectors

    result = evaluation.evaluate(bench, weights={"dense": 0.5, "lexical": 0.5}, encode=encode)
    for name in ("pipeline", "rrf", "rrf_plain", "bm25", "lexical", "dense"):
        assert result[name] == {"ndcg@10": 1.0, "recall@10": 1.0, "mrr@10": 1.0}, name
    assert result["queries"] == 3 and result["degraded"] is False


def test_eval_command_prints_one_json_object(runner, tiny):
    outcome = runner.invoke(args=["eval-matching", str(tiny), "--json", "--no-model"])
    assert outcome.exit_code == 0, outcome.output
    result = json.loads(outcome.stdout.strip().splitlines()[-1])
    assert result["pipeline"]["ndcg@10"] == 1.0 and result["bm25"]["mrr@10"] == 1.0
    assert result["queries"] == 3 and result["degraded"] is True and "dense" not in result


def test_reciprocal_rank_fusion_favours_what_both_rankings_place_high():
    assert evaluation.reciprocal_rank_fusion(["a", "b", "c"], ["b", "d", "e"])[:3] == ["b", "a", "d"]


# Short searches the "model" understands and the words mislead, long profiles the other way round: no single
# dense:lexical ratio ranks both well, a split that follows the query's length does.
PARTS_C = "gadget widget sprocket lever pulley hinge bracket flange gasket valve piston rotor stator spindle bearing"
PARTS_D = "clutch gear shaft axle nozzle pump filter sensor relay switch fuse cable socket plug panel"
NAMES = {"alpha": 0, "bravo": 1, "charlie": 2, "delta": 3}
SYNONYMS = {"first": 0, "second": 1, "third": 2, "fourth": 3}


class ModelOfNames:
    """Knows that "first" means alpha (and so on), which BM25 cannot; a synonym outweighs a name."""
    reads_hangul = True

    def encode(self, texts):
        vectors = np.zeros((len(texts), 4), dtype=np.float32)
        for row, text in enumerate(texts):
            words = text.split()
            meant = [SYNONYMS[w] for w in words if w in SYNONYMS] + [NAMES[w] for w in words if w in NAMES]
            vectors[row, meant[0] if meant else 0] = 1.0
        return vectors


@pytest.fixture
def two_kinds(tmp_path):
    return _write(tmp_path, [
        {"_id": "a", "title": "alpha engineer", "text": "alpha engineer designs alpha systems"},
        {"_id": "b", "title": "bravo engineer", "text": "bravo engineer builds bravo services"},
        {"_id": "c", "title": "charlie technician", "text": f"charlie technician fits {PARTS_C} {PARTS_C}"},
        {"_id": "d", "title": "delta mechanic", "text": f"delta mechanic repairs {PARTS_D} {PARTS_D}"},
    ], [
        {"_id": "short1", "text": "first bravo"},
        {"_id": "long1", "text": f"second {PARTS_D} {PARTS_D}"},
        {"_id": "short2", "text": "third delta"},
        {"_id": "long2", "text": f"first {PARTS_C} {PARTS_C}"},
    ], [("short1", "a", 1), ("long1", "d", 1), ("short2", "c", 1), ("long2", "c", 1)])


def test_the_fitted_split_leans_on_the_model_for_short_queries_and_on_words_for_long_ones(two_kinds):
    bench = evaluation.load_benchmark(two_kinds)
    data = tuning.judged("two-kinds", bench, evaluation.channels(bench, encode=ModelOfNames().encode))
    fitted, figures = tuning.fit([data])
    assert figures == [1.0] and fitted.per_log_term < 0
    assert fitted.dense_share(2) > 0.5 > fitted.dense_share(61)  # the lengths of its queries
    for ratio in (0.2, 0.5, 0.8):  # a fixed split gets one kind wrong
        assert tuning.ndcg(data, np.full(data.queries, ratio)) < 1.0
    result = evaluation.evaluate(bench, weights={"dense": 0.5, "lexical": 0.5}, encode=ModelOfNames().encode,
                                 fusion=fitted)
    assert result["pipeline"]["ndcg@10"] == 1.0 > result["rrf"]["ndcg@10"]


def test_the_tune_command_writes_a_file_that_eval_then_uses(app, runner, two_kinds, tmp_path, monkeypatch):
    monkeypatch.setattr(app.extensions["search_engine"], "encoder", lambda: ModelOfNames())
    out = tmp_path / "fusion.json"
    tuned = runner.invoke(args=["tune-fusion", str(two_kinds), "--out", str(out), "--json"])
    assert tuned.exit_code == 0, tuned.output
    report = json.loads(tuned.stdout.strip().splitlines()[-1])
    assert fusion.load(out) == fusion.Fusion.from_json(report["fusion"])
    assert json.loads(out.read_text(encoding="utf-8"))["tuned_on"][0]["queries"] == 4
    flat = tmp_path / "flat.json"
    fusion.save(fusion.Fusion(1.0, 0.0), flat)  # the model leads whatever the length
    scores = {}
    for name, path in (("tuned", out), ("flat", flat)):
        outcome = runner.invoke(args=["eval-matching", str(two_kinds), "--json", "--fusion", str(path)])
        assert outcome.exit_code == 0, outcome.output
        scores[name] = json.loads(outcome.stdout.strip().splitlines()[-1])["pipeline"]["ndcg@10"]
    assert scores["tuned"] == report["tuned_on"][0]["ndcg@10"] == 1.0 > scores["flat"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["korean-ai-jobs", "korean-regional-jobs"])
def test_on_korean_text_the_pipeline_never_ranks_worse_than_bm25(runner, name):
    """The real model and the shipped taxonomy on the hand-judged Korean sets in tests/data (their README.md)."""
    folder = Path(__file__).parent / "data" / name
    outcome = runner.invoke(args=["eval-matching", str(folder), "--json"])
    assert outcome.exit_code == 0, outcome.output
    result = json.loads(outcome.stdout.strip().splitlines()[-1])
    assert result["degraded"] is False
    assert result["pipeline"]["ndcg@10"] >= result["bm25"]["ndcg@10"]

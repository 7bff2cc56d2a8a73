"""The evaluation harness: metrics computed by hand, and the pipeline run end to end on a tiny benchmark."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from talent_match.services.matching import evaluation


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
    for name in ("pipeline", "bm25", "lexical", "dense"):
        assert result[name] == {"ndcg@10": 1.0, "recall@10": 1.0, "mrr@10": 1.0}, name
    assert result["queries"] == 3 and result["degraded"] is False


def test_eval_command_prints_one_json_object(runner, tiny):
    outcome = runner.invoke(args=["eval-matching", str(tiny), "--json", "--no-model"])
    assert outcome.exit_code == 0, outcome.output
    result = json.loads(outcome.stdout.strip().splitlines()[-1])
    assert result["pipeline"]["ndcg@10"] == 1.0 and result["bm25"]["mrr@10"] == 1.0
    assert result["queries"] == 3 and result["degraded"] is True and "dense" not in result


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

"""The lexical evidence: BM25 on the whole text, a title boost for English title searches, taxonomy expansion."""
from __future__ import annotations

import pytest

from talent_match.services.matching import ranking
from talent_match.services.reference.taxonomy import Taxonomy
from talent_match.services.search.bm25 import BM25Index
from talent_match.services.search.documents import Document
from talent_match.services.search.lexical import EXPANSION_WEIGHT, FieldedBM25, LexicalQuery, query_for, title_boost
from talent_match.services.search.tokens import tokenize

DOCS = {
    "analyst": Document("데이터 분석 신입 (마케팅 분석)", "마케팅 캠페인 성과를 SQL로 집계하고 보고서를 씁니다."),
    "smartfarm": Document("스마트팜 생육 데이터 분석가", "온실 환경 센서와 재배 기록으로 생육을 예측합니다."),
    "ml": Document("제조 AI 엔지니어", "설비 데이터로 머신러닝 모델을 개발합니다. PyTorch 경험 우대."),
    "sales": Document("sales representative", "Sells industrial equipment to factories in the region."),
    "engineer": Document("field service engineer", "Repairs machines on site; sales support when needed."),
}


@pytest.fixture(scope="module")
def index():
    bm25 = FieldedBM25()
    bm25.add_documents(list(DOCS), list(DOCS.values()))
    return bm25


def ranked(index, query) -> list[str]:
    scores = index.scores(query)
    return sorted(scores, key=lambda doc_id: -scores[doc_id])


def test_a_korean_query_is_scored_by_plain_bm25_on_the_whole_text(index):
    query = query_for("온실 재배 환경 데이터 분석")
    plain = BM25Index((doc_id, tokenize(doc.text)) for doc_id, doc in DOCS.items())
    assert title_boost(2.0, query.tokens) == 0.0
    assert index.scores(query) == pytest.approx(plain.scores(query.tokens))
    assert ranked(index, query)[0] == "smartfarm"


def test_an_english_title_search_counts_a_title_hit_more(index):
    query = query_for("sales representative")
    assert title_boost(2.0, query.tokens) == 2.0
    whole_text_only = BM25Index((doc_id, tokenize(doc.text)) for doc_id, doc in DOCS.items()).scores(query.tokens)
    assert index.scores(query)["sales"] - whole_text_only["sales"] > 0
    assert ranked(index, query)[0] == "sales"


def test_the_title_boost_fades_for_long_queries():
    short, long = ["data", "engineer"], ["data"] * 12
    assert title_boost(2.0, short) == 2.0 and title_boost(2.0, long) == pytest.approx(2.0 * (6 / 12) ** 2)


def test_a_skill_named_in_either_language_expands_to_its_other_names(index):
    taxonomy = Taxonomy.reference()
    query = query_for("기계학습 공부했습니다", taxonomy)
    assert set(tokenize("머신러닝 machine learning")) <= set(query.expansion)
    assert "ml" not in index.scores(LexicalQuery(query.tokens))      # no shared word without the taxonomy
    assert ranked(index, query)[0] == "ml"
    expanded_only = index.scores(LexicalQuery((), query.expansion))["ml"]
    assert expanded_only == pytest.approx(EXPANSION_WEIGHT * index.text.scores(query.expansion)["ml"])


def test_text_without_known_skills_has_no_expansion():
    assert query_for("주말에 등산을 합니다", Taxonomy.reference()).expansion == ()
    assert query_for("Python 개발").expansion == ()  # no taxonomy given


@pytest.mark.parametrize("tokens, trust", [(["불량", "검출"], 0.0), (["pytorch", "불량"], 0.0),
                                           (["pytorch", "yolo", "opencv", "불량"], 0.25),
                                           (["data", "engineer"], 1.0)])
def test_the_english_model_is_trusted_only_on_mostly_english_queries(tokens, trust):
    assert ranking.dense_trust(tokens) == pytest.approx(trust)
    assert ranking.dense_trust(tokens, multilingual=True) == 1.0


"""The optional Korean neighbours channel: CoNg's nearest morphemes of a query's Hangul terms, scored at their own
weight in the lexical side; off unless configured."""
from __future__ import annotations

import pytest

from talent_match.services.search import neighbours as neighbours_module
from talent_match.services.search.bm25 import BM25Index
from talent_match.services.search.documents import Document
from talent_match.services.search.lexical import FieldedBM25, query_for
from talent_match.services.search.neighbours import MorphemeNeighbours
from talent_match.services.search.tokens import tokenize

DOCS = {
    "programmer": Document("웹 프로그래머", "사내 시스템을 만듭니다."),
    "baker": Document("제빵사", "매장에서 빵을 굽습니다."),
}
NEAR = {"개발자": ("프로그래머", "개발사"), "프로그래머": ("개발자",)}


@pytest.fixture
def fake_model(monkeypatch):
    """Neighbours from a fixed table, so the scoring is checked without the CoNg model."""
    asked = []

    def similar(term, top_n, min_similarity):
        asked.append(term)
        return NEAR.get(term, ())[:top_n]

    monkeypatch.setattr(neighbours_module, "_similar", similar)
    return asked


@pytest.fixture(scope="module")
def index():
    bm25 = FieldedBM25()
    bm25.add_documents(list(DOCS), list(DOCS.values()))
    return bm25


def test_without_the_channel_a_synonym_finds_nothing(index):
    assert index.scores(query_for("개발자")) == {}


def test_a_neighbour_scores_at_its_weight_of_a_query_term(index, fake_model):
    query = query_for("개발자", neighbours=MorphemeNeighbours(top_n=5, weight=0.1))
    assert query.tokens == ("개발자",) and query.neighbours == ("프로그래머", "개발사")
    plain = BM25Index((doc_id, tokenize(doc.text)) for doc_id, doc in DOCS.items())
    expected = 0.1 * plain.scores(["프로그래머"])["programmer"]  # 개발사 is in no document
    assert index.scores(query) == pytest.approx({"programmer": expected})


def test_only_hangul_terms_are_looked_up_and_the_query_own_terms_are_not_repeated(fake_model):
    query = query_for("개발자 프로그래머 Python", neighbours=MorphemeNeighbours())
    assert sorted(set(fake_model)) == ["개발자", "프로그래머"]
    assert query.neighbours == ("개발사",)


def test_the_channel_is_off_unless_configured():
    assert MorphemeNeighbours.from_setting(None) is None and MorphemeNeighbours.from_setting({}) is None
    assert MorphemeNeighbours.from_setting({"top_n": 3, "min_similarity": 0.6, "weight": 0.2}) == \
        MorphemeNeighbours(3, 0.6, 0.2)


def test_the_search_engine_carries_the_configured_channel(app):
    from talent_match.config import Defaults

    assert Defaults.KOREAN_NEIGHBOURS is None
    assert app.extensions["search_engine"].neighbours is None


@pytest.mark.slow  # loads the CoNg model and warms its index: 10-30 s
def test_the_cong_model_relates_developer_and_programmer():
    neighbours_module._similar.cache_clear()
    found = MorphemeNeighbours(top_n=10, min_similarity=0.5).terms(["개발자"])
    assert "프로그래머" in found
    assert all(term != "개발자" for term in found)

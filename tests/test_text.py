"""Normalisation, tokenisation and BM25: the text layer every search and label comparison stands on."""
import threading
import unicodedata

import pytest

from talent_match.services.reference.text import normalise, normalise_label
from talent_match.services.search.bm25 import BM25Index
from talent_match.services.search.tokens import tokenize, tokenize_many


def test_normalise_strips_invisible_characters_and_collapses_whitespace():
    assert normalise("  Py\u200bthon\u202e \t\n 개발\ufeff  ") == "Python 개발"
    assert normalise(None) == ""


def test_decomposed_hangul_normalises_to_the_composed_form():
    decomposed = unicodedata.normalize("NFD", "머신러닝 엔지니어")
    assert decomposed != "머신러닝 엔지니어"
    assert normalise(decomposed) == "머신러닝 엔지니어"


@pytest.mark.parametrize("variant", ["scikit learn", "Scikit-Learn", "scikit_learn", "SCIKIT  LEARN", "ｓｃｉｋｉｔ－ｌｅａｒｎ"])
def test_label_variants_share_one_key(variant):
    assert normalise_label(variant) == "scikit learn"


def test_korean_spacing_does_not_change_the_label_key():
    assert normalise_label("머신 러닝") == normalise_label("머신러닝") == "머신러닝"
    assert normalise_label("AI 반도체") == normalise_label("AI반도체")


def test_programming_language_signs_survive_normalisation():
    assert {normalise_label("C++"), normalise_label("C#"), normalise_label("C")} == {"c++", "c#", "c"}
    assert normalise_label("Node.js") == "node js"


def test_korean_tokens_keep_content_morphemes_and_drop_particles():
    tokens = tokenize("파이썬을 이용한 머신러닝과 딥러닝 기반 예지보전 모델을 만들고 좋은 결과를 냈습니다")
    for expected in ["파이썬", "이용", "머신", "러닝", "딥", "기반", "예지", "보전", "모델", "만들", "좋", "결과"]:
        assert expected in tokens
    for particle_or_ending in ["을", "과", "를", "습니다", "고"]:
        assert particle_or_ending not in tokens


def test_skill_compounds_tokenise_the_same_with_or_without_spaces():
    assert tokenize("불량검출") == tokenize("불량 검출") == ["불량", "검출"]
    assert tokenize("전력수요예측을 합니다") == tokenize("전력 수요 예측을 합니다")


def test_english_tokens_are_lowercased_stemmed_and_stopword_free():
    assert tokenize("The engineers are Learning new Models") == ["engin", "learn", "new", "model"]


def test_latin_pieces_split_by_the_analyser_are_rejoined():
    tokens = tokenize("C++/C# 개발, k8s 운영, YOLOv8 기반 3D 비전 검사, scikit-learn 사용")
    for expected in ["c++", "c#", "k8s", "yolov8", "3d", "scikit", "learn"]:
        assert expected in tokens


def test_batch_tokenising_matches_one_by_one():
    texts = ["스마트공장 MES 구축 경험", "", "PyTorch로 불량 검출 모델 학습", None]
    assert tokenize_many(texts) == [tokenize(t) for t in texts]


def test_tokenising_from_several_threads_gives_the_same_answer():
    text = "경남 창원의 제조 기업에서 딥러닝 비전 검사 엔지니어를 모집합니다"
    expected = tokenize(text)
    results = []
    threads = [threading.Thread(target=lambda: results.append([tokenize(text) for _ in range(20)])) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(tokens == expected for batch in results for tokens in batch)


POSTINGS = {
    "vision": "딥러닝 비전 검사 엔지니어. PyTorch 기반 불량 검출 모델 개발",
    "plc": "PLC 제어 및 스마트공장 설비 유지보수 엔지니어",
    "energy": "태양광 발전량 예측과 전력 수요 예측 모델 개발",
    "labeling": "데이터 라벨링 및 검수 담당자 모집",
}


@pytest.fixture(scope="module")
def index():
    return BM25Index((key, tokenize(text)) for key, text in POSTINGS.items())


def test_bm25_ranks_the_posting_that_matches_the_query_first(index):
    assert index.top(tokenize("불량 검출 PyTorch"), 2)[0][0] == "vision"
    assert index.top(tokenize("전력수요예측"), 1)[0][0] == "energy"


def test_bm25_scores_only_documents_sharing_a_term(index):
    scores = index.scores(tokenize("스마트공장 PLC"))
    assert set(scores) == {"plc"}
    assert index.top(tokenize("용접"), 5) == []


def test_bm25_rarer_terms_weigh_more():
    index = BM25Index([(1, ["모델", "개발"]), (2, ["모델", "검출"]), (3, ["모델", "예측"])])
    scores = index.scores(["모델", "검출"])
    assert scores[2] > scores[1] == scores[3] > 0


def test_bm25_prefers_the_shorter_document_at_equal_term_frequency():
    index = BM25Index([("short", ["비전", "검사"]), ("long", ["비전", "검사", "설비", "유지", "보수", "교대"])])
    ranked = [doc for doc, _ in index.top(["비전"], 2)]
    assert ranked == ["short", "long"]


def test_bm25_counts_a_repeated_query_token_again():
    index = BM25Index([(1, ["a", "b"]), (2, ["c"])])
    assert index.scores(["a", "a"])[1] == pytest.approx(2 * index.scores(["a"])[1])


def test_bm25_add_replace_and_remove():
    index = BM25Index([(1, ["파이썬"]), (2, ["자바"])])
    index.add(3, ["파이썬", "머신", "러닝"])
    assert {doc for doc, _ in index.top(["파이썬"], 5)} == {1, 3}
    index.add(1, ["용접"])
    assert [doc for doc, _ in index.top(["파이썬"], 5)] == [3]
    assert index.remove(3) and not index.remove(3)
    assert index.top(["파이썬"], 5) == [] and len(index) == 2


def test_bm25_score_array_is_aligned_with_ids():
    index = BM25Index([("x", ["a"]), ("y", ["b"])])
    scores = index.score_array(["b"])
    assert scores[index.ids.index("y")] > 0 and scores[index.ids.index("x")] == 0
    assert BM25Index().top(["a"]) == []

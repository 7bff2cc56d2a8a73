"""Korean neighbours of a query's morphemes, from kiwipiepy's CoNg model: an optional lexical channel, off by default.

The default model reads Hangul as jamo, so Korean queries rank on BM25 over morphemes and miss a posting that says
the same job in other words (개발자 / 프로그래머). With KOREAN_NEIGHBOURS set, each Hangul term of a query brings
its nearest CoNg morphemes (nouns, similarity >= min_similarity, at most top_n) as extra query terms scored at
`weight` of a query term (lexical.FieldedBM25); terms no document holds score nothing.
Measured (README, matching): on tests/data/korean-regional-jobs the lexical side gains +0.001..+0.004 nDCG@10 and
on korean-ai-jobs it loses 0..-0.003 over every setting tried (top_n 3-20, similarity 0.5-0.7, weight 0.05-0.3);
so it stays off. The CoNg model costs about a second and 150 MB to load, the first lookup warms its index (seconds
on a busy machine), then about 20 ms a new term (cached per process).
"""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

_HANGUL = re.compile("[\uac00-\ud7a3]")
_cong = None
_cong_lock = threading.Lock()


def _model():
    global _cong
    if _cong is None:
        with _cong_lock:
            if _cong is None:
                from kiwipiepy import Kiwi

                _cong = Kiwi(model_type="cong")
    return _cong


@functools.lru_cache(maxsize=65536)
def _similar(term: str, top_n: int, min_similarity: float) -> tuple[str, ...]:
    try:
        found = _model().most_similar_morphemes(term, top_n=top_n)
    except (ValueError, KeyError, RuntimeError):  # a morpheme the model does not know
        return ()
    return tuple(m.form for m in found if m.score >= min_similarity and m.tag.startswith("NN") and m.form != term)


@dataclass(frozen=True)
class MorphemeNeighbours:
    """Settings of the channel (Defaults.KOREAN_NEIGHBOURS) and the lookup; shared by the site and the harness."""

    top_n: int = 5
    min_similarity: float = 0.55
    weight: float = 0.1

    def terms(self, query_terms) -> tuple[str, ...]:
        """The neighbours of the query's Hangul terms that the query does not hold already, in order, once each."""
        own = set(query_terms)
        found: dict[str, None] = {}
        for term in dict.fromkeys(query_terms):
            if _HANGUL.search(term):
                found.update((t, None) for t in _similar(term, self.top_n, self.min_similarity) if t not in own)
        return tuple(found)

    @classmethod
    def from_setting(cls, setting: dict | None) -> MorphemeNeighbours | None:
        """None (off) for an empty setting; else the channel with the setting's keys."""
        return cls(**setting) if setting else None

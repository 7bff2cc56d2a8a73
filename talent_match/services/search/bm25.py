"""Okapi BM25 in numpy: the scoring under the site's lexical index and the evaluation harness."""
from __future__ import annotations

import threading
from collections import Counter
from typing import Hashable, Iterable, Sequence

import numpy as np


class BM25Index:
    """Okapi BM25 over tokenised documents, held as per-term posting arrays in numpy.

    Documents are (id, tokens); add and remove only mark the index stale, and the next query rebuilds it in one
    vectorised pass (about 0.2 s of CPU for 20,000 postings). A repeated query token counts again, so callers
    weight fields by repeating tokens (title tokens twice). Queries may run from several threads.
    """

    def __init__(self, documents: Iterable[tuple[Hashable, Sequence[str]]] = (), *, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self._vocabulary: dict[str, int] = {}
        self._documents: dict[Hashable, tuple[np.ndarray, np.ndarray, int]] = {}
        self._lock = threading.Lock()
        self._built = None
        for doc_id, tokens in documents:
            self._store(doc_id, tokens)

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._documents

    def add(self, doc_id: Hashable, tokens: Sequence[str]) -> None:
        """Add a document, replacing one with the same id."""
        with self._lock:
            self._store(doc_id, tokens)

    def remove(self, doc_id: Hashable) -> bool:
        """Drop a document; False when it was not there."""
        with self._lock:
            found = self._documents.pop(doc_id, None) is not None
            self._built = None if found else self._built
            return found

    def _store(self, doc_id, tokens) -> None:
        counts = Counter(tokens)
        vocabulary = self._vocabulary
        term_ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in counts), np.int64, len(counts))
        self._documents[doc_id] = (term_ids, np.fromiter(counts.values(), np.float64, len(counts)), len(tokens))
        self._built = None

    def _snapshot(self):
        built = self._built
        if built is None:
            with self._lock:
                if self._built is None:
                    self._built = self._build()
                built = self._built
        return built

    def _build(self):
        """Posting lists in CSR layout: term t's documents are doc_index[start[t]:start[t+1]]."""
        ids = list(self._documents)
        n_terms = len(self._vocabulary)
        if not ids:
            return ids, np.zeros(n_terms + 1, np.int64), np.zeros(0, np.int64), np.zeros(0)
        parts = list(self._documents.values())
        terms = np.concatenate([p[0] for p in parts])
        tf = np.concatenate([p[1] for p in parts])
        lengths = np.array([p[2] for p in parts], np.float64)
        docs = np.repeat(np.arange(len(ids)), [len(p[0]) for p in parts])
        df = np.bincount(terms, minlength=n_terms)
        idf = np.log((len(ids) - df + 0.5) / (df + 0.5) + 1.0)
        norm = self.k1 * (1 - self.b + self.b * lengths / max(lengths.mean(), 1e-9))
        weights = idf[terms] * tf * (self.k1 + 1) / (tf + norm[docs])
        order = np.argsort(terms)  # order within a posting list does not matter
        start = np.zeros(n_terms + 1, np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=start[1:])
        return ids, start, docs[order], weights[order]

    @property
    def ids(self) -> list:
        """Document ids in the order `score_array` uses."""
        return self._snapshot()[0]

    def score_array(self, query_tokens: Iterable[str]) -> np.ndarray:
        """BM25 score of every document, aligned with `ids`."""
        return self._score(self._snapshot(), query_tokens)

    def _score(self, snapshot, query_tokens) -> np.ndarray:
        ids, start, doc_index, weights = snapshot
        scores = np.zeros(len(ids))
        for term, count in Counter(query_tokens).items():
            term_id = self._vocabulary.get(term)
            if term_id is not None and term_id + 1 < len(start):
                lo, hi = start[term_id], start[term_id + 1]
                scores[doc_index[lo:hi]] += count * weights[lo:hi]
        return scores

    def scores(self, query_tokens: Iterable[str]) -> dict:
        """{id: score} for the documents sharing at least one term with the query."""
        snapshot = self._snapshot()
        scores = self._score(snapshot, query_tokens)
        return {snapshot[0][i]: float(scores[i]) for i in np.flatnonzero(scores)}

    def top(self, query_tokens: Iterable[str], k: int = 10) -> list[tuple[Hashable, float]]:
        """The k best (id, score) pairs, best first (ties in insertion order); zero scores are left out."""
        snapshot = self._snapshot()
        scores = self._score(snapshot, query_tokens)
        hits = np.flatnonzero(scores)
        if k <= 0:
            return []
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.lexsort((hits, -scores[hits]))]
        return [(snapshot[0][i], float(scores[i])) for i in hits]

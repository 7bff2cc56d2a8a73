"""Fitting the fusion's dense:lexical split (services.matching.fusion) to judged benchmarks: `flask tune-fusion`.

A grid search over the split's two parameters that maximises the mean nDCG@10 over the benchmarks given, each
counting the same however many queries it has, so a big set of one kind of query cannot outvote another kind.
Each query's pool is scored as ranking.rank scores it (parts from ranking.minmax, ties in pool order), vectorised
over queries: on the two English dev sets (13,200 queries) the fit and its four checks below take 90 s on two
cores, after 170 s running the channels.
`--interactions` adds the site's own logged lists as one more set (services.matching.feedback.judged_from_log).
`held_out` refits with each benchmark left out and scores it, the check that the split carries to data it has not
seen; `halves` fits on half the queries of every set and scores the other half, the check for overfitting.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from . import ranking
from .evaluation import CUTOFF, Benchmark, Evidence
from .fusion import Fusion

BIASES = tuple(round(-2.0 + 0.25 * n, 3) for n in range(25))     # -2 .. 4
SLOPES = tuple(round(-1.5 + 0.125 * n, 3) for n in range(13))    # -1.5 .. 0: longer never leans more on the model
_DISCOUNT = 1.0 / np.log2(np.arange(CUTOFF) + 2.0)


@dataclass
class Judged:
    """One benchmark's evidence as matrices [query, pool member] (padded; `inside` marks real members)."""
    name: str
    dense: np.ndarray      # ranking.minmax of the cosines over the pool
    lexical: np.ndarray    # ranking.minmax of the BM25 scores over the pool
    inside: np.ndarray
    gains: np.ndarray      # 2^relevance - 1
    ideal: np.ndarray      # IDCG@10 per query, from every judged document (in the pool or not)
    terms: np.ndarray
    trust: np.ndarray

    @property
    def queries(self) -> int:
        return len(self.ideal)


def judged(name: str, bench: Benchmark, evidence: Iterable[Evidence]) -> Judged:
    """Collect `evaluation.channels` output with the benchmark's judgements. Needs the dense channel."""
    rows = []
    for found in evidence:
        relevant = {d: g for d, g in bench.qrels.get(found.query_id, {}).items() if g > 0}
        if not relevant:
            continue  # evaluation.metrics counts only queries with something relevant
        if found.dense is None:
            raise ValueError(f"{name}: tuning the fusion needs the embedding model (the dense channel)")
        pool = found.pool.tolist()
        rows.append(query_row(found.dense, found.lexical, pool, [relevant.get(bench.doc_ids[i], 0) for i in pool],
                              relevant.values(), found.terms, found.trust))
    return from_rows(name, rows)


def query_row(dense, lexical, pool: list, grades: list[int], judged_grades, terms: int, trust: float) -> tuple:
    """One query's evidence over its pool: raw channel scores (arrays in pool order), each member's grade, and every
    judged grade (for the ideal DCG, whether in the pool or not)."""
    ideal = sorted((g for g in judged_grades if g > 0), reverse=True)[:CUTOFF]
    return (_part(np.asarray(dense, dtype=float), pool), _part(np.asarray(lexical, dtype=float), pool),
            [2.0 ** g - 1 for g in grades], sum((2 ** g - 1) / math.log2(n + 2) for n, g in enumerate(ideal)),
            terms, trust)


def from_rows(name: str, rows: list[tuple]) -> Judged:
    """Matrices from `query_row`s, padded to the widest pool."""
    width = max((len(row[0]) for row in rows), default=0)
    matrices = [np.zeros((len(rows), width)) for _ in range(3)]
    inside = np.zeros((len(rows), width), dtype=bool)
    for n, row in enumerate(rows):
        for matrix, values in zip(matrices, row[:3]):
            matrix[n, :len(values)] = values
        inside[n, :len(row[0])] = True
    return Judged(name, *matrices[:2], inside, matrices[2], np.array([row[3] for row in rows]),
                  np.array([row[4] for row in rows]), np.array([row[5] for row in rows]))


def _part(values: np.ndarray, pool: list) -> list[float]:
    scaled = ranking.minmax(dict(zip(pool, values.tolist())), pool)
    return [scaled[i] for i in pool]


def ndcg(data: Judged, shares: np.ndarray) -> float:
    """Mean nDCG@10 when each query's text weight splits by `shares` (the dense share per query)."""
    dense = (shares * data.trust)[:, None]
    lexical = (1.0 - shares)[:, None]
    score = np.where(data.inside, (dense * data.dense + lexical * data.lexical) / (dense + lexical), -np.inf)
    top = np.argsort(-score, axis=1, kind="stable")[:, :CUTOFF]
    gained = np.take_along_axis(data.gains, top, axis=1) * _DISCOUNT[:top.shape[1]]
    return float(np.mean(gained.sum(axis=1) / data.ideal)) if data.queries else 0.0


def shares(data: Judged, fusion: Fusion) -> np.ndarray:
    return np.array([fusion.dense_share(int(n)) for n in data.terms])


def fixed_shares(data: Judged, weights: Mapping[str, float]) -> np.ndarray:
    """The configured dense:lexical ratio for every query: the fusion before it was learned."""
    dense, lexical = float(weights.get("dense", 0.0)), float(weights.get("lexical", 0.0))
    return np.full(data.queries, dense / (dense + lexical) if dense + lexical > 0 else 0.5)


def fit(sets: Sequence[Judged]) -> tuple[Fusion, list[float]]:
    """The split with the best mean nDCG@10 over `sets`, and its figure on each. Ties: the flatter slope."""
    table = {(bias, slope): [ndcg(s, _sigmoid(bias + slope * np.log(np.maximum(s.terms, 1)))) for s in sets]
             for bias in BIASES for slope in SLOPES}
    (bias, slope), figures = max(table.items(), key=lambda item: (float(np.mean(item[1])), -abs(item[0][1])))
    return Fusion(bias, slope), figures


def held_out(sets: Sequence[Judged]) -> list[dict]:
    """For each set: the split fitted on the others, and its nDCG@10 on this one (the generalisation check)."""
    checks = []
    for n, left_out in enumerate(sets):
        others = [s for m, s in enumerate(sets) if m != n]
        if not others:
            continue
        fusion, _ = fit(others)
        checks.append({"benchmark": left_out.name, "fitted_on": [s.name for s in others],
                       "bias": fusion.bias, "per_log_term": fusion.per_log_term,
                       "ndcg@10": round(ndcg(left_out, shares(left_out, fusion)), 4)})
    return checks


def halves(sets: Sequence[Judged]) -> list[dict]:
    """Fit on the even-numbered queries of every set and score the odd ones, then the other way round: the
    check for overfitting within the kinds of query seen. Per set, the mean of the two held-out halves."""
    folds = [(np.arange(s.queries) % 2 == 0) for s in sets]
    scores = [[] for _ in sets]
    for side in (True, False):
        fusion, _ = fit([_subset(s, fold == side) for s, fold in zip(sets, folds)])
        for n, (s, fold) in enumerate(zip(sets, folds)):
            part = _subset(s, fold != side)
            scores[n].append(ndcg(part, shares(part, fusion)))
    return [{"benchmark": s.name, "ndcg@10": round(float(np.mean(found)), 4)} for s, found in zip(sets, scores)]


def _subset(data: Judged, rows: np.ndarray) -> Judged:
    return Judged(data.name, data.dense[rows], data.lexical[rows], data.inside[rows], data.gains[rows],
                  data.ideal[rows], data.terms[rows], data.trust[rows])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))

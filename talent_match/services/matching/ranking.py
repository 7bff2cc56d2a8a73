"""The scoring core both the site and the evaluation harness run: evidence per candidate in, ranked scores out.

Pure: no database, no model. Callers gather the evidence (dense cosine from the vector shards, BM25 from the
lexical index, skill/experience/salary fit from the entities) and `rank` fuses it.

Why this fusion: raw cosines and BM25 scores live on scales that differ per query, so each is rescaled to 0..1
over this query's candidates (min-max) before the weighted sum, which keeps each part readable as "how this
candidate compares with the others". The configured dense + lexical weight is the text's share of the score; how
it splits between the two depends on the query (services.matching.fusion: the model leads on short titles, the
words on long profiles). Measured on the ESCO titles and O*NET profiles dev sets, this beats reciprocal-rank
fusion of the same two channels on both; rank fusion with learned channel weights, z-scores and rank features did
no better (README, matching). The dense weight is then scaled by how much of the query the model can read
(`dense_trust`): the default model is English, and on Korean text its similarities are close to noise, so Korean
queries lean on BM25 over Korean morphemes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Iterable, Mapping

import numpy as np

from ..reference.text import latin_share

PARTS = ("dense", "lexical", "skills", "experience", "salary", "retention")
# Evidence the ranking rescales per query; the other parts are already absolute fits in 0..1.
RELATIVE_PARTS = ("dense", "lexical")


@dataclass
class Ranked:
    id: Hashable
    score: float
    parts: dict[str, float] = field(default_factory=dict)


def dense_trust(query_tokens: Iterable[str], *, multilingual: bool = False) -> float:
    """How far to trust the dense similarity for this query. A model that reads Korean: fully. The English-only
    default: not at all until half the query's terms are Latin, then rising to full trust for an English query,
    ((share - 0.5) / 0.5) squared. Measured: on Korean text that mixes in English terms, this model's similarity
    (which sees the English terms only) still dragged the fused ranking below BM25 at any share-proportional
    weight (tests/data/korean-regional-jobs, mixed queries: BM25 0.793, trust share^2 0.771, this gate 0.812 with
    the taxonomy expansion); English queries are unchanged (ESCO titles dev)."""
    if multilingual:
        return 1.0
    return min(max((latin_share(query_tokens) - 0.5) / 0.5, 0.0), 1.0) ** 2


def minmax(scores: Mapping[Hashable, float], ids: Iterable[Hashable]) -> dict[Hashable, float]:
    """Scores rescaled to 0..1 over `ids` (missing ones count as the lowest). All equal: 1 when positive, else 0."""
    ids = list(ids)
    values = [scores[i] for i in ids if i in scores]
    if not values:
        return {i: 0.0 for i in ids}
    low, high = min(values), max(values)
    if high - low <= 1e-12:
        flat = 1.0 if high > 0 else 0.0
        return {i: flat if i in scores else 0.0 for i in ids}
    return {i: (scores[i] - low) / (high - low) if i in scores else 0.0 for i in ids}


def effective_weights(weights: Mapping[str, float], available: Iterable[str], trust: float = 1.0,
                      dense_share: float | None = None) -> dict[str, float]:
    """The configured weights of the parts we have evidence for, the dense one scaled by trust, summing to 1.
    `dense_share` (0..1, see services.matching.fusion) splits the configured dense + lexical weight between the
    two for this query; None keeps the configured ratio. A part configured at 0 stays off."""
    available = set(available)
    weights = {part: max(float(weights.get(part, 0.0)), 0.0) for part in PARTS}
    if dense_share is not None and weights["dense"] > 0 and weights["lexical"] > 0:
        text = weights["dense"] + weights["lexical"]
        weights["dense"], weights["lexical"] = text * dense_share, text * (1.0 - dense_share)
    raw = {part: weights[part] * (trust if part == "dense" else 1.0) for part in PARTS if part in available}
    total = sum(raw.values())
    if total <= 0:
        return {part: (1.0 / len(raw) if raw else 0.0) for part in raw}
    return {part: value / total for part, value in raw.items()}


def rank(candidates: Iterable[Hashable], *, weights: Mapping[str, float],
         dense: Mapping[Hashable, float] | None = None, lexical: Mapping[Hashable, float] | None = None,
         fits: Mapping[Hashable, Mapping[str, float]] | None = None,
         trust: float = 1.0, dense_share: float | None = None) -> tuple[list[Ranked], dict[str, float]]:
    """Score every candidate; best first (ties by candidate order). Returns the ranking and the weights used.

    dense: cosine per candidate (None: no model, the part drops out); lexical: BM25 per candidate (absent = 0);
    fits: per candidate, absolute parts in 0..1 ("skills", "experience", "salary", "retention"); a part missing for
    every candidate drops out, one missing for some counts as a neutral 0.5; trust and dense_share: see
    `effective_weights`. The score is sum(weight * part) with the returned weights, which sum to 1, so the parts
    explain the score exactly. `rank_arrays` does the work; this is its form for mappings.
    """
    ids = list(dict.fromkeys(candidates))
    fits = fits or {}
    nan = float("nan")
    scored = rank_arrays(
        len(ids), weights=weights,
        dense=None if dense is None else np.array([dense.get(i, nan) for i in ids], dtype=np.float64),
        lexical=None if lexical is None else np.array([lexical.get(i, 0.0) for i in ids], dtype=np.float64),
        fits={part: np.array([fits.get(i, {}).get(part, nan) for i in ids], dtype=np.float64)
              for part in PARTS if part not in RELATIVE_PARTS},
        trust=trust, dense_share=dense_share)
    return [Ranked(ids[n], float(scored.scores[n]), scored.parts(n)) for n in scored.order], scored.used


@dataclass
class Scored:
    """`rank_arrays`' answer: per candidate (by index) its score and its parts; `order` is best first."""
    order: np.ndarray
    scores: np.ndarray
    columns: dict[str, np.ndarray]
    used: dict[str, float]

    def parts(self, n: int) -> dict[str, float]:
        """Candidate n's parts as a page shows them (rounded to 4 places)."""
        return {part: round(float(self.columns[part][n]), 4) for part in self.used}


def rank_arrays(count: int, *, weights: Mapping[str, float], dense: np.ndarray | None = None,
                lexical: np.ndarray | None = None, fits: Mapping[str, np.ndarray] | None = None,
                trust: float = 1.0, dense_share: float | None = None) -> Scored:
    """`rank` over arrays aligned with the candidates (index n is the n-th candidate): NaN is "no evidence"
    (a missing cosine; a fit with nothing to say). Column by column in numpy, with the same arithmetic in the
    same order as one candidate at a time, so the scores are the same to the last bit."""
    columns: dict[str, np.ndarray] = {}
    if dense is not None:
        columns["dense"] = minmax_array(dense)
    if lexical is not None:
        columns["lexical"] = minmax_array(np.nan_to_num(lexical, nan=0.0))
    for part, values in (fits or {}).items():
        if part not in RELATIVE_PARTS and len(values) and not np.isnan(values).all():
            columns[part] = np.where(np.isnan(values), 0.5, np.clip(values, 0.0, 1.0))
    columns = {part: columns[part] for part in PARTS if part in columns}
    used = effective_weights(weights, columns, trust, dense_share)
    scores = np.zeros(count, dtype=np.float64)
    for part, weight in used.items():
        scores += weight * columns[part]
    return Scored(np.argsort(-scores, kind="stable"), scores, columns, used)


def minmax_array(values: np.ndarray) -> np.ndarray:
    """`minmax` over an array, NaN for a missing score."""
    values = np.asarray(values, dtype=np.float64)
    present = ~np.isnan(values)
    if not present.any():
        return np.zeros(len(values))
    low, high = float(values[present].min()), float(values[present].max())
    if high - low <= 1e-12:
        return np.where(present, 1.0 if high > 0 else 0.0, 0.0)
    return np.where(present, (values - low) / (high - low), 0.0)


def candidate_pool(*scored: Mapping[Hashable, float], k: int, extra: Iterable[Hashable] = ()) -> list[Hashable]:
    """The union of each signal's k best (positive lexical, any dense) plus `extra` (e.g. skill overlaps),
    in a stable order: what gets scored in full. Shared by the site and the harness."""
    pool: dict[Hashable, None] = {}
    for scores in scored:
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        pool.update((i, None) for i, _ in best)
    pool.update((i, None) for i in extra)
    return list(pool)

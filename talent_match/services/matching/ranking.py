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
    explain the score exactly.
    """
    ids = list(dict.fromkeys(candidates))
    columns: dict[str, dict[Hashable, float]] = {}
    if dense is not None:
        columns["dense"] = minmax(dense, ids)
    if lexical is not None:
        columns["lexical"] = minmax({i: lexical.get(i, 0.0) for i in ids}, ids)
    fits = fits or {}
    for part in PARTS:
        if part in RELATIVE_PARTS:
            continue
        if any(part in fits.get(i, {}) for i in ids):
            columns[part] = {i: min(max(float(fits.get(i, {}).get(part, 0.5)), 0.0), 1.0) for i in ids}
    used = effective_weights(weights, columns, trust, dense_share)
    ranked = []
    for i in ids:
        parts = {part: round(columns[part][i], 4) for part in used}
        ranked.append(Ranked(i, sum(used[p] * columns[p][i] for p in used), parts))
    order = sorted(range(len(ranked)), key=lambda n: (-ranked[n].score, n))
    return [ranked[n] for n in order], used


def candidate_pool(*scored: Mapping[Hashable, float], k: int, extra: Iterable[Hashable] = ()) -> list[Hashable]:
    """The union of each signal's k best (positive lexical, any dense) plus `extra` (e.g. skill overlaps),
    in a stable order: what gets scored in full. Shared by the site and the harness."""
    pool: dict[Hashable, None] = {}
    for scores in scored:
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        pool.update((i, None) for i, _ in best)
    pool.update((i, None) for i in extra)
    return list(pool)

"""Offline evaluation of the matching pipeline on a BEIR-layout benchmark.

The harness runs the product's own pieces: Documents as the site builds them (title + body), the same encoder,
FieldedBM25 with the shipped taxonomy's expansion, `ranking.candidate_pool` and `ranking.rank` with the configured
weights and fusion. Benchmark documents carry no region, so the whole corpus is one region and every query ranks
all of it. `channels` runs each channel once per query; `evaluate` ranks from it, and so does
services.matching.tuning when it fits the fusion.

Layout: corpus.jsonl ({"_id", "title", "text"}), queries.jsonl ({"_id", "text"}), qrels/test.tsv (query-id,
corpus-id, score; graded; a header line). Metrics: nDCG@10 with gains 2^rel - 1, Recall@10 = relevant hits in the
top 10 / min(relevant, 10), MRR@10.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np

from ..reference.taxonomy import Taxonomy
from ..search.bm25 import BM25Index
from ..search.documents import Document, embed_documents, model_text
from ..search.lexical import FieldedBM25, query_for
from ..search.tokens import tokenize_many
from . import ranking
from .fusion import Fusion
from .fusion import load as load_fusion

CANDIDATES_K = 100  # per signal; the site uses the same (matching.CANDIDATES_K)
CUTOFF = 10
RRF_K = 60  # reciprocal-rank fusion's usual constant (Cormack et al. 2009), as in the README's baselines


@dataclass
class Benchmark:
    doc_ids: list[str]
    docs: list[Document]
    query_ids: list[str]
    queries: list[str]
    qrels: dict[str, dict[str, int]]


def load_benchmark(path: str | Path) -> Benchmark:
    path = Path(path)
    doc_ids, docs = [], []
    with open(path / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                doc_ids.append(str(row["_id"]))
                docs.append(Document(row.get("title") or "", row.get("text") or ""))
    qrels: dict[str, dict[str, int]] = {}
    with open(path / "qrels" / "test.tsv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader, None)
        for row in reader:
            if len(row) >= 3:
                qrels.setdefault(row[0], {})[row[1]] = int(float(row[2]))
    query_ids, queries = [], []
    with open(path / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if str(row["_id"]) in qrels:
                    query_ids.append(str(row["_id"]))
                    queries.append(row.get("text") or "")
    return Benchmark(doc_ids, docs, query_ids, queries, qrels)


def metrics(rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]],
            k: int = CUTOFF) -> dict[str, float]:
    """Mean nDCG@k (gain 2^rel - 1), Recall@k (hits / min(relevant, k)) and MRR@k over queries with a
    relevant document."""
    totals = {f"ndcg@{k}": 0.0, f"recall@{k}": 0.0, f"mrr@{k}": 0.0}
    counted = 0
    for query_id, judged in qrels.items():
        relevant = {d: g for d, g in judged.items() if g > 0}
        if not relevant:
            continue
        counted += 1
        top = list(rankings.get(query_id, ()))[:k]
        dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(n + 2) for n, d in enumerate(top))
        ideal = sorted(relevant.values(), reverse=True)[:k]
        idcg = sum((2 ** g - 1) / math.log2(n + 2) for n, g in enumerate(ideal))
        totals[f"ndcg@{k}"] += dcg / idcg
        totals[f"recall@{k}"] += sum(1 for d in top if d in relevant) / min(len(relevant), k)
        totals[f"mrr@{k}"] += next((1 / (n + 1) for n, d in enumerate(top) if d in relevant), 0.0)
    return {name: round(value / counted, 4) if counted else 0.0 for name, value in totals.items()}


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(scores))
    best = np.argpartition(-scores, k - 1)[:k]
    return best[np.lexsort((best, -scores[best]))]


@dataclass
class Evidence:
    """One query's channels as the pipeline sees them: the candidate pool (document positions, in pool order),
    the evidence over it, and each baseline's own ranking (positions, best first, up to candidates_k)."""
    query_id: str
    terms: int                    # the query's index terms (what the fusion's split reads)
    trust: float                  # ranking.dense_trust of the query
    pool: np.ndarray
    lexical: np.ndarray           # FieldedBM25 score per pool member
    dense: np.ndarray | None      # cosine to the stored (title-weighted) vector per pool member; None: no model
    baselines: dict[str, list[int]]


def channels(bench: Benchmark, *, encode: Callable[[list[str]], np.ndarray] | None, reads_hangul: bool = True,
             candidates_k: int = CANDIDATES_K, progress: Callable[[str], None] | None = None,
             neighbours=None) -> Iterator[Evidence]:
    """Run every channel once per query: what `evaluate` ranks and `tuning` fits. Baselines: plain BM25 (one field),
    the fielded lexical side alone, dense alone on the plain text embeddings (the model's off-the-shelf use, the
    README's baseline) and `dense_titled`: dense alone on the title-weighted vectors the site stores
    (documents.embed_documents), which the pipeline uses. `encode` maps texts to L2-normalised vectors; None
    evaluates the model-less (degraded) mode; `reads_hangul` says whether the model is shown Korean
    (documents.model_text); `neighbours` (search.neighbours.MorphemeNeighbours) adds the Korean neighbours channel
    to the lexical side."""
    say = progress or (lambda message: None)
    say(f"tokenising {len(bench.docs)} documents and {len(bench.queries)} queries")
    lexical = FieldedBM25()
    lexical.add_documents(list(range(len(bench.docs))), bench.docs)
    plain = BM25Index(enumerate(tokenize_many(d.text for d in bench.docs)))
    taxonomy = Taxonomy.reference()  # the shipped skills, as a fresh site has them
    queries = [query_for(text, taxonomy, neighbours) for text in bench.queries]
    doc_vectors = plain_vectors = query_vectors = plain_queries = None
    if encode is not None:
        say("encoding documents")
        doc_vectors, plain_vectors = embed_documents(encode, bench.docs, reads_hangul=reads_hangul,
                                                     with_plain=True)  # as the site stores them
        say("encoding queries")
        shown = [model_text(q, reads_hangul) for q in bench.queries]
        query_vectors = plain_queries = np.asarray(encode(shown), dtype=np.float32)
        if shown != list(bench.queries) or any(model_text(d.text, reads_hangul) != d.text for d in bench.docs):
            say("encoding the full texts for the off-the-shelf baseline")  # the model shown everything
            plain_vectors = np.asarray(encode([d.text for d in bench.docs]), dtype=np.float32)
            plain_queries = np.asarray(encode(list(bench.queries)), dtype=np.float32)
    say("ranking")
    positions = np.asarray(lexical.score_array([])[0], dtype=np.int64)  # fixed while nothing is added
    for n, (query_id, query) in enumerate(zip(bench.query_ids, queries)):
        tokens = query.tokens
        if query_vectors is not None and n % 512 == 0:  # one matrix product per block of queries
            block = query_vectors[n:n + 512] @ doc_vectors.T
            plain_block = plain_queries[n:n + 512] @ plain_vectors.T
        lex = np.zeros(len(bench.docs))
        lex[positions] = lexical.score_array(query)[1]
        lexical_best = {int(i): float(lex[i]) for i in _top(lex, candidates_k) if lex[i] > 0}
        baselines = {"lexical": list(lexical_best), "bm25": [i for i, _ in plain.top(tokens, candidates_k)]}
        dense = similarities = None
        if query_vectors is not None:
            similarities = block[n % 512]
            best = _top(similarities, candidates_k)
            baselines["dense_titled"] = best.tolist()
            baselines["dense"] = _top(plain_block[n % 512], candidates_k).tolist()
            dense = {int(i): float(similarities[i]) for i in best}
        pool = np.asarray(ranking.candidate_pool(*(s for s in (dense, lexical_best) if s is not None),
                                                 k=candidates_k), dtype=np.int64)
        yield Evidence(query_id, len(tokens), ranking.dense_trust(tokens, multilingual=reads_hangul), pool,
                       lex[pool], None if similarities is None else similarities[pool].astype(np.float64),
                       baselines)


def reciprocal_rank_fusion(*rankings: Sequence, k: int = RRF_K) -> list:
    """Ids by sum of 1 / (k + rank) over the rankings (rank 1 = best); ties by first appearance."""
    fused: dict = {}
    for order in rankings:
        for n, item in enumerate(order):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + n + 1)
    return sorted(fused, key=lambda item: -fused[item])


def evaluate(bench: Benchmark, *, weights: Mapping[str, float], encode: Callable[[list[str]], np.ndarray] | None,
             reads_hangul: bool = True, fusion: Fusion | None = None, candidates_k: int = CANDIDATES_K,
             progress: Callable[[str], None] | None = None, neighbours=None) -> dict:
    """Scores of the pipeline (with `fusion`, else the shipped one) and of its baselines (see `channels`), and
    `rrf`: reciprocal-rank fusion (k=60) of the pipeline's own two channels, the lexical side and dense_titled,
    the bar the fusion must clear on every kind of query; `rrf_plain` fuses plain BM25 and plain dense instead
    (the README's reference RRF)."""
    fusion = fusion or load_fusion()
    runs: dict[str, dict[str, list[str]]] = {name: {} for name in ("pipeline", "bm25", "lexical", "dense",
                                                                   "dense_titled", "rrf", "rrf_plain")}
    ids = bench.doc_ids
    for evidence in channels(bench, encode=encode, reads_hangul=reads_hangul, candidates_k=candidates_k,
                             progress=progress, neighbours=neighbours):
        query_id, found = evidence.query_id, evidence.baselines
        for name, order in found.items():
            runs[name][query_id] = [ids[i] for i in order[:CUTOFF]]
        if "dense" in found:
            for name, pair in (("rrf", ("lexical", "dense_titled")), ("rrf_plain", ("bm25", "dense"))):
                runs[name][query_id] = [ids[i] for i in reciprocal_rank_fusion(*(found[p] for p in pair))[:CUTOFF]]
        pool = evidence.pool.tolist()
        ranked, _ = ranking.rank(
            pool, weights=weights, lexical=dict(zip(pool, evidence.lexical.tolist())),
            dense=None if evidence.dense is None else dict(zip(pool, evidence.dense.tolist())),
            trust=evidence.trust, dense_share=fusion.dense_share(evidence.terms))
        runs["pipeline"][query_id] = [ids[r.id] for r in ranked[:CUTOFF]]
    result = {name: metrics(run, bench.qrels) for name, run in runs.items() if run}
    result["queries"] = len(bench.query_ids)
    result["degraded"] = encode is None
    return result

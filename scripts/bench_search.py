#!/usr/bin/env python3
"""Benchmark the encoder and one vector shard; prints one JSON object.

    .venv/bin/python scripts/bench_search.py --n 1000000 [--queries 1000] [--gpu] [--peers]

Encoding: our Encoder against plain SentenceTransformer.encode on the same 60-180-token job/profile texts
(alternating rounds, best of each, since other processes may share the cores), with the mean cosine between them.
Search: N vectors made from real embeddings (ESCO occupations and job titles from ../shared/eval when present,
built-in templates otherwise): the bases themselves, then copies with noise at cosine ~0.85 to their base.
Queries are embeddings of held-out job titles, never bases; recall@20 is measured against an exact scan.
--peers adds hnswlib (the `dev` extra) on the same vectors and queries, at the smallest ef that reaches PEER_RECALL.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import psutil  # noqa: E402

from embeddings import Encoder, VectorShard, configure_threads  # noqa: E402

SHARED_EVAL = ROOT.parent / "shared" / "eval" / "esco-titles-dev"
NOISE_PER_DIM = 0.032  # cosine to the base about 1 / sqrt(1 + 384 * 0.032^2) = 0.85
K = 20
PEER_RECALL = 0.95
PEER_LINKS, PEER_EF_CONSTRUCTION = 32, 100  # efConstruction 100: its 1M build already took 300 s on 2 cores
PEER_EFS = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
TEMPLATES = [
    "{a} wanted in {r}. You will {t1} and {t2}, working with {s1} and {s2}. We offer a hybrid schedule, mentoring "
    "by senior staff and a training budget. Two years of experience with {s1} or a related degree is expected.",
    "I am a {a} based in {r} with experience in {s1}, {s2} and {s3}. In my last role I helped {t1} and learned to "
    "{t2}. I am looking for a position where I can grow into {b} work at a small company.",
]
FILL = {"a": ["data analyst", "machine learning engineer", "MLOps engineer", "computer vision developer",
              "AI product manager", "data engineer", "NLP researcher", "robotics software engineer"],
        "b": ["team lead", "applied research", "platform", "consulting"],
        "r": ["Busan", "Daegu", "Gwangju", "Ulsan", "Jeonbuk", "Gangwon", "Chungnam", "Gyeongnam"],
        "s": ["Python", "SQL", "PyTorch", "Kubernetes", "Spark", "dashboarding", "statistics", "OpenCV", "LLMs"],
        "t": ["build forecasting models for retail demand", "label and clean sensor data from factories",
              "deploy models behind REST services", "automate quality inspection on a production line",
              "report results to non-technical managers", "tune search ranking for a job portal"]}


def shared_texts() -> tuple[list[str], list[str]] | None:
    """(occupation texts, job titles) from the ESCO dev set, or None when ../shared is not there."""
    if not (SHARED_EVAL / "corpus.jsonl").exists():
        return None
    with open(SHARED_EVAL / "corpus.jsonl") as fh:
        corpus = [json.loads(line) for line in fh]
    with open(SHARED_EVAL / "queries.jsonl") as fh:
        titles = sorted({json.loads(line)["text"].strip() for line in fh} - {""})
    return [f"{row['title']}. {row['text']}" for row in corpus], titles


def template_texts(count: int, rng: random.Random) -> list[str]:
    pick = {key: (lambda values=values: rng.choice(values)) for key, values in FILL.items()}
    return [rng.choice(TEMPLATES).format(a=pick["a"](), b=pick["b"](), r=pick["r"](), s1=pick["s"](),
                                         s2=pick["s"](), s3=pick["s"](), t1=pick["t"](), t2=pick["t"]())
            for _ in range(count)]


def long_texts(count: int, occupations: list[str], rng: random.Random) -> list[str]:
    """Posting/profile-like texts of about 60-180 tokens: two occupations' descriptions run together, cut."""
    if not occupations:
        return template_texts(count, rng)
    out = []
    for _ in range(count):
        words = f"{rng.choice(occupations)} Also experienced as {rng.choice(occupations)}".split()
        out.append(" ".join(words[: rng.randint(55, 140)]))
    return out


def bench_encoding(encoder: Encoder, texts: list[str], rounds: int) -> dict:
    from sentence_transformers import SentenceTransformer

    stock = SentenceTransformer(encoder.model_name, device=encoder.device)
    rates = {"ours": [], "stock": [], "ours_cpu": [], "stock_cpu": []}

    def timed(name, encode):
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = encode(texts)
        rates[name].append(len(texts) / (time.perf_counter() - wall))
        rates[f"{name}_cpu"].append(len(texts) / (time.process_time() - cpu))
        return vectors

    encoder.encode(texts[:8]), stock.encode(texts[:8])  # warm both
    for _ in range(rounds):  # alternate, so both see the same share of a busy machine
        reference = timed("stock", stock.encode)
        ours = timed("ours", encoder.encode)
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    cosine = (ours * reference).sum(axis=1)
    tokens = [len(stock.tokenizer(t)["input_ids"]) for t in texts]
    best = {name: max(values) for name, values in rates.items()}
    return {"encode_texts_per_s": round(best["ours"], 1), "stock_encode_texts_per_s": round(best["stock"], 1),
            "encode_speedup": round(best["ours"] / best["stock"], 2),
            "encode_texts_per_cpu_s": round(best["ours_cpu"], 1),
            "stock_encode_texts_per_cpu_s": round(best["stock_cpu"], 1),
            "encode_mean_cosine": round(float(cosine.mean()), 5), "encode_min_cosine": round(float(cosine.min()), 5),
            "encode_texts": len(texts), "encode_rounds": rounds, "encode_tokens_p10_p90": np.percentile(
                tokens, [10, 90]).round().astype(int).tolist(), "encoder_model_id": encoder.model_id}


def cached_encode(encoder: Encoder, texts: list[str], cache_dir: Path) -> np.ndarray:
    """Encode, keeping the result beside the model cache: the bases take minutes on two cores."""
    import hashlib

    key = hashlib.sha256("\n".join([encoder.model_id, *texts]).encode()).hexdigest()[:16]
    path = cache_dir / "bench" / f"vectors-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = encoder.encode(texts, progress=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def make_vectors(bases: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """The bases first, then noisy copies cycling through them: unit length, cosine ~0.85 to their base."""
    out = np.empty((n, bases.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        rows = np.arange(start, min(n, start + 100_000))
        chunk = bases[rows % len(bases)].copy()
        noisy = rows >= len(bases)
        chunk[noisy] += rng.normal(0, NOISE_PER_DIM, (int(noisy.sum()), bases.shape[1])).astype(np.float32)
        out[rows] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return out


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.empty((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), 50_000):
        scores = queries @ vectors[start:start + 50_000].T
        top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
        best_scores = np.hstack([best_scores, np.take_along_axis(scores, top, 1)])
        best_rows = np.hstack([best_rows, top + start])
        keep = np.argsort(-best_scores, axis=1)[:, :k]
        best_scores, best_rows = np.take_along_axis(best_scores, keep, 1), np.take_along_axis(best_rows, keep, 1)
    return best_rows


def recall(shard: VectorShard, queries: np.ndarray, truth: np.ndarray, ids: np.ndarray) -> float:
    found = shard.search(queries, K)
    return float(np.mean([len(set(got.tolist()) & set(ids[want].tolist())) / K
                          for (got, _), want in zip(found, truth)]))


def latencies_ms(search, queries: np.ndarray) -> np.ndarray:
    times = []
    for query in queries:
        start = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - start) * 1000)
    return np.array(times)


def bench_search(vectors: np.ndarray, queries: np.ndarray, exact_max: int, device: str, cores: int) -> dict:
    n, ids = len(vectors), np.arange(1, len(vectors) + 1, dtype=np.int64) * 3  # ids need not be dense
    truth = exact_top(vectors, queries, K)
    process = psutil.Process()
    rss = process.memory_info().rss
    configure_threads(cores)
    start = time.perf_counter()
    shard = VectorShard.build(ids, vectors, exact_max=exact_max, device=device)
    build_s = time.perf_counter() - start
    memory_mb = (process.memory_info().rss - rss) / 2**20
    configure_threads(1)
    shard.search(queries[:20], K)
    single = latencies_ms(lambda q: shard.search(q, K), queries)
    result = {"n": n, "index": shard.index_type, "searched_on": device, "nprobe": shard.nprobe,
              "build_s": round(build_s, 1),
              "p50_ms": round(float(np.percentile(single, 50)), 3),
              "p99_ms": round(float(np.percentile(single, 99)), 3),
              "recall_at_20": round(recall(shard, queries, truth, ids), 4), "memory_mb": round(memory_mb)}
    if shard.nprobe:  # the trade-off around the default, for tuning
        default, sweep = shard.nprobe, {}
        for nprobe in sorted({8, 12, 16, 24, 32, 48, 64, default}):
            shard.nprobe = nprobe
            times = latencies_ms(lambda q: shard.search(q, K), queries)
            sweep[nprobe] = {"recall_at_20": round(recall(shard, queries, truth, ids), 4),
                             "p50_ms": round(float(np.percentile(times, 50)), 3),
                             "p99_ms": round(float(np.percentile(times, 99)), 3)}
        shard.nprobe = default
        result["nprobe_sweep"] = sweep
    allowed = ids[np.random.default_rng(7).choice(n, min(n, 1000), replace=False)]
    filtered = latencies_ms(lambda q: shard.search(q, K, allowed_ids=allowed), queries[:100])
    result["filtered_1000_p50_ms"] = round(float(np.percentile(filtered, 50)), 3)
    configure_threads(cores)
    batch = queries[: min(len(queries), 1000)]
    start = time.perf_counter()
    shard.search(batch, K)
    result["batch_qps"] = round(len(batch) / (time.perf_counter() - start))
    configure_threads(1)
    scan = latencies_ms(lambda q: np.argpartition(-(vectors @ q), K)[:K], queries[:30])  # BLAS may use 2 threads
    result["numpy_p50_ms"] = round(float(np.percentile(scan, 50)), 2)
    result.update(bench_updates(shard, vectors, ids))
    return result


def bench_hnswlib(vectors: np.ndarray, queries: np.ndarray, cores: int) -> dict:
    """hnswlib as a peer, measured as the engine is: all cores to build and for a batch, one for single queries."""
    import hnswlib

    n, ids = len(vectors), np.arange(1, len(vectors) + 1, dtype=np.int64) * 3
    truth = ids[exact_top(vectors, queries, K)]
    process = psutil.Process()
    rss = process.memory_info().rss
    index = hnswlib.Index(space="ip", dim=vectors.shape[1])
    index.init_index(max_elements=n, ef_construction=PEER_EF_CONSTRUCTION, M=PEER_LINKS, random_seed=1)
    start = time.perf_counter()
    index.add_items(vectors, ids, num_threads=cores)
    build_s = time.perf_counter() - start
    memory_mb = (process.memory_info().rss - rss) / 2**20
    sweep = {}
    for ef in PEER_EFS:  # the smallest ef that reaches PEER_RECALL, else the largest tried
        index.set_ef(ef)
        index.set_num_threads(1)
        single = latencies_ms(lambda q: index.knn_query(q, k=K), queries)
        index.set_num_threads(cores)
        start = time.perf_counter()
        found = index.knn_query(queries, k=K)[0]
        batch_qps = len(queries) / (time.perf_counter() - start)
        sweep[ef] = {"recall_at_20": round(float(np.mean([len(set(got.tolist()) & set(want.tolist())) / K
                                                          for got, want in zip(found, truth)])), 4),
                     "p50_ms": round(float(np.percentile(single, 50)), 3),
                     "p99_ms": round(float(np.percentile(single, 99)), 3), "batch_qps": round(batch_qps)}
        if sweep[ef]["recall_at_20"] >= PEER_RECALL:
            break
    return {"n": n, "M": PEER_LINKS, "ef_construction": PEER_EF_CONSTRUCTION, "ef": ef,
            "reaches_recall": sweep[ef]["recall_at_20"] >= PEER_RECALL, "build_s": round(build_s, 1), **sweep[ef],
            "memory_mb": round(memory_mb), "ef_sweep": sweep}


def bench_updates(shard: VectorShard, vectors: np.ndarray, ids: np.ndarray) -> dict:
    """One add (or remove) and the search that must see it; the search is part of the figure."""
    rng, adds, removes = np.random.default_rng(11), [], []
    for step in range(50):
        new_id = int(ids[-1]) + 1 + step
        vector = vectors[rng.integers(len(vectors))]
        start = time.perf_counter()
        shard.add([new_id], vector[None, :])
        found = new_id in shard.search(vector, K)[0][0]
        adds.append((time.perf_counter() - start) * 1000)
        assert found, "added vector not searchable"
        start = time.perf_counter()
        shard.remove([new_id])
        gone = new_id not in shard.search(vector, K)[0][0]
        removes.append((time.perf_counter() - start) * 1000)
        assert gone, "removed vector still found"
    both = np.array(adds + removes)
    return {"update_ms": round(float(np.percentile(both, 50)), 3), "update_max_ms": round(float(both.max()), 3),
            "add_p50_ms": round(float(np.percentile(adds, 50)), 3),
            "remove_p50_ms": round(float(np.percentile(removes, 50)), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="vectors in the shard")
    parser.add_argument("--queries", type=int, default=1000, help="real (held-out) queries for latency and recall")
    parser.add_argument("--gpu", action="store_true", help="encode and search on CUDA")
    parser.add_argument("--json", action="store_true", help="accepted for compatibility; the output is JSON anyway")
    parser.add_argument("--encode-texts", type=int, default=256, help="texts in each encoding round")
    parser.add_argument("--encode-rounds", type=int, default=2)
    parser.add_argument("--exact-max", type=int, default=None, help="override the shard's exact/IVF threshold")
    parser.add_argument("--peers", action="store_true", help="measure hnswlib on the same vectors and queries")
    parser.add_argument("--cache-dir", default=str(ROOT / "instance" / "model-cache"))
    args = parser.parse_args()

    import torch

    if args.peers:
        try:
            import hnswlib  # noqa: F401
        except ImportError:
            sys.exit("--peers needs hnswlib: pip install -e '.[dev]' (or pip install hnswlib)")
    if args.gpu and not torch.cuda.is_available():
        sys.exit("--gpu asked for, but torch sees no CUDA device")
    device = "cuda" if args.gpu else "cpu"
    cores = len(os.sched_getaffinity(0))
    rng = random.Random(5)
    found = shared_texts()
    occupations, titles = found if found else ([], [])
    rng.shuffle(titles)
    held_out, base_titles = titles[: args.queries], titles[args.queries:]
    if not found:
        held_out = template_texts(args.queries, rng)
    encoder = Encoder(device=device, cache_dir=args.cache_dir).load()
    report = {"device": device, "cores": cores, "texts_from": "esco-titles-dev" if found else "templates",
              "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}
    report.update(bench_encoding(encoder, long_texts(args.encode_texts, occupations, rng), args.encode_rounds))

    base_texts = (occupations + base_titles) if found else template_texts(min(args.n, 5000), rng)
    base_texts = base_texts[: args.n]
    start = time.perf_counter()
    bases = cached_encode(encoder, base_texts, Path(args.cache_dir))
    queries = cached_encode(encoder, held_out, Path(args.cache_dir))
    report["base_texts"], report["base_encode_s"] = len(base_texts), round(time.perf_counter() - start, 1)
    vectors = make_vectors(bases, args.n, np.random.default_rng(3))
    report["copy_cosine_to_base"] = round(float(np.mean(
        np.sum(vectors[len(bases):len(bases) + 2000] * bases[np.arange(len(bases), len(bases) + 2000) % len(bases)],
               axis=1))), 3) if args.n > len(bases) else 1.0
    from embeddings.store import DEFAULT_EXACT_MAX

    report["search"] = bench_search(vectors, queries, args.exact_max or DEFAULT_EXACT_MAX, device, cores)
    if args.peers:
        report["load_avg_before_peers"] = [round(x, 2) for x in os.getloadavg()]
        report["peers"] = {"hnswlib": bench_hnswlib(vectors, queries, cores)}
    report["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=None if args.json else 1))


if __name__ == "__main__":
    main()

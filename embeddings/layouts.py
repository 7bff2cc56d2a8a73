"""The layouts a shard can take, and how to build, read back, save and size them.

Exact (IndexIDMap2 over IndexFlatIP) while a shard is small: perfect recall and a cheap rebuild.
IVF above `exact_max`: about 100x less work per query, as a `refined.RefinedIVF`: fast-scan PQ codes in the lists
find the candidates and their fp16 vectors score them; replacing or removing k vectors costs O(k).
Vectors are L2-normalised, so inner product is cosine similarity. Files saved with fp16 or float IVF lists alone
(before the refined layout; their direct map is a hash table) still load, search as they did, and read back.
"""
from __future__ import annotations

import logging
import math

import faiss
import numpy as np

from .refined import RefinedIVF

log = logging.getLogger(__name__)

# k-means sample per list: faiss asks for 39. At 1M vectors, 100 instead of 40 raised recall@20 at the same lists
# probed from 0.958 to 0.963 for 40 s more build (about 100 s of 180 on 2 cores).
TRAIN_POINTS_PER_LIST = 100
TRAIN_ITERATIONS = 10
LISTS_PER_SQRT_N = 4  # nlist = 4 * sqrt(n): about 4,000 lists at 1M vectors
# Codes scanned per query. Measured with scripts/bench_search.py on real queries at 1M (4,000 lists), 2026-12-07:
# 24 lists with 100 candidates re-scored gave recall@20 0.960 at p50 ~0.26 ms; 32 lists with 80, 0.964 at 0.30 ms.
# Smaller shards probe a larger share of their lists.
PROBE_CANDIDATES = 6000
MIN_PROBES = 16
QUANTIZER_LINKS = 32  # the centroids sit in a small HNSW graph: finding the nearest lists costs ~0.05 ms,
QUANTIZER_EF = 48     # not a scan of all of them (at 4,000 lists that scan is as much work as the lists probed);
                      # at 24 lists, ef 32 lost recall@20 0.960 -> 0.952 and ef 64 gained 0.002 for 0.03 ms more


def lists_for(count: int) -> int:
    return max(1, int(LISTS_PER_SQRT_N * math.sqrt(max(count, 1))))


def probes_for(nlist: int, count: int) -> int:
    """Lists to probe so that about PROBE_CANDIDATES vectors are scanned: latency stays flat as shards grow."""
    return min(nlist, max(MIN_PROBES, math.ceil(PROBE_CANDIDATES * nlist / max(count, 1))))


def gpu_count() -> int:
    get = getattr(faiss, "get_num_gpus", None)
    return get() if get else 0


def empty_exact(dim: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def build_ivf(ids: np.ndarray, vectors: np.ndarray, nlist: int | None = None, seed: int = 1234) -> RefinedIVF:
    """Train centroids on a sample (on the GPU when faiss has one), then code and store every vector with its id."""
    count, dim = vectors.shape
    nlist = nlist or lists_for(count)
    sample_size = min(count, nlist * TRAIN_POINTS_PER_LIST)
    sample = vectors[np.random.default_rng(seed).choice(count, sample_size, replace=False)] \
        if sample_size < count else vectors
    kmeans = faiss.Kmeans(dim, nlist, niter=TRAIN_ITERATIONS, spherical=True, seed=seed, gpu=gpu_count() > 0,
                          max_points_per_centroid=TRAIN_POINTS_PER_LIST, verbose=False)
    kmeans.train(np.ascontiguousarray(sample, dtype=np.float32))
    quantizer = faiss.IndexHNSWFlat(dim, QUANTIZER_LINKS, faiss.METRIC_INNER_PRODUCT)
    quantizer.hnsw.efConstruction = 200
    quantizer.hnsw.efSearch = QUANTIZER_EF
    quantizer.add(kmeans.centroids)
    return RefinedIVF.build(quantizer, nlist, probes_for(nlist, count), ids, vectors, seed)


def add_in_chunks(index: faiss.Index, ids: np.ndarray, vectors: np.ndarray, chunk: int = 100_000) -> None:
    """Adds in chunks so the temporary assignment buffers stay small for a million vectors."""
    for start in range(0, len(ids), chunk):
        index.add_with_ids(np.ascontiguousarray(vectors[start:start + chunk], dtype=np.float32),
                           np.ascontiguousarray(ids[start:start + chunk], dtype=np.int64))


def is_ivf(index) -> bool:
    return isinstance(index, (faiss.IndexIVF, RefinedIVF))


def describe(index) -> str:
    if isinstance(index, RefinedIVF):
        return f"ivf-pq{index.scan.pq.M}fs-fp16{index.nlist}-hnsw"
    if is_ivf(index):
        codes = "fp16" if isinstance(faiss.downcast_index(index), faiss.IndexIVFScalarQuantizer) else "flat"
        return f"ivf-{codes}{index.nlist}-hnsw"
    return "exact"


def filters_in_search(index) -> bool:
    """Whether faiss can apply an id selector inside this index's search (the refined layout's codes cannot)."""
    return not isinstance(index, RefinedIVF)


def write_index(index, path: str) -> None:
    if isinstance(index, RefinedIVF):
        with open(path, "wb") as fh:
            index.write(fh)
    else:
        faiss.write_index(index, str(path))


def read_index(path: str):
    """What write_index wrote (or a plain faiss index file). Raises RuntimeError when it cannot be read."""
    with open(path, "rb") as fh:
        if not RefinedIVF.recognises(fh.read(16)):
            return faiss.read_index(str(path))
        fh.seek(0)
        try:
            return RefinedIVF.read(fh)
        except (ValueError, KeyError, TypeError) as exc:
            raise RuntimeError(f"not a readable refined IVF file ({exc})") from None


def remove(index, ids: np.ndarray) -> int:
    """Remove ids the index is known to hold."""
    if isinstance(index, RefinedIVF):
        return index.remove(ids)
    return index.remove_ids(faiss.IDSelectorArray(ids) if is_ivf(index) else faiss.IDSelectorBatch(ids))


def quantizer_parameters(nprobe: int):
    """Search parameters for the centroid graph: it must look at least twice as wide as the lists wanted."""
    return faiss.SearchParametersHNSW(efSearch=max(QUANTIZER_EF, 2 * nprobe))


def stored_ids(index: faiss.Index) -> np.ndarray:
    """Every id the index holds, in storage order."""
    if isinstance(index, RefinedIVF):
        return index.table.held_ids()  # not contents(): that decodes every vector (1.5 GB at 1M) for the ids
    if is_ivf(index):
        lists = index.invlists
        parts = [faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
                 for i in range(index.nlist) if lists.list_size(i)]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    return faiss.vector_to_array(index.id_map).astype(np.int64)


def stored_vectors(index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of everything in the index, for a rebuild into another layout or a GPU copy."""
    if isinstance(index, RefinedIVF):
        return index.contents()
    dim = index.d
    if is_ivf(index):
        lists = index.invlists
        ids, vectors = [], []
        for i in range(index.nlist):
            size = lists.list_size(i)
            if size:
                ids.append(faiss.rev_swig_ptr(lists.get_ids(i), size).copy())
                codes = faiss.rev_swig_ptr(lists.get_codes(i), size * lists.code_size).reshape(size, -1)
                vectors.append(_decode(index, codes))
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty((0, dim), dtype=np.float32)
        return np.concatenate(ids), np.concatenate(vectors)
    flat = faiss.downcast_index(index.index)
    return stored_ids(index), faiss.vector_to_array(flat.codes).view(np.float32).reshape(-1, dim)


def _decode(index: faiss.IndexIVF, codes: np.ndarray) -> np.ndarray:
    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexIVFScalarQuantizer):
        return index.sq.decode(codes)
    return codes.view(np.float32).copy()  # IVF-Flat keeps the floats themselves


def vectors_for(index: faiss.Index, ids: np.ndarray) -> np.ndarray:
    """Vectors of ids the index is known to hold (both layouts keep a map from id to place)."""
    if not len(ids):
        return np.empty((0, index.d), dtype=np.float32)
    return index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64))

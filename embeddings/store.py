"""One FAISS index for one (kind, region) shard, keyed by database primary keys.

Searches run concurrently; mutations take a writer lock for O(k) work. Growing past `exact_max` (or 4x past the
size an IVF layout was trained for) calls for a rebuild, which copies the vectors out, builds the new layout
without holding any lock and replays the mutations that arrived meanwhile, so searches never wait for it.
"""
from __future__ import annotations

import threading
import time
from typing import Iterable

import faiss
import numpy as np

from . import layouts
from .gpu import TorchExactSearch, cuda_available
from .locks import ReadWriteLock

DEFAULT_EXACT_MAX = 20_000  # an exact scan of 20k vectors takes about a millisecond on one core
SMALL_FILTER = 20_000  # id filters up to this size are scored directly: exact, and cheaper than a filtered probe

Result = tuple[np.ndarray, np.ndarray]  # (ids, scores), best first


def as_ids(ids: Iterable[int]) -> np.ndarray:
    if isinstance(ids, np.ndarray):
        return ids.astype(np.int64, copy=False).reshape(-1)
    return np.fromiter((int(i) for i in ids), dtype=np.int64)


class VectorShard:
    """`generation` is the last database change applied; `last_change` the wall time of the last mutation."""

    def __init__(self, dim: int, *, exact_max: int = DEFAULT_EXACT_MAX, device: str = "auto", generation: int = 0,
                 index: faiss.Index | None = None, last_change: float | None = None):
        self.dim, self.exact_max = int(dim), int(exact_max)
        self.generation, self.last_change = int(generation), last_change
        self._index = index if index is not None else layouts.empty_exact(self.dim)
        if self._index.d != self.dim:
            raise ValueError(f"index holds {self._index.d}-dimensional vectors, not {self.dim}")
        self._ids = set(layouts.stored_ids(self._index).tolist())
        self._lock = ReadWriteLock()
        self._rebuilding = threading.Lock()
        self._journal: list | None = None  # mutations made while a rebuild runs, replayed onto its result
        self._gpu_device = "cuda" if device == "cuda" or (device == "auto" and cuda_available()) else None
        self._gpu: TorchExactSearch | None = None  # made on the first search
        self._gpu_copying = threading.Lock()
        self.dirty = False  # changed since loaded or saved
        self._shared_parameters = None  # see _search_parameters

    @classmethod
    def build(cls, ids, vectors, *, dim: int | None = None, **options) -> "VectorShard":
        """A shard holding exactly these vectors, in the layout their number calls for (the rebuild path)."""
        ids, vectors = _checked(ids, vectors, dim)
        shard = cls(vectors.shape[1] if dim is None else dim, **options)
        shard._index = shard._new_index(ids, vectors)
        shard._ids = set(ids.tolist())
        shard.dirty = True
        if shard.last_change is None:
            shard.last_change = time.time()  # the build is its latest change
        return shard

    # --- reading ------------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def contains(self, entity_id: int) -> bool:
        return int(entity_id) in self._ids

    __contains__ = contains

    @property
    def index_type(self) -> str:
        return layouts.describe(self._index)

    @property
    def nprobe(self) -> int | None:
        return self._index.nprobe if layouts.is_ivf(self._index) else None

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        if layouts.is_ivf(self._index):
            self._index.nprobe = min(int(value), self._index.nlist)

    def search(self, queries, k: int, allowed_ids: Iterable[int] | None = None) -> list[Result]:
        """Top-k (ids, cosine scores) per query row. `allowed_ids` limits results to those ids, exactly."""
        queries = np.ascontiguousarray(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        if queries.shape[1] != self.dim:
            raise ValueError(f"queries have {queries.shape[1]} dimensions; this shard holds {self.dim}")
        allowed = None if allowed_ids is None else np.unique(as_ids(allowed_ids))
        empty = [(np.empty(0, np.int64), np.empty(0, np.float32)) for _ in range(len(queries))]
        with self._lock.reading():
            if not self._ids or k <= 0 or (allowed is not None and not len(allowed)):
                return empty
            if self._gpu_device:
                return self._gpu_search(queries, k, allowed)
            if allowed is not None and (len(allowed) <= SMALL_FILTER or not layouts.filters_in_search(self._index)):
                return self._score_directly(queries, k, allowed)
            params = self._search_parameters(allowed)
            scores, ids = self._index.search(queries, min(k, len(self._ids)), params=params)
        return [(row_ids[row_ids >= 0], row_scores[row_ids >= 0]) for row_ids, row_scores in zip(ids, scores)]

    def _search_parameters(self, allowed: np.ndarray | None):
        """faiss parameters for this search. Unfiltered ones are made once per nprobe and shared (searches only
        read them): building them costs 0.04 ms, a tenth of a query at a million vectors."""
        selector = None if allowed is None else faiss.IDSelectorBatch(allowed)
        if not layouts.is_ivf(self._index):
            return None if selector is None else faiss.SearchParameters(sel=selector)
        nprobe = self._index.nprobe
        if selector is None:
            cached = self._shared_parameters
            if cached is None or cached.nprobe != nprobe:
                cached = self._shared_parameters = self._ivf_parameters(nprobe, None)
            return cached
        return self._ivf_parameters(min(self._index.nlist, int(np.ceil(nprobe * len(self._ids) / len(allowed)))),
                                    selector)  # more lists in proportion, so as many allowed vectors are seen

    @staticmethod
    def _ivf_parameters(nprobe: int, selector):
        params = faiss.SearchParametersIVF(nprobe=nprobe)
        params.quantizer_params = quantizer = layouts.quantizer_parameters(nprobe)
        params.referenced_quantizer_params = quantizer
        if selector is not None:
            params.sel = selector
        params.referenced_selector = selector  # keep the selector alive as long as the parameters
        return params

    def _score_directly(self, queries: np.ndarray, k: int, allowed: np.ndarray) -> list[Result]:
        present = np.fromiter((i for i in allowed.tolist() if i in self._ids), dtype=np.int64)
        vectors = layouts.vectors_for(self._index, present)
        scores = queries @ vectors.T
        k = min(k, len(present))
        results = []
        for row in scores:
            top = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
            top = top[np.argsort(-row[top], kind="stable")]
            results.append((present[top], row[top].astype(np.float32)))
        return results

    def _gpu_search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None) -> list[Result]:
        if self._gpu is None:
            with self._gpu_copying:  # one thread makes the copy
                if self._gpu is None:
                    self._gpu = TorchExactSearch(*layouts.stored_vectors(self._index), device=self._gpu_device)
        return self._gpu.search(queries, k, allowed)

    # --- changing -----------------------------------------------------------------------------------------------

    def add(self, ids, vectors) -> None:
        """Insert or replace (an id already present gets the new vector). Searchable when this returns."""
        ids, vectors = _checked(ids, vectors, self.dim)
        with self._lock.writing():
            self._apply(self._index, "add", ids, vectors, self._ids)
            if self._gpu is not None:
                self._gpu.remove(ids)
                self._gpu.add(ids, vectors)
            self._touch("add", ids, vectors)

    upsert = add

    def remove(self, ids) -> int:
        """Remove these ids (absent ones are ignored). Returns how many were removed."""
        ids = as_ids(ids)
        with self._lock.writing():
            removed = self._apply(self._index, "remove", ids, None, self._ids)
            if self._gpu is not None:
                self._gpu.remove(ids)
            self._touch("remove", ids, None)
        return removed

    def apply(self, upsert_ids=(), upsert_vectors=None, remove_ids=(), generation: int | None = None) -> None:
        """One batch of database changes: removals, then upserts, then the generation they bring the shard to."""
        if len(remove_ids):
            self.remove(remove_ids)
        if len(upsert_ids):
            self.add(upsert_ids, upsert_vectors)
        if generation is not None:
            self.generation = max(self.generation, int(generation))

    @staticmethod
    def _apply(index: faiss.Index, op: str, ids: np.ndarray, vectors: np.ndarray | None, members: set) -> int:
        present = np.fromiter((i for i in ids.tolist() if i in members), dtype=np.int64)
        if len(present):
            layouts.remove(index, present)
            members.difference_update(present.tolist())
        if op == "add":
            layouts.add_in_chunks(index, ids, vectors)
            members.update(ids.tolist())
        return len(present)

    def _touch(self, op: str, ids: np.ndarray, vectors: np.ndarray | None) -> None:
        if self._journal is not None:
            self._journal.append((op, ids, vectors))
        self.last_change, self.dirty = time.time(), True

    # --- layout -------------------------------------------------------------------------------------------------

    @property
    def needs_rebuild(self) -> bool:
        """True when the layout no longer fits the size: exact past exact_max, IVF grown 4x or shrunk small."""
        count = len(self._ids)
        if not layouts.is_ivf(self._index):
            return count > self.exact_max
        return count < self.exact_max // 2 or layouts.lists_for(count) > 2 * self._index.nlist

    def rebuild(self) -> bool:
        """Rebuild into the layout the current size calls for, without blocking searches or updates for long.
        Returns False when another rebuild is already running."""
        if not self._rebuilding.acquire(blocking=False):
            return False
        try:
            with self._lock.reading():
                ids, vectors = layouts.stored_vectors(self._index)
                self._journal = []
            fresh = self._new_index(ids, vectors)
            del vectors
            members = set(ids.tolist())
            with self._lock.writing():
                for op, op_ids, op_vectors in self._journal:
                    self._apply(fresh, op, op_ids, op_vectors, members)
                self._index, self._ids, self._journal = fresh, members, None
            return True
        finally:
            self._journal = None
            self._rebuilding.release()

    def rebuild_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.rebuild, name="shard-rebuild", daemon=True)
        thread.start()
        return thread

    def _new_index(self, ids: np.ndarray, vectors: np.ndarray) -> faiss.Index:
        if len(ids) > self.exact_max:
            return layouts.build_ivf(ids, vectors)
        index = layouts.empty_exact(self.dim)
        layouts.add_in_chunks(index, ids, vectors)
        return index

    # --- persistence (used by shard_files) ----------------------------------------------------------------------

    def write_index(self, path: str) -> dict:
        """Write the faiss index to `path` and return the facts that describe exactly what was written."""
        with self._lock.reading():
            layouts.write_index(self._index, str(path))
            return {"count": len(self._ids), "dim": self.dim, "index_type": self.index_type,
                    "generation": self.generation, "last_change": self.last_change}

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) held now: a copy, for checks and migrations."""
        with self._lock.reading():
            return layouts.stored_vectors(self._index)


def _checked(ids, vectors, dim: int | None) -> tuple[np.ndarray, np.ndarray]:
    """int64 ids (the last of duplicates wins) and finite, unit-length float32 rows of the right width."""
    ids = as_ids(ids)
    vectors = np.asarray(vectors if vectors is not None else [], dtype=np.float32)
    if not len(ids) and not vectors.size:
        if dim is None and vectors.ndim != 2:
            raise ValueError("cannot tell the dimension of no vectors: pass dim")
        return ids, np.empty((0, dim if dim is not None else vectors.shape[1]), dtype=np.float32)
    if vectors.ndim == 1 and len(ids) == 1:
        vectors = vectors.reshape(1, -1)
    if vectors.ndim != 2 or len(vectors) != len(ids):
        raise ValueError(f"need one vector per id: got {len(ids)} ids and vectors of shape {vectors.shape}")
    if dim is not None and vectors.shape[1] != dim:
        raise ValueError(f"vectors have {vectors.shape[1]} dimensions; this shard holds {dim}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    if not np.all(np.isfinite(norms)) or np.any(norms == 0):
        raise ValueError("vectors must be finite and non-zero")
    _, last = np.unique(ids[::-1], return_index=True)
    keep = np.sort(len(ids) - 1 - last)
    return np.ascontiguousarray(ids[keep]), np.ascontiguousarray(vectors[keep] / norms[keep])

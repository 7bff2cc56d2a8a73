"""The large-shard layout: a 4-bit PQ fast-scan IVF finds candidates; their fp16 vectors score them.

Why: at a million vectors a query's cost is the codes it reads. Fast-scan codes are 96 bytes a vector (192
sub-quantizers of 4 bits over the residual to the list centroid, scored with SIMD lookup tables), so a query can
probe more lists than it could read fp16 vectors in the same time; the 5x k best candidates are then re-scored on
their fp16 vectors by faiss (cosine to fp16 precision), which restores the order the codes blur. Measured with
scripts/bench_search.py at 1M: recall@20 0.96 at p50 ~0.3 ms, where an IVF of fp16 lists needed 0.76 ms for 0.959.

The vectors live in a `VectorTable` of fp16 rows, and the codes in the lists carry row numbers, not entity ids:
a candidate's vector is one numpy gather away (faiss's reconstruct from IVF lists cost 0.15 ms for 80 ids, a dict
from ids to rows 0.05 ms). Fast-scan lists cannot remove in O(1) (a removal is a pass over every list, 2-3 ms at
1M), so removing or replacing a vector kills its row (id -1) and leaves its code in the lists: search skips dead
rows. Dead rows' codes are purged in one pass once they are STALE_SHARE of the shard, and their rows reused.
"""
from __future__ import annotations

import json
import struct
from typing import BinaryIO

import faiss
import numpy as np

SUBQUANTIZERS = 192   # 2 dimensions each at d=384: 96 of them lost recall@20 0.965 -> 0.938 at equal cost
REFINE_FACTOR = 5     # candidates re-scored per result wanted; at 24 lists (2026-12-07) 4x gave 0.956, 5x 0.960
PQ_TRAIN_SAMPLE = 100_000
STALE_SHARE = 0.01  # dead rows whose codes are still in the lists, as a share of the vectors held
_MAGIC = b"TMREFINE2\n"


class VectorTable:
    """Rows of fp16 vectors; the fast-scan codes carry row numbers, so a candidate's vector is one gather away.

    A removed row is dead (id -1) but keeps its number while its code may still be in the lists (`pending`); once
    the codes are purged the row is `free` for the next add. Rows never move, so codes never need renumbering."""

    def __init__(self, dim: int, capacity: int = 1024):
        # The rows are the codes of a faiss fp16 index, seen from numpy: faiss re-scores candidates in C++ (numpy's
        # fp16 -> fp32 conversion of 80 rows alone cost 0.06 ms, a fifth of a query at 1M).
        self.store = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
        self.ids = np.full(max(capacity, 16), -1, dtype=np.int64)  # row -> entity id, -1 when dead
        self.rows: dict[int, int] = {}                              # entity id -> row
        self.used = 0                                               # rows ever handed out
        self.pending: list[int] = []
        self.free: list[int] = []
        self._resize(len(self.ids))

    def _resize(self, capacity: int) -> None:
        """Grow the codes (zeros) and see them again: a resize moves them, so no view may outlive it."""
        size = capacity * self.store.code_size
        self.store.codes.resize(size)
        self.store.ntotal = capacity
        self.vectors = faiss.rev_swig_ptr(self.store.codes.data(), size).view(np.float16).reshape(capacity, -1)

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Rows for ids not held already; returns them."""
        reused = [self.free.pop() for _ in range(min(len(ids), len(self.free)))]
        start, end = self.used, self.used + len(ids) - len(reused)
        if end > len(self.ids):
            capacity = max(end, int(len(self.ids) * 1.5))
            self._resize(capacity)
            self.ids = np.concatenate([self.ids[:self.used], np.full(capacity - self.used, -1, np.int64)])
        rows = np.asarray(reused + list(range(start, end)), dtype=np.int64)
        self.used = end
        self.vectors[rows] = vectors
        self.ids[rows] = ids
        self.rows.update(zip(ids.tolist(), rows.tolist()))
        return rows

    def remove(self, ids) -> list[int]:
        """Kill the rows of these ids (absent ones are ignored); returns the rows killed."""
        killed = [self.rows.pop(i) for i in ids if i in self.rows]
        self.ids[killed] = -1
        self.vectors[killed] = 0  # a removed person's vector must not reach the next file
        self.pending += killed
        return killed

    def vectors_of(self, ids: np.ndarray) -> np.ndarray:
        return self.vectors[[self.rows[int(i)] for i in ids]].astype(np.float32)

    def held_ids(self) -> np.ndarray:
        ids = self.ids[:self.used]
        return ids[ids >= 0]

    def contents(self) -> tuple[np.ndarray, np.ndarray]:
        alive = np.flatnonzero(self.ids[:self.used] >= 0)
        return self.ids[alive], self.vectors[alive].astype(np.float32)


class RefinedIVF:
    """Quacks like the faiss IVF indexes the shard code reads: d, ntotal, nlist, nprobe, search, add_with_ids,
    reconstruct_batch; removal is `remove(ids)`."""

    def __init__(self, scan: faiss.IndexIVF, table: VectorTable):
        self.scan, self.table = scan, table
        store, rows = table.store, table.store.ntotal
        store.ntotal = scan.ntotal  # faiss asks both to hold as many at construction, then that codes' rows < ntotal
        self.refine = faiss.IndexRefine(scan, store)
        store.ntotal = self.refine.ntotal = rows

    @classmethod
    def build(cls, quantizer: faiss.Index, nlist: int, nprobe: int, ids: np.ndarray, vectors: np.ndarray,
              seed: int) -> "RefinedIVF":
        dim = vectors.shape[1]
        scan = faiss.IndexIVFPQFastScan(quantizer, dim, nlist, _subquantizers(dim), 4, faiss.METRIC_INNER_PRODUCT,
                                        32)
        scan.by_residual = True  # codes of the residual to the list centroid: recall@20 0.952 -> 0.965
        sample = vectors if len(vectors) <= PQ_TRAIN_SAMPLE else \
            vectors[np.random.default_rng(seed).choice(len(vectors), PQ_TRAIN_SAMPLE, replace=False)]
        scan.train(np.ascontiguousarray(sample, dtype=np.float32))
        scan.nprobe = nprobe
        refined = cls(scan, VectorTable(dim, capacity=int(len(ids) * 1.25) + 1024))
        refined.add_with_ids(vectors, ids)
        return refined

    # --- what the shard reads -----------------------------------------------------------------------------------

    @property
    def d(self) -> int:
        return self.scan.d

    @property
    def ntotal(self) -> int:
        return len(self.table)

    @property
    def nlist(self) -> int:
        return self.scan.nlist

    @property
    def nprobe(self) -> int:
        return self.scan.nprobe

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        self.scan.nprobe = int(value)

    def search(self, queries: np.ndarray, k: int, params=None):
        """(scores, ids) as faiss returns them (-1 pads). Not for filtered searches: the codes cannot be filtered,
        so the shard scores the allowed vectors itself (reconstruct_batch)."""
        stale = min(len(self.table.pending), k)
        wanted = min(self.scan.ntotal, k + stale)  # room for a few dead rows' codes
        refine = faiss.IndexRefineSearchParameters(k_factor=REFINE_FACTOR, base_index_params=params)
        scores, rows = self.refine.search(queries, wanted, params=refine)
        ids = np.where(rows >= 0, self.table.ids[rows], -1)
        if stale:  # the first k live rows
            order = np.argsort(ids < 0, axis=1, kind="stable")[:, :k]
            scores, ids = np.take_along_axis(scores, order, 1), np.take_along_axis(ids, order, 1)
        scores[ids < 0] = -np.inf
        return scores, ids

    def reconstruct_batch(self, ids: np.ndarray) -> np.ndarray:
        return self.table.vectors_of(ids)

    def contents(self) -> tuple[np.ndarray, np.ndarray]:
        return self.table.contents()

    # --- changing (under the shard's writer lock) ---------------------------------------------------------------

    def add_with_ids(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        """Ids must not be held already (the shard removes replaced ones first)."""
        for start in range(0, len(ids), 100_000):
            part = np.ascontiguousarray(vectors[start:start + 100_000], dtype=np.float32)
            rows = self.table.add(ids[start:start + 100_000], part)
            self.scan.add_with_ids(part, rows)
        self.refine.ntotal = self.table.store.ntotal  # the table may have grown

    def remove(self, ids: np.ndarray) -> int:
        killed = self.table.remove(ids.tolist())
        if len(self.table.pending) > STALE_SHARE * max(self.ntotal, 1):
            self.purge()
        return len(killed)

    def purge(self) -> None:
        """Drop the dead rows' codes in one pass over the lists; their rows become free for new vectors."""
        if self.table.pending:
            self.scan.remove_ids(faiss.IDSelectorBatch(np.asarray(self.table.pending, dtype=np.int64)))
            self.table.free += self.table.pending
            self.table.pending = []

    # --- files ----------------------------------------------------------------------------------------------------

    def write(self, fh: BinaryIO) -> None:
        """The codes and the table. Dead rows' codes are purged from a copy first (the lists searches read stay as
        they are), so a file never holds a removed vector's code."""
        scan = faiss.serialize_index(self.scan)
        table, used, dim = self.table, self.table.used, self.d
        if table.pending:
            copy = faiss.deserialize_index(scan)
            copy.remove_ids(faiss.IDSelectorBatch(np.asarray(table.pending, dtype=np.int64)))
            scan = faiss.serialize_index(copy)
        state = json.dumps({"pending": [], "free": table.free + table.pending}).encode()
        fh.write(_MAGIC + struct.pack("<QQQQ", len(scan), used, dim, len(state)))
        fh.write(memoryview(scan))
        fh.write(memoryview(np.ascontiguousarray(table.ids[:used])))
        fh.write(memoryview(np.ascontiguousarray(table.vectors[:used])))
        fh.write(state)

    @classmethod
    def read(cls, fh: BinaryIO) -> "RefinedIVF":
        """What `write` wrote; ValueError when the file is short or inconsistent."""
        header = fh.read(len(_MAGIC) + 32)
        if not header.startswith(_MAGIC) or len(header) < len(_MAGIC) + 32:
            raise ValueError("not a refined IVF file")
        scan_size, used, dim, state_size = struct.unpack_from("<QQQQ", header, len(_MAGIC))
        scan = faiss.deserialize_index(np.frombuffer(_exactly(fh, scan_size), dtype=np.uint8).copy())
        ids = np.frombuffer(_exactly(fh, used * 8), dtype=np.int64)
        vectors = np.frombuffer(_exactly(fh, used * dim * 2), dtype=np.float16).reshape(used, dim)
        state = json.loads(_exactly(fh, state_size).decode())
        if fh.read(1) or scan.d != dim:
            raise ValueError("trailing bytes or a dimension that does not match")
        table = VectorTable(dim, capacity=int(used * 1.25) + 1024)
        table.vectors[:used], table.ids[:used], table.used = vectors, ids, used
        alive = np.flatnonzero(ids >= 0)
        table.rows = dict(zip(ids[alive].tolist(), alive.tolist()))
        table.pending, table.free = [int(r) for r in state["pending"]], [int(r) for r in state["free"]]
        return cls(scan, table)

    @staticmethod
    def recognises(head: bytes) -> bool:
        return head.startswith(_MAGIC)


def _exactly(fh: BinaryIO, size: int) -> bytes:
    data = fh.read(size)
    if len(data) != size:
        raise ValueError(f"file ends {size - len(data)} bytes early")
    return data


def _subquantizers(dim: int) -> int:
    """Two dimensions per 4-bit sub-quantizer where the dimension allows, else the largest divisor below."""
    for m in range(min(SUBQUANTIZERS, max(dim // 2, 1)), 0, -1):
        if dim % m == 0:
            return m
    return 1

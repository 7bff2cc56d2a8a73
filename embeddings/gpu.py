"""Exact search on a GPU: an fp16 copy of a shard's vectors, scanned with one matmul and a top-k.

Why not a faiss GPU index: it cannot remove vectors and is unsafe to share between threads; an fp16 scan of 1M x 384
reads 0.77 GB, a fraction of a millisecond on an H100, with perfect recall. The CPU faiss index stays the source of
truth (saves, rebuilds); this copy follows its mutations. Removed rows are masked and squeezed out when they pile up.
The same code runs on a CPU device, which is how it is tested without a GPU.
"""
from __future__ import annotations

import numpy as np

COMPACT_WHEN_DEAD = 0.25  # squeeze out removed rows once they are a quarter of the copy


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


class TorchExactSearch:
    """Not thread-safe for mutations; the owning VectorShard serialises them."""

    def __init__(self, ids: np.ndarray, vectors: np.ndarray, device: str = "cuda"):
        import torch

        self.torch, self.device = torch, device
        self.dtype = torch.float16 if device.startswith("cuda") else torch.float32
        self._load(np.asarray(ids, dtype=np.int64), np.asarray(vectors, dtype=np.float32))

    def _load(self, ids: np.ndarray, vectors: np.ndarray, extra: int = 0) -> None:
        torch = self.torch
        capacity = max(1024, int((len(ids) + extra) * 1.25))
        self.vectors = torch.zeros((capacity, vectors.shape[1]), dtype=self.dtype, device=self.device)
        self.ids = torch.full((capacity,), -1, dtype=torch.int64, device=self.device)
        self.vectors[: len(ids)] = torch.from_numpy(vectors).to(self.device, self.dtype)
        self.ids[: len(ids)] = torch.from_numpy(ids).to(self.device)
        self.rows = {int(i): row for row, i in enumerate(ids)}
        self.used, self.dead = len(ids), 0

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Caller removes replaced ids first."""
        torch = self.torch
        if self.used + len(ids) > len(self.ids):
            self._compact(extra=len(ids))
        end = self.used + len(ids)
        self.vectors[self.used:end] = torch.from_numpy(np.asarray(vectors, dtype=np.float32)).to(self.device,
                                                                                                 self.dtype)
        self.ids[self.used:end] = torch.from_numpy(np.asarray(ids, dtype=np.int64)).to(self.device)
        self.rows.update({int(i): row for row, i in enumerate(ids, self.used)})
        self.used = end

    def remove(self, ids) -> None:
        rows = [self.rows.pop(int(i)) for i in ids if int(i) in self.rows]
        if rows:
            self.ids[self.torch.tensor(rows, device=self.device)] = -1
            self.dead += len(rows)
            if self.dead > COMPACT_WHEN_DEAD * max(self.used, 1):
                self._compact()

    def _compact(self, extra: int = 0) -> None:
        """Drop removed rows and leave room for `extra` more (copies through host memory: rare)."""
        alive = (self.ids[: self.used] >= 0).nonzero().squeeze(1)
        self._load(self.ids[alive].cpu().numpy(), self.vectors[alive].float().cpu().numpy(), extra)

    def search(self, queries: np.ndarray, k: int, allowed_ids: np.ndarray | None = None):
        """(ids, scores) per query, best first; -inf rows (removed or not allowed) never come back."""
        torch = self.torch
        if self.used == 0:
            return [(np.empty(0, np.int64), np.empty(0, np.float32)) for _ in range(len(queries))]
        ids = self.ids[: self.used]
        keep = ids >= 0
        if allowed_ids is not None:
            keep &= torch.isin(ids, torch.from_numpy(np.asarray(allowed_ids, dtype=np.int64)).to(self.device))
        with torch.inference_mode():
            q = torch.from_numpy(np.ascontiguousarray(queries, dtype=np.float32)).to(self.device, self.dtype)
            scores = (q @ self.vectors[: self.used].T).float()
            scores.masked_fill_(~keep, float("-inf"))
            top = torch.topk(scores, min(k, self.used), dim=1)
        values, rows = top.values.cpu().numpy(), top.indices
        found = ids[rows].cpu().numpy()
        results = []
        for qid, qscore in zip(found, values):
            good = np.isfinite(qscore)
            results.append((qid[good], qscore[good].astype(np.float32)))
        return results

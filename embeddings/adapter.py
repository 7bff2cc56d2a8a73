"""A learned linear map over the frozen sentence-transformers embeddings: domain adaptation that trains on 2 cores.

The map is the identity plus a low-rank correction, M = I + A·B (rank `rank`), applied to every vector the encoder
returns (documents and queries alike) and renormalised. Trained with in-batch negatives (MultipleNegativesRanking:
each anchor's positive against every other pair's positive, both directions) on pairs of texts that name the same
thing, with a penalty on the correction so that what the pairs do not speak about keeps the model's geometry.

A trained adapter is a folder: `adapter.npy` (float32, dim x dim) and `adapter.json` (what it was trained on and
measured at); the encoder's identity (`Encoder.model_id`) carries the adapter's fingerprint, so vectors made with
another adapter, or none, are never mixed and `flask reindex` re-encodes them.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

MATRIX_FILE = "adapter.npy"
FACTS_FILE = "adapter.json"


@dataclass(frozen=True)
class Adapter:
    matrix: np.ndarray  # (dim, dim) float32: vectors are rows, adapted = normalise(v @ matrix)
    fingerprint: str

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[0])

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """Rows mapped and renormalised to length 1 (float32)."""
        mapped = np.asarray(vectors, dtype=np.float32) @ self.matrix
        mapped /= np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-12)
        return mapped


def load_adapter(folder: str | Path) -> Adapter:
    """The adapter saved in `folder`; ValueError naming the folder when it holds none."""
    path = Path(folder) / MATRIX_FILE
    try:
        raw = path.read_bytes()
        matrix = np.load(path, allow_pickle=False).astype(np.float32)
    except (OSError, ValueError) as error:
        raise ValueError(f"{folder}: no adapter ({error}); write one with `flask train-encoder --out {folder}`") \
            from error
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{path}: expected a square matrix, found shape {matrix.shape}")
    return Adapter(matrix, hashlib.sha256(raw).hexdigest())


def save_adapter(matrix: np.ndarray, folder: str | Path, facts: dict) -> Adapter:
    """Write the matrix and its facts into `folder` (created), each through a temporary file and a rename."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{MATRIX_FILE}.tmp"
    with open(temporary, "wb") as fh:
        np.save(fh, np.asarray(matrix, dtype=np.float32), allow_pickle=False)
    temporary.replace(folder / MATRIX_FILE)
    temporary = folder / f".{FACTS_FILE}.tmp"
    temporary.write_text(json.dumps(facts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(folder / FACTS_FILE)
    return load_adapter(folder)


@dataclass(frozen=True)
class TrainingSettings:
    """The defaults are the mildest setting measured (README, matching): 30 epochs at penalty 1 moved the vectors
    further and cost more (ESCO titles dev subsample 0.380 -> 0.345)."""
    rank: int = 32
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 2e-3
    scale: float = 20.0           # cosine similarities times this are the logits (sentence-transformers' default)
    correction_penalty: float = 30.0  # times dim x the mean squared entry of A·B, per step
    seed: int = 13


def train_matrix(anchors: np.ndarray, positives: np.ndarray, groups: Sequence[int],
                 settings: TrainingSettings = TrainingSettings(), log=None) -> tuple[np.ndarray, list[dict]]:
    """Fit M = I + A·B on (anchor, positive) embedding pairs; a batch never holds two pairs of one group, so no
    in-batch negative is a true match. Deterministic for a seed on one machine. Returns M and the loss per epoch."""
    import torch

    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    dim = anchors.shape[1]
    a = torch.zeros(dim, settings.rank)
    b = torch.randn(settings.rank, dim, generator=generator) * 0.01
    a.requires_grad_(True)
    b.requires_grad_(True)
    optimiser = torch.optim.Adam([a, b], lr=settings.learning_rate)
    x, y = torch.from_numpy(np.asarray(anchors, np.float32)), torch.from_numpy(np.asarray(positives, np.float32))
    history = []
    for epoch in range(settings.epochs):
        total, steps = 0.0, 0
        for batch in _batches(groups, settings.batch_size, random.Random(settings.seed + epoch)):
            index = torch.tensor(batch)
            correction = a @ b
            left = torch.nn.functional.normalize(x[index] + x[index] @ correction, dim=1)
            right = torch.nn.functional.normalize(y[index] + y[index] @ correction, dim=1)
            logits = settings.scale * left @ right.T
            target = torch.arange(len(batch))
            loss = (torch.nn.functional.cross_entropy(logits, target)
                    + torch.nn.functional.cross_entropy(logits.T, target)) / 2
            loss = loss + settings.correction_penalty * correction.pow(2).mean() * dim
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total, steps = total + loss.item(), steps + 1
        history.append({"epoch": epoch + 1, "loss": round(total / max(steps, 1), 4)})
        if log is not None:
            log(f"epoch {epoch + 1}/{settings.epochs}: loss {total / max(steps, 1):.4f}")
    with torch.no_grad():
        matrix = torch.eye(dim) + a @ b
    return matrix.numpy().astype(np.float32), history


def _batches(groups: Sequence[int], size: int, rng: random.Random) -> list[list[int]]:
    """Pair indices in shuffled batches with at most one pair per group (a pair left over waits for the next)."""
    order = list(range(len(groups)))
    rng.shuffle(order)
    batches: list[list[int]] = []
    open_batches: list[tuple[list[int], set]] = []
    for n in order:
        for batch, seen in open_batches:
            if groups[n] not in seen and len(batch) < size:
                batch.append(n)
                seen.add(groups[n])
                break
        else:
            open_batches.append(([n], {groups[n]}))
        full = [entry for entry in open_batches if len(entry[0]) >= size]
        for entry in full:
            batches.append(entry[0])
            open_batches.remove(entry)
    batches.extend(batch for batch, _ in open_batches if len(batch) > 1)
    return batches

"""How a query's text evidence splits between the dense and the lexical channel: learned, and kept as data.

Why a split per query: one fixed dense:lexical ratio cannot serve both kinds of query the site ranks. Tuned on
short English titles it leant 75:25 on the model and lost to reciprocal-rank fusion of its own channels on long
task-based profiles (O*NET dev 0.614 vs 0.615, and 0.629 for BM25 with plain dense); tuned on those profiles
(about 44:56) it gave up titles (ESCO dev 0.368 -> 0.352).
The model's similarity of a long text blurs while BM25 gathers evidence with every term, so the dense share
follows the query's length in index terms: share = sigmoid(bias + per_log_term * ln(terms)), the slope never
positive (a longer query never leans more on the model). Two parameters, fitted by `flask tune-fusion`
(services.matching.tuning) and kept in fusion.json beside this module; the figures are in the README (matching).
The model's trust by script (ranking.dense_trust) applies on top: this split says how far to lean on a model
that can read the query.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

FILE = Path(__file__).with_name("fusion.json")


@dataclass(frozen=True)
class Fusion:
    bias: float          # logit of the dense share for a one-term query
    per_log_term: float  # change of that logit per e-fold of the query's terms

    def dense_share(self, terms: int) -> float:
        """The share of the text weight the dense channel gets for a query of this many index terms (0..1)."""
        return 1.0 / (1.0 + math.exp(-(self.bias + self.per_log_term * math.log(max(int(terms), 1)))))

    def to_json(self, **about) -> dict:
        return {"bias": self.bias, "per_log_term": self.per_log_term, **about}

    @classmethod
    def from_json(cls, data: dict) -> Fusion:
        return cls(float(data["bias"]), float(data["per_log_term"]))


def load(path: str | Path | None = None) -> Fusion:
    """The fusion stored at `path`; without one, the shipped fusion.json (read once per process)."""
    if path is None:
        return _shipped()
    try:
        return Fusion.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a fusion file ({error}); write one with `flask tune-fusion`") from error


@functools.cache
def _shipped() -> Fusion:
    return load(FILE)


def save(fusion: Fusion, path: str | Path, **about) -> None:
    """Write `fusion` (with notes on how it was tuned) as JSON, through a temporary file and a rename."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(fusion.to_json(**about), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)

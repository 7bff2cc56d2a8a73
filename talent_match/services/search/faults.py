"""Shards that failed to build or to save, why, and when each is tried again.

A failure is retried after 1 s, then 2, 4, ... up to 5 minutes, until it succeeds: a disk that fills up and frees
again needs no restart. Until then the shard is reported (health, the admin jobs page): a failed build leaves an
empty stand-in answering searches (matching says it is degraded); a failed save leaves the shard whole in memory
with an old or missing file (a restart would rebuild it).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

FIRST_RETRY_S = 1.0
MAX_RETRY_S = 300.0
BUILD, SAVE = "build", "save"


@dataclass
class Fault:
    step: str         # BUILD or SAVE
    reason: str
    failures: int
    retry_at: float   # time.monotonic()

    @property
    def delay(self) -> float:
        return min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** (self.failures - 1))


class ShardFaults:
    """Keyed by (kind, region). Not locked itself: the replica calls it under its own lock."""

    def __init__(self):
        self._faults: dict[tuple, Fault] = {}

    def __bool__(self) -> bool:
        return bool(self._faults)

    def step(self, key: tuple) -> str | None:
        fault = self._faults.get(key)
        return fault.step if fault else None

    def record(self, key: tuple, step: str, exc: BaseException) -> Fault:
        """Another failure of `step`: the wait before the next try doubles."""
        previous = self._faults.get(key)
        failures = previous.failures + 1 if previous is not None and previous.step == step else 1
        fault = Fault(step, f"{type(exc).__name__}: {exc}"[:300], failures, 0.0)
        fault.retry_at = time.monotonic() + fault.delay
        self._faults[key] = fault
        return fault

    def clear(self, key: tuple, step: str | None = None) -> None:
        """It worked: forget the fault (only one of `step`, when given)."""
        if step is None or self.step(key) == step:
            self._faults.pop(key, None)

    def due(self) -> list[tuple[tuple, str]]:
        """(key, step) of the faults to try now. Each is pushed back by its delay, so a try that ends neither way
        (the replica was cleared meanwhile) cannot spin."""
        now = time.monotonic()
        found = [(key, fault) for key, fault in self._faults.items() if fault.retry_at <= now]
        for _, fault in found:
            fault.retry_at = now + fault.delay
        return [(key, fault.step) for key, fault in found]

    def next_retry(self) -> float | None:
        return min((fault.retry_at for fault in self._faults.values()), default=None)

    def report(self) -> list[dict]:
        now = time.monotonic()
        return [{"shard": f"{kind}/{region}", "kind": kind, "region": region, "step": fault.step,
                 "reason": fault.reason, "failures": fault.failures,
                 "retry_in_s": round(max(0.0, fault.retry_at - now), 1)}
                for (kind, region), fault in sorted(self._faults.items(), key=lambda item: str(item[0]))]

"""What an outsider can work out from published counts: the tightest interval each count is known to lie in.

The public figures are counts tied together: rows add up to their total, some counts lie inside others (retained
people are among those who answered), and the same count published at two reporting dates can only grow (or, for
open postings, only shrink). An outsider who knows these relations narrows every hidden count from the shown ones.
`Knowledge` does the same by interval propagation to a fixed point: every relation is an equation
`whole = part + part + ...` (inclusion gets an unpublished remainder as one more part) or an order `a <= b`. A
hidden count whose interval closes on one value is given away, and disclosure hides more until none is.
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Hashable

UNBOUNDED = 10 ** 12


@dataclass
class Knowledge:
    """Counts (any hashable key), the relations between them, and what is published of each."""

    low: dict = field(default_factory=dict)
    high: dict = field(default_factory=dict)
    equations: list = field(default_factory=list)     # (whole, (parts...))
    orders: list = field(default_factory=list)        # (smaller, larger)
    _remainders: int = 0

    def shown(self, key: Hashable, value: int) -> None:
        self.low[key] = self.high[key] = value

    def hidden(self, key: Hashable, low: int, high: int = UNBOUNDED) -> None:
        """A hidden count, with what its label says: "<5" is [0, 4], "hidden" is [5, unbounded)."""
        self.low[key], self.high[key] = low, high

    def unpublished(self, key: Hashable) -> None:
        self.low.setdefault(key, 0)
        self.high.setdefault(key, UNBOUNDED)

    def total(self, whole: Hashable, parts) -> None:
        """whole = sum(parts); every count named must be declared (shown, hidden or unpublished) first."""
        self.equations.append((whole, tuple(parts)))

    def within(self, inner: Hashable, outer: Hashable) -> None:
        """inner is part of outer: outer = inner + an unpublished remainder."""
        self.within_all((inner,), outer)

    def within_all(self, inners, outer: Hashable) -> None:
        """Disjoint counts inside outer: outer = sum(inners) + an unpublished remainder."""
        self._remainders += 1
        remainder = ("remainder", self._remainders)
        self.unpublished(remainder)
        self.total(outer, (*inners, remainder))

    def order(self, smaller: Hashable, larger: Hashable) -> None:
        self.orders.append((smaller, larger))

    def solve(self, start: tuple[dict, dict] | None = None, changed=None) -> tuple[dict, dict]:
        """The tightest (low, high) of every count that the relations give, by propagation to a fixed point.

        `start` may give bounds already solved for some counts (from an earlier solve of a subset of these
        relations: they stay valid), and `changed` the counts declared or re-declared since, whose relations are
        the only ones looked at first; without them, every relation is.
        """
        low, high = dict(self.low), dict(self.high)
        if start is not None:
            low.update(start[0])
            high.update(start[1])
        uses = self._uses()
        if changed is None:
            first = [("total", i) for i in range(len(self.equations))] + \
                    [("order", i) for i in range(len(self.orders))]
        else:
            first = list(dict.fromkeys(use for key in changed for use in uses.get(key, ())))
        queue, queued = deque(first), set(first)
        while queue:
            item = queue.popleft()
            queued.discard(item)
            narrowed = self._narrow_total(item[1], low, high) if item[0] == "total" else \
                self._narrow_order(item[1], low, high)
            for key in narrowed:
                for use in uses[key]:
                    if use not in queued:
                        queued.add(use)
                        queue.append(use)
        return low, high

    def _uses(self) -> dict:
        """For each count, the relations it is in (kept up to date as relations are added)."""
        cache = self.__dict__.setdefault("_use_cache", [0, 0, defaultdict(list)])
        for index in range(cache[0], len(self.equations)):
            whole, parts = self.equations[index]
            for key in (whole, *parts):
                cache[2][key].append(("total", index))
        for index in range(cache[1], len(self.orders)):
            smaller, larger = self.orders[index]
            cache[2][smaller].append(("order", index))
            cache[2][larger].append(("order", index))
        cache[0], cache[1] = len(self.equations), len(self.orders)
        return cache[2]

    def given_away(self, keys) -> list:
        """Those of `keys` (hidden counts) whose interval closes on one value."""
        low, high = self.solve()
        return [key for key in keys if low[key] == high[key]]

    def _narrow_total(self, index: int, low: dict, high: dict) -> list:
        whole, parts = self.equations[index]
        changed = []
        low_sum = sum(low[p] for p in parts)
        high_sum = sum(min(high[p], UNBOUNDED) for p in parts)
        _raise(low, high, whole, low_sum, changed)
        _lower(high, low, whole, high_sum, changed)
        for part in parts:
            others_low = low_sum - low[part]
            others_high = high_sum - min(high[part], UNBOUNDED)
            before = (low[part], high[part])
            _raise(low, high, part, low[whole] - others_high, changed)
            _lower(high, low, part, high[whole] - others_low, changed)
            if (low[part], high[part]) != before:
                low_sum += low[part] - before[0]
                high_sum += min(high[part], UNBOUNDED) - min(before[1], UNBOUNDED)
        return changed

    def _narrow_order(self, index: int, low: dict, high: dict) -> list:
        smaller, larger = self.orders[index]
        changed: list = []
        _lower(high, low, smaller, high[larger], changed)
        _raise(low, high, larger, low[smaller], changed)
        return changed


def _raise(low: dict, high: dict, key, value: int, changed: list) -> bool:
    if value > low[key]:
        low[key] = min(value, high[key])   # never cross: contradictory figures leave the interval a point
        changed.append(key)
        return True
    return False


def _lower(high: dict, low: dict, key, value: int, changed: list) -> bool:
    if value < high[key]:
        high[key] = max(value, low[key])
        changed.append(key)
        return True
    return False

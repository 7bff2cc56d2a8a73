"""What an outsider can work out from published counts: the tightest interval each count is known to lie in.

The public figures are counts tied together: rows add up to their total, some counts lie inside others (retained
people are among those who answered), and the same count published at two reporting dates can only grow (or, for
open postings, only shrink). An outsider who knows these relations narrows every hidden count from the shown ones.
`Knowledge` does the same by interval propagation to a fixed point: every relation is an equation
`whole = part + part + ...` (inclusion gets an unpublished remainder as one more part) or an order `a <= b`. A
hidden count whose interval closes on one value is given away, and disclosure hides more until none is.

Counts are numbered as they are declared and bounds kept in lists: the public release chain propagates over tens of
thousands of counts, and plain lists are several times faster than dictionaries keyed by tuples.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Hashable

UNBOUNDED = 10 ** 12


@dataclass(frozen=True)
class Solution:
    """The bounds a solve found, by count number (see Knowledge.number)."""

    knowledge: "Knowledge"
    low: list
    high: list

    def interval(self, key: Hashable) -> tuple[int, int]:
        number = self.knowledge.number[key]
        return self.low[number], self.high[number]

    def given_away(self, keys) -> list:
        """Those of `keys` (hidden counts) whose interval closes on one value."""
        number, low, high = self.knowledge.number, self.low, self.high
        return [key for key in keys if low[number[key]] == high[number[key]]]


class Knowledge:
    """Counts (any hashable key), the relations between them, and what is published of each."""

    def __init__(self):
        self.number: dict = {}
        self.low: list[int] = []
        self.high: list[int] = []
        self.equations: list[tuple[int, tuple[int, ...]]] = []   # (whole, parts), by count number
        self.orders: list[tuple[int, int]] = []                  # (smaller, larger)
        self.uses: list[list[int]] = []                          # per count: relations, as 2*index (+1: order)

    def _declare(self, key: Hashable, low: int, high: int) -> int:
        number = self.number.get(key)
        if number is None:
            number = self.number[key] = len(self.low)
            self.low.append(low)
            self.high.append(high)
            self.uses.append([])
        else:
            self.low[number], self.high[number] = low, high
        return number

    def shown(self, key: Hashable, value: int) -> None:
        self._declare(key, value, value)

    def hidden(self, key: Hashable, low: int, high: int = UNBOUNDED) -> None:
        """A hidden count, with what its label says: "<5" is [0, 4], "hidden" is [5, unbounded)."""
        self._declare(key, low, high)

    def unpublished(self, key: Hashable) -> None:
        if key not in self.number:
            self._declare(key, 0, UNBOUNDED)

    def known(self, key: Hashable) -> bool:
        return key in self.number

    def total(self, whole: Hashable, parts) -> None:
        """whole = sum(parts); every count named must be declared (shown, hidden or unpublished) first."""
        whole_n, part_ns = self.number[whole], tuple(self.number[part] for part in parts)
        use = 2 * len(self.equations)
        self.equations.append((whole_n, part_ns))
        for n in (whole_n, *part_ns):
            self.uses[n].append(use)

    def within(self, inner: Hashable, outer: Hashable) -> None:
        """inner is part of outer: outer = inner + an unpublished remainder."""
        self.within_all((inner,), outer)

    def within_all(self, inners, outer: Hashable) -> None:
        """Disjoint counts inside outer: outer = sum(inners) + an unpublished remainder."""
        remainder = ("remainder", len(self.low))
        self.unpublished(remainder)
        self.total(outer, (*inners, remainder))

    def order(self, smaller: Hashable, larger: Hashable) -> None:
        a, b = self.number[smaller], self.number[larger]
        use = 2 * len(self.orders) + 1
        self.orders.append((a, b))
        self.uses[a].append(use)
        self.uses[b].append(use)

    def relations_of(self, key: Hashable) -> list[list]:
        """The keys of each equation `key` is in (whole first)."""
        keys = list(self.number)
        found = []
        for use in self.uses[self.number[key]]:
            if use % 2 == 0:
                whole, parts = self.equations[use // 2]
                found.append([keys[n] for n in (whole, *parts)])
        return found

    def solve(self, start: Solution | None = None, changed=None) -> Solution:
        """The tightest bounds of every count that the relations give, by propagation to a fixed point.

        `start` may be an earlier solve, when only counts and relations were added since: its bounds stay valid
        for the counts it knew, and the relations of `changed` (the counts declared or re-declared since) are the
        only ones looked at first. Without it, every relation is.
        """
        low, high = list(self.low), list(self.high)
        if start is not None:
            known = len(start.low)
            low[:known], high[:known] = start.low, start.high
            first = list(dict.fromkeys(use for key in changed for use in self.uses[self.number[key]]))
        else:
            first = [2 * i for i in range(len(self.equations))] + [2 * i + 1 for i in range(len(self.orders))]
        equations, orders, uses = self.equations, self.orders, self.uses
        queue, queued = deque(first), set(first)
        while queue:
            use = queue.popleft()
            queued.discard(use)
            if use % 2:
                narrowed = _narrow_order(orders[use // 2], low, high)
            else:
                narrowed = _narrow_total(equations[use // 2], low, high)
            for n in narrowed:
                for following in uses[n]:
                    if following not in queued:
                        queued.add(following)
                        queue.append(following)
        return Solution(self, low, high)


def _narrow_total(equation, low: list, high: list) -> list:
    whole, parts = equation
    changed = []
    low_sum = high_sum = 0
    for n in parts:
        low_sum += low[n]
        high_sum += high[n]
    if low_sum > low[whole]:
        low[whole] = min(low_sum, high[whole])   # contradictory figures never cross: the interval becomes a point
        changed.append(whole)
    if high_sum < high[whole]:
        high[whole] = max(high_sum, low[whole])
        changed.append(whole)
    whole_low, whole_high = low[whole], high[whole]
    for n in parts:
        part_low, part_high = low[n], high[n]
        floor = whole_low - (high_sum - part_high)
        ceiling = whole_high - (low_sum - part_low)
        if floor > part_low:
            low[n] = min(floor, part_high)
            changed.append(n)
        if ceiling < high[n]:
            high[n] = max(ceiling, low[n])
            changed.append(n)
        if (low[n], high[n]) != (part_low, part_high):
            low_sum += low[n] - part_low
            high_sum += high[n] - part_high
    return changed


def _narrow_order(order, low: list, high: list) -> list:
    smaller, larger = order
    changed = []
    if high[larger] < high[smaller]:
        high[smaller] = max(high[larger], low[smaller])
        changed.append(smaller)
    if low[smaller] > low[larger]:
        low[larger] = min(low[smaller], high[larger])
        changed.append(larger)
    return changed

"""Absolute fits between a seeker and a posting, each 0..1: skills, experience and salary.

Pure functions of plain values, so the scoring core and its tests need no database. None means "no evidence"
(the ranking then counts the part as neutral, or drops it when no candidate has it).
"""
from __future__ import annotations

from typing import Sequence

PREFERRED_WEIGHT = 0.5  # a preferred skill counts half a required one


def skill_report(posting_skills: Sequence, posting_keys: Sequence[str], held: set[str]):
    """(matched labels, missing required labels, coverage 0..1 or None when the posting lists no skills).

    `posting_keys` are the posting skills' slugs (or 'text:label' keys) in the same order; `held` is what the seeker
    holds, already widened with every skill their skills imply (PyTorch meets "deep learning").
    """
    matched, missing = [], []
    earned = possible = 0.0
    for skill, key in zip(posting_skills, posting_keys):
        weight = 1.0 if skill.required else PREFERRED_WEIGHT
        possible += weight
        if key in held:
            earned += weight
            matched.append(skill.label)
        elif skill.required:
            missing.append(skill.label)
    return matched, missing, (earned / possible if possible else None)


def experience_fit(years: int | None, required: int | None) -> float | None:
    """1 when the seeker has the years asked for; short of it, down by how far (half the years: 0.5)."""
    if not required:
        return 1.0
    years = max(int(years or 0), 0)
    return 1.0 if years >= required else max(0.0, 1.0 - (required - years) / (required + 1))


def salary_fit(want_min: int | None, want_max: int | None, pay_min: int | None, pay_max: int | None) -> float | None:
    """1 when what the posting may pay reaches what the seeker asks; falls to 0 at 30% short. None when either
    side is silent, so an unstated salary neither helps nor hurts."""
    if not want_min or not (pay_max or pay_min):
        return None
    best_pay = pay_max or pay_min
    if best_pay >= want_min:
        return 1.0
    return max(0.0, 1.0 - (want_min - best_pay) / (0.3 * want_min))

"""Absolute fits between a seeker and a posting, each 0..1: skills, experience and salary.

Pure functions of plain values, so the scoring core and its tests need no database. None means "no evidence"
(the ranking then counts the part as neutral, or drops it when no candidate has it).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

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
    return float(experience_fits(np.array([years or 0]), np.array([required or 0]))[0])


def salary_fit(want_min: int | None, want_max: int | None, pay_min: int | None, pay_max: int | None) -> float | None:
    """1 when what the posting may pay reaches what the seeker asks; falls to 0 at 30% short. None when either
    side is silent, so an unstated salary neither helps nor hurts."""
    value = salary_fits(np.array([want_min or 0]), np.array([pay_min or 0]), np.array([pay_max or 0]))[0]
    return None if np.isnan(value) else float(value)


# The same rules over a candidate set, one array per field (None as 0); "no evidence" is NaN.

def experience_fits(years, required) -> np.ndarray:
    years = np.maximum(np.asarray(years, dtype=np.float64), 0.0)
    required = np.asarray(required, dtype=np.float64)
    short = np.maximum(0.0, 1.0 - (required - years) / (required + 1.0))
    return np.where((required == 0) | (years >= required), 1.0, short)


def salary_fits(want_min, pay_min, pay_max) -> np.ndarray:
    want = np.asarray(want_min, dtype=np.float64)
    pay_max = np.asarray(pay_max, dtype=np.float64)
    best = np.where(pay_max != 0, pay_max, np.asarray(pay_min, dtype=np.float64))  # pay_max or pay_min
    with np.errstate(divide="ignore", invalid="ignore"):
        short = np.maximum(0.0, 1.0 - (want - best) / (0.3 * want))
    fits = np.where(best >= want, 1.0, short)
    return np.where((want == 0) | (best == 0), np.nan, fits)


def skill_coverages(owner, required, held, count: int) -> np.ndarray:
    """skill_report's coverage for `count` candidates at once: one entry per (candidate index, posting skill)
    pair in `owner`, `required` and `held` (whether the seeker holds it); NaN for a posting with no skills."""
    weight = np.where(np.asarray(required, dtype=bool), 1.0, PREFERRED_WEIGHT)
    possible = np.bincount(np.asarray(owner, dtype=np.int64), weight, minlength=count)
    earned = np.bincount(np.asarray(owner, dtype=np.int64), weight * np.asarray(held, dtype=bool), minlength=count)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(possible > 0, earned / possible, np.nan)

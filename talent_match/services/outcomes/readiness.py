"""Employers' readiness ratings added up: per programme and skill for the institution, per skill for a region's
office (the institutions of the region) and the admin, so that a curriculum can change where hires were not ready.

Every figure is an aggregate of people, so the disclosure rules apply to everyone, the institution included: a
skill rated fewer than SUPPRESSION_THRESHOLD times shows neither mean nor distribution ("<5"); above it, each level's
count goes through services.outcomes.disclosure as a column adding up to the skill's total (a level under the
threshold reads "<5", and a second one is hidden when the first could be worked out); a mean that would say every
person got the same rating is hidden too.

Free-text lines (PIPA minimisation): a line is written by one employer about one named person, and the institution
knows who was hired where, so even without a name a line can be tied to its person. The institution is the only one
that needs the words to change a course; it sees a programme's lines only once the programme has at least the
threshold of answers, without name, employer or date, in alphabetical order (never the order they came in). The
programme office and regional operators need no words about individuals for their task: they see only how many lines
were written.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...config import Defaults
from ...models import (READINESS_LEVELS, Cohort, Enrollment, Institution, Programme, ReadinessAnswer,
                       ReadinessRating, Skill)
from .disclosure import HIDDEN, display, suppress_table

THRESHOLD = Defaults.SUPPRESSION_THRESHOLD


@dataclass(frozen=True)
class SkillReadiness:
    skill: Skill
    ratings: int | str              # how many rated it: the number, or "<5"
    mean: float | str | None        # None while suppressed; HIDDEN when it would tell every person's rating
    distribution: dict[int, object]  # level -> count, "<5" or HIDDEN; empty while suppressed

    @property
    def suppressed(self) -> bool:
        return not isinstance(self.ratings, int)


@dataclass
class Readiness:
    """One group's figures (a programme, or a region): its answers, each skill's figures, its free-text lines."""

    label: str
    answers: int | str
    skills: list[SkillReadiness] = field(default_factory=list)
    comment_count: int | str = 0
    comments: list[str] | None = None   # the institution's own programmes only, and only past the threshold


def for_institution(session: Session, institution: Institution, threshold: int = THRESHOLD) -> list[Readiness]:
    """The institution's programmes with answers, by name: per skill, and its lines of text (see the module)."""
    rows = _answers(session, Enrollment.institution_id == institution.id)
    names = dict(session.execute(select(Programme.id, Programme.name)
                                 .where(Programme.institution_id == institution.id)).all())
    by_programme = defaultdict(list)
    for answer, programme_id in rows:
        by_programme[programme_id].append(answer)
    groups = [_group(session, names[pid], answers, threshold, with_comments=True)
              for pid, answers in by_programme.items()]
    return sorted(groups, key=lambda group: group.label)


def for_region(session: Session, region_id: int, threshold: int = THRESHOLD) -> Readiness | None:
    """The region's institutions together, per skill; lines of text only counted. None when nobody answered.
    The caller has checked the actor is in charge of the region (services.accounts.operators)."""
    answers = [answer for answer, _ in _answers(session, Institution.region_id == region_id)]
    return _group(session, "", answers, threshold, with_comments=False) if answers else None


def skill_figures(counts: dict[int, int], skill: Skill, threshold: int = THRESHOLD) -> SkillReadiness:
    """One skill's mean and distribution from its count per level, suppressed as the module says."""
    total = sum(counts.values())
    if total < threshold:
        return SkillReadiness(skill, _small(total, threshold), None, {})
    rows = [{"level": {"numerator": counts.get(level, 0), "denominator": total,
                       "rate": counts.get(level, 0) / total}} for level in READINESS_LEVELS]
    shown, _ = suppress_table(rows, {"level": {"numerator": total, "denominator": total, "rate": 1.0}},
                              keys=["level"], threshold=threshold)
    mean = round(sum(level * count for level, count in counts.items()) / total, 2)
    if max(counts.values()) == total:  # "all 6 were fully ready" tells each one's rating, as "none of 12" would
        mean = HIDDEN
    return SkillReadiness(skill, total, mean,
                          {level: display(row["level"], "numerator", threshold)
                           for level, row in zip(READINESS_LEVELS, shown)})


def _answers(session: Session, where) -> list[tuple[ReadinessAnswer, int]]:
    query = (select(ReadinessAnswer, Cohort.programme_id)
             .join(Enrollment, ReadinessAnswer.enrollment_id == Enrollment.id)
             .join(Cohort, Enrollment.cohort_id == Cohort.id)
             .join(Institution, Enrollment.institution_id == Institution.id).where(where))
    return [(answer, programme_id) for answer, programme_id in session.execute(query)]


def _group(session: Session, label: str, answers: list[ReadinessAnswer], threshold: int, *,
           with_comments: bool) -> Readiness:
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    ids = [answer.id for answer in answers]
    for skill_id, rating in session.execute(select(ReadinessRating.skill_id, ReadinessRating.rating)
                                            .where(ReadinessRating.answer_id.in_(ids))):
        counts[skill_id][rating] += 1
    skills = {skill.id: skill for skill in session.scalars(select(Skill).where(Skill.id.in_(list(counts))))}
    figures = sorted((skill_figures(dict(levels), skills[skill_id], threshold) for skill_id, levels in counts.items()),
                     key=lambda figure: (figure.suppressed, figure.skill.name_en))
    lines = sorted(answer.comment for answer in answers if answer.comment)
    shown = len(answers) >= threshold
    return Readiness(label, len(answers) if shown else _small(len(answers), threshold), figures,
                     len(lines) if with_comments and shown else _small(len(lines), threshold),
                     lines if with_comments and shown else None)


def _small(count: int, threshold: int) -> int | str:
    return count if count >= threshold else f"<{threshold}"

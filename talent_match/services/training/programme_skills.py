"""What the readiness question asks about a hire: the skills its posting required, else those its programme teaches.

The institution keeps its programmes' skills here (labels in Korean or English, resolved through the taxonomy).
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Application, Placement, Programme, ProgrammeSkill, Skill
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from ..reference.taxonomy import skill_entries
from .records import owned

MAX_SKILLS = 12     # a short form: more would not be answered


def skills_for(session: Session, placement: Placement) -> list[Skill]:
    """The skills to rate for this hire, in the posting's or the programme's order (taxonomy skills only: a free
    label cannot be added up across employers)."""
    if placement.application_id is not None:
        application = session.get(Application, placement.application_id)
        if application is not None:
            skills = [s.skill for s in application.posting.required_skills if s.skill is not None]
            if skills:
                return _distinct(skills)[:MAX_SKILLS]
    if placement.enrollment is None:
        return []
    return programme_skills(session, placement.enrollment.cohort.programme_id)


def programme_skills(session: Session, programme_id: int) -> list[Skill]:
    return list(session.scalars(select(Skill).join(ProgrammeSkill, ProgrammeSkill.skill_id == Skill.id)
                                .where(ProgrammeSkill.programme_id == programme_id).order_by(ProgrammeSkill.id)))


def skills_by_programme(session: Session, institution) -> dict[int, list[Skill]]:
    """Each of the institution's programmes' skills (the dashboard lists them), in one query."""
    found: dict[int, list[Skill]] = {}
    for programme_id, skill in session.execute(
            select(ProgrammeSkill.programme_id, Skill).join(Skill, ProgrammeSkill.skill_id == Skill.id)
            .join(Programme, ProgrammeSkill.programme_id == Programme.id)
            .where(Programme.institution_id == institution.id).order_by(ProgrammeSkill.id)):
        found.setdefault(programme_id, []).append(skill)
    return found


def set_programme_skills(session: Session, institution, programme_id: int, labels) -> list[Skill]:
    """Replace the skills of the institution's programme (another's is NotFound) with `labels` (a list, or text
    separated by commas or semicolons); a label the taxonomy does not know is refused by name, and nothing
    changes."""
    programme = owned(session, Programme, institution, programme_id)
    if isinstance(labels, str):
        labels = re.split(r"[,;，、]", labels)
    for label in labels:
        v.clean_text(label, "skills", max_length=120)
    entries = skill_entries(session, [label for label in labels if str(label or "").strip()])
    unknown = [label for label, skill_id in entries if skill_id is None]
    if unknown:
        raise ValidationFailed({"skills": [msg("are not in the skill list: {labels}", labels=", ".join(unknown))]})
    if len(entries) > MAX_SKILLS:
        raise ValidationFailed({"skills": [msg("at most {limit} skills", limit=MAX_SKILLS)]})
    for row in session.scalars(select(ProgrammeSkill).where(ProgrammeSkill.programme_id == programme.id)):
        session.delete(row)
    session.flush()
    for _, skill_id in entries:
        session.add(ProgrammeSkill(programme_id=programme.id, skill_id=skill_id))
    session.flush()
    return programme_skills(session, programme.id)


def _distinct(skills: list[Skill]) -> list[Skill]:
    seen: dict[int, Skill] = {}
    for skill in skills:
        seen.setdefault(skill.id, skill)
    return list(seen.values())

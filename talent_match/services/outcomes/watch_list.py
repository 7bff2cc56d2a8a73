"""The skills a region's office watches: the region's skill gap shows them beside the skills postings ask for most,
even while few postings name them (services.outcomes.regional_stats.skill_gap)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...models import AuditEvent, Region, Skill, User, WatchedSkill
from .. import validation as v
from ..accounts import operators
from ..errors import ValidationFailed
from ..messages import msg
from ..reference.taxonomy import Taxonomy

MAX_WATCHED = 20  # a chart of more bars than this is read by nobody


def watched(session: Session, region: Region) -> list[Skill]:
    rows = session.scalars(select(WatchedSkill).where(WatchedSkill.region_id == region.id)
                           .options(selectinload(WatchedSkill.skill)).order_by(WatchedSkill.id))
    return [row.skill for row in rows]


def follow(session: Session, actor: User, region_handle, label) -> Skill:
    """Watch a skill (any of its names) in a region the actor acts for; watching it again changes nothing."""
    region = operators.region_in_charge(session, actor, region_handle)
    label = v.clean_text(label, "skill", max_length=120, required=True)
    found = Taxonomy.from_session(session).resolve(label)
    if found is None:
        raise ValidationFailed({"skill": [msg("is not a skill of the taxonomy; type a skill's name, e.g. PyTorch")]})
    skill = session.scalar(select(Skill).where(Skill.slug == found.slug))
    following = watched(session, region)
    if skill in following:
        return skill
    if len(following) >= MAX_WATCHED:
        raise ValidationFailed({"skill": [msg("at most {limit} skills can be watched; stop watching one first",
                                              limit=MAX_WATCHED)]})
    session.add(WatchedSkill(region_id=region.id, skill_id=skill.id))
    _audit(session, actor, region, "skill_watched", skill)
    return skill


def unfollow(session: Session, actor: User, region_handle, slug) -> None:
    """Stop watching a skill in a region the actor acts for (one not watched: nothing changes)."""
    region = operators.region_in_charge(session, actor, region_handle)
    row = session.scalar(select(WatchedSkill).join(Skill).where(WatchedSkill.region_id == region.id,
                                                                Skill.slug == (slug or "")))
    if row is not None:
        skill = row.skill
        session.delete(row)
        _audit(session, actor, region, "skill_unwatched", skill)


def _audit(session: Session, actor: User, region: Region, action: str, skill: Skill) -> None:
    session.add(AuditEvent(actor_id=actor.id, actor_role=actor.role, action=action, object_type="region",
                           object_id=str(region.id), details={"skill": skill.slug}))
    session.flush()

"""The employer's answer to the readiness question (asked by services.training.outreach 90 days after a hire): how
ready the person was on each skill, 1 (not ready) to 4 (fully ready), and one optional line of text.

The link is the same kind as a follow-up's and is checked the same way (services.training.answers.open_request):
once, until it expires, refused unchanged when forged. The answer is kept with its source and date; nothing else
about the employer is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from ...models import READINESS_LEVELS, AuditEvent, FollowUpRequest, ReadinessAnswer, ReadinessRating, Skill
from ...models.base import utcnow
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from ..outcomes.ledger import first_placement
from .answers import LinkRefused, open_request
from .outreach import READINESS, Links
from .programme_skills import skills_for

COMMENT_LENGTH = 200


@dataclass(frozen=True)
class ReadinessQuestion:
    """All the answer page shows (PIPA: the least that lets the employer answer): whom it is about, the employer,
    and the skills to rate."""

    name: str
    employer: str
    skills: list[Skill]


def field_of(skill: Skill) -> str:
    """The form field of one skill's rating."""
    return f"skill_{skill.id}"


def question(session: Session, request: FollowUpRequest) -> ReadinessQuestion:
    job = _job(request)
    return ReadinessQuestion(request.enrollment.name or request.enrollment.trainee_ref, job.employer_name,
                             skills_for(session, job))


def answer(session: Session, links: Links, token: str, data: dict, *, now: datetime | None = None,
           today: date | None = None) -> ReadinessAnswer:
    """Record the ratings the page posted (`skill_<id>`: 1 to 4 for every skill asked) and the optional `comment`;
    the caller commits. ValidationFailed names each field missing or wrong, and nothing is written."""
    now = now or utcnow()
    request = open_request(session, links, token, now)
    if request.audience != READINESS:
        raise LinkRefused("invalid")
    job = _job(request)
    skills = skills_for(session, job)
    errors = v.ErrorCollector()
    ratings = {skill.id: errors.check(_clean_rating, data.get(field_of(skill)), field_of(skill)) for skill in skills}
    comment = errors.check(v.clean_text, data.get("comment"), "comment", max_length=COMMENT_LENGTH)
    errors.raise_if_any()
    if not skills:
        raise ValidationFailed({"skills": [msg("there is no skill to rate for this hire")]})
    claimed = session.execute(update(FollowUpRequest).where(FollowUpRequest.id == request.id,
                                                            FollowUpRequest.answered_at.is_(None))
                              .values(answered_at=now, answer="rated"))
    if claimed.rowcount != 1:  # the same link, posted twice at once: the first one counts
        raise LinkRefused("used")
    answered = ReadinessAnswer(request_id=request.id, enrollment_id=request.enrollment_id, placement_id=job.id,
                               answered_on=today or now.date(), source="employer", comment=comment or None,
                               ratings=[ReadinessRating(skill_id=skill_id, rating=rating)
                                        for skill_id, rating in ratings.items()])
    session.add(answered)
    session.add(AuditEvent(actor_id=None, actor_role="employer", action="readiness_answered",
                           object_type="enrollment", object_id=str(request.enrollment_id),
                           details={"request_id": request.id, "skills": len(ratings),
                                    "comment": comment is not None and comment != ""}))
    session.flush()
    return answered


def _job(request: FollowUpRequest):
    return request.placement or first_placement(request.enrollment.placements)


def _clean_rating(value, field: str) -> int:
    rating = v.clean_int(value, field, required=True)
    if rating not in READINESS_LEVELS:
        raise ValidationFailed({field: [msg("must be one of {levels}", levels="1, 2, 3, 4")]})
    return rating

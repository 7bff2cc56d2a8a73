"""Answers to an emailed follow-up question: the link is checked, the answer recorded with its source, once.

A link works once and until it expires; a link whose signature does not match is refused the same way as one that
names no request, and none of the three changes anything. The answer becomes the checkpoint's follow-up with
evidence "employer" or "trainee" and today's date. "Don't know" never overwrites a known answer.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...models import FOLLOW_UP_AUDIENCES, AuditEvent, FollowUp, FollowUpRequest
from ...models.base import as_utc, utcnow
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from ..outcomes.ledger import add_months, first_placement
from ..reference.regions import region_by_handle
from .followups import after_leaving
from .outreach import Links

EMPLOYER_ANSWERS = ("employed", "left", "unknown")
TRAINEE_ANSWERS = ("same_employer", "other_employer", "not_employed", "studying", "military_service")
_TRAINEE_STATUS = {"same_employer": "employed_same_employer", "other_employer": "employed_other_employer",
                   "not_employed": "not_employed", "studying": "in_education", "military_service": "military_service"}


class LinkRefused(Exception):
    """Why a link cannot be used: "invalid" (not ours, or altered), "used" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def open_request(session: Session, links: Links, token: str, now: datetime | None = None) -> FollowUpRequest:
    """The request a link stands for, if it may still be answered; LinkRefused otherwise."""
    read = links.read(token or "")
    request = session.get(FollowUpRequest, read[0]) if read else None
    if request is None or not secrets.compare_digest(request.nonce, read[1]):
        raise LinkRefused("invalid")
    if request.answered_at is not None:
        raise LinkRefused("used")
    if as_utc(request.expires_at) <= (now or utcnow()):
        raise LinkRefused("expired")
    return request


@dataclass(frozen=True)
class Question:
    """What the answer page shows, and all it shows to whoever holds the link (PIPA: the least that lets them
    answer): whom it is about, the employer, and the checkpoint."""

    audience: str
    name: str
    employer: str
    checkpoint_month: int


def question(request: FollowUpRequest) -> Question:
    job = request.placement or first_placement(request.enrollment.placements)
    return Question(request.audience, request.enrollment.name or request.enrollment.trainee_ref, job.employer_name,
                    request.checkpoint_month)


def checkpoint_due_on(request: FollowUpRequest) -> date:
    """When the checkpoint fell due: its months after the trainee's first placement started."""
    return add_months(first_placement(request.enrollment.placements).start_date, request.checkpoint_month)


def answer(session: Session, links: Links, token: str, data: dict, *, now: datetime | None = None,
           today: date | None = None) -> FollowUp:
    """Record the answer the page posted (`answer`, with `left_on` or `region` where it needs one); the caller
    commits. ValidationFailed names the field when the answer is incomplete, and nothing is written."""
    now = now or utcnow()
    today = today or now.date()
    request = open_request(session, links, token, now)
    if request.audience not in FOLLOW_UP_AUDIENCES:  # the readiness question is answered by services.training.readiness
        raise LinkRefused("invalid")
    job = request.placement or first_placement(request.enrollment.placements)
    status, region_id = (_employer_status if request.audience == "employer" else _trainee_status)(
        session, request, job, data, today)
    claimed = session.execute(update(FollowUpRequest).where(FollowUpRequest.id == request.id,
                                                            FollowUpRequest.answered_at.is_(None))
                              .values(answered_at=now, answer=data.get("answer")))
    if claimed.rowcount != 1:  # the same link, posted twice at once: the first one counts
        raise LinkRefused("used")
    follow_up = session.scalar(select(FollowUp).where(FollowUp.enrollment_id == request.enrollment_id,
                                                      FollowUp.checkpoint_month == request.checkpoint_month))
    if follow_up is None:
        follow_up = FollowUp(enrollment_id=request.enrollment_id, checkpoint_month=request.checkpoint_month)
        session.add(follow_up)
    if status != "unknown" or follow_up.status in (None, "unknown"):
        follow_up.status, follow_up.region_id = status, region_id
        follow_up.checked_on, follow_up.evidence = today, request.audience
    session.add(AuditEvent(actor_id=None, actor_role=request.audience, action="follow_up_answered",
                           object_type="enrollment", object_id=str(request.enrollment_id),
                           details={"checkpoint_month": request.checkpoint_month, "audience": request.audience,
                                    "answer": data.get("answer"), "request_id": request.id}))
    session.flush()
    return follow_up


def _employer_status(session, request, job, data, today) -> tuple[str, int | None]:
    choice = v.clean_choice(data.get("answer"), "answer", EMPLOYER_ANSWERS)
    if choice == "employed":
        return "employed_same_employer", job.region_id
    if choice == "unknown":
        return "unknown", None
    left_on = v.clean_date(data.get("left_on"), "left_on", required=True)
    if left_on < job.start_date or left_on > today:
        raise ValidationFailed({"left_on": [msg("must be between the start of the job ({start}) and today",
                                                start=job.start_date.isoformat())]})
    return after_leaving(job, True, checkpoint_due_on(request), left_on)  # the job asked about is the first


def _trainee_status(session, request, job, data, today) -> tuple[str, int | None]:
    choice = v.clean_choice(data.get("answer"), "answer", TRAINEE_ANSWERS)
    if choice == "same_employer":
        return _TRAINEE_STATUS[choice], job.region_id
    if choice == "other_employer":
        region = region_by_handle(session, data.get("region") or "", "region")
        return _TRAINEE_STATUS[choice], region.id
    return _TRAINEE_STATUS[choice], None


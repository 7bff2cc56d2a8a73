"""Browsing postings without a profile (the API's posting list): what anyone may see, newest first.

Anyone sees open postings (postings.open_filter: open and not past the deadline); an employer also sees their own
company's postings in every status. Ranking for a seeker is services.matching's job, not this.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session, selectinload

from ...models import POSTING_STATUSES, Posting, PostingSkill, User
from .. import validation as v
from ..reference.regions import region_by_handle
from ..reference.taxonomy import Taxonomy
from .postings import open_filter, today_in_korea


@dataclass
class PostingPage:
    items: list[Posting]
    total: int


def browse(session: Session, viewer: User | None, *, region: str | None = None, skill: str | None = None,
           status: str | None = None, page: int = 1, per_page: int = 20,
           today: date | None = None) -> PostingPage:
    """One page of the postings `viewer` (None: anonymous) may see, filtered by region, skill and status.

    `status` is the effective status (an open posting past its deadline counts as closed); only an employer's own
    postings can be in any status but open.
    """
    today = today or today_in_korea()
    visible = open_filter(today)
    if viewer is not None and viewer.role == "employer" and viewer.company_id is not None:
        visible = visible | (Posting.company_id == viewer.company_id)
    query = select(Posting).where(visible)
    if region is not None:
        query = query.where(Posting.region_id == region_by_handle(session, region).id)
    if status is not None:
        query = query.where(_effective_status_is(v.clean_choice(status, "status", POSTING_STATUSES), today))
    if skill is not None:
        query = query.where(_asks_for(session, skill))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(query.options(selectinload(Posting.skills), selectinload(Posting.company),
                                          selectinload(Posting.region))
                            .order_by(Posting.created_at.desc(), Posting.id.desc())
                            .offset((page - 1) * per_page).limit(per_page))
    return PostingPage(list(items), total)


def _effective_status_is(status: str, today: date):
    if status == "open":
        return open_filter(today)
    expired = (Posting.status == "open") & Posting.deadline.is_not(None) & (Posting.deadline < today)
    if status == "closed":
        return (Posting.status == "closed") | expired
    return Posting.status == status


def _asks_for(session: Session, label: str):
    """Postings that list the skill (required or preferred): by taxonomy skill when known, else by label."""
    skill = Taxonomy.from_session(session).resolve(label)
    if skill is not None and skill.id is not None:
        match = PostingSkill.skill_id == skill.id
    elif label.strip():
        match = func.lower(PostingSkill.label) == label.strip().lower()
    else:
        return false()
    return Posting.id.in_(select(PostingSkill.posting_id).where(match))

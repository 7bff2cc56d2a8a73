"""Employers' record of keeping the people they hired through the platform, shown where seekers decide.

A hire is a placement at the company: a hire through the platform's applications, or a job an institution
recorded and linked to the company. It counts once 12 months have passed since it started (a later one cannot
have been kept a year yet); it was kept when the 12-month follow-up of the trainee says employed at the same
employer, and the placement is the trainee's first (the job the follow-ups ask about). A platform hire of someone
who is no institution's trainee has no follow-up, so it counts as a hire and never as kept: the record understates
rather than overstates. Counts below the suppression threshold are hidden, as everywhere outside the institution.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from ...config import Defaults
from ...models import Company, FollowUp, Placement, SeekerProfile

CHECKPOINT = 12
THRESHOLD = Defaults.SUPPRESSION_THRESHOLD


@dataclass
class TrackRecord:
    """One employer's record: `hired` (12 months ago or earlier) and `kept` (still there after 12 months), None
    when hidden; `since` the year of the earliest counted hire; `suppressed` names the hidden counts (all below the
    threshold: nothing here is hidden to protect another count). `share` (kept / hired) is for ranking only, and
    only where the hires are shown: a "<5" kept still ranks by its exact share, as the page's bound says little."""

    company_id: int
    hired: int | None
    kept: int | None
    since: int | None
    suppressed: list[str] = field(default_factory=list)
    share: float | None = None

    @property
    def shown(self) -> bool:
        return self.hired is not None


def year_before(today: date) -> date:
    """The same day a year earlier (28 February for 29 February): hires on or before it count."""
    return date(today.year - 1, today.month, min(today.day, calendar.monthrange(today.year - 1, today.month)[1]))


def records(session: Session, company_ids, today: date, threshold: int = THRESHOLD) -> dict[int, TrackRecord]:
    """The record of each of these companies, in one grouped query (a page asks once for all its postings)."""
    company_ids = sorted({i for i in company_ids if i is not None})
    if not company_ids:
        return {}
    earlier = aliased(Placement)
    first_start = (select(func.min(earlier.start_date)).where(earlier.enrollment_id == Placement.enrollment_id)
                   .correlate(Placement).scalar_subquery())
    kept = case((and_(FollowUp.status == "employed_same_employer", Placement.start_date == first_start), 1), else_=0)
    rows = session.execute(
        select(Placement.company_id, func.count(Placement.id), func.coalesce(func.sum(kept), 0),
               func.min(Placement.start_date))
        .outerjoin(FollowUp, and_(FollowUp.enrollment_id == Placement.enrollment_id,
                                  FollowUp.checkpoint_month == CHECKPOINT, FollowUp.checked_on <= today))
        .where(Placement.company_id.in_(company_ids), Placement.start_date <= year_before(today))
        .group_by(Placement.company_id))
    found = {company_id: _record(company_id, hired, int(kept_count), first.year, threshold)
             for company_id, hired, kept_count, first in rows}
    return {i: found.get(i) or _record(i, 0, 0, None, threshold) for i in company_ids}


def _record(company_id: int, hired: int, kept: int, since: int | None, threshold: int) -> TrackRecord:
    small = [name for name, value in (("hired", hired), ("kept", kept)) if value < threshold]
    if "hired" in small:
        return TrackRecord(company_id, None, None, None, small)
    return TrackRecord(company_id, hired, None if "kept" in small else kept, since, small, kept / hired)


def regional_reason(company: Company, profile: SeekerProfile | None) -> dict:
    """Why the employer's region matters to this seeker: {"kind": "home" | "accepted" | "elsewhere", "region"}."""
    if profile is not None and company.region_id == profile.home_region_id:
        kind = "home"
    elif profile is not None and company.region_id in profile.region_ids():
        kind = "accepted"
    else:
        kind = "elsewhere"
    return {"kind": kind, "region": company.region}

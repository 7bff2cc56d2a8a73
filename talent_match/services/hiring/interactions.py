"""The interaction log: which results a matching list showed whom, at which rank, and what each led to.

A page of a score-sorted list writes one "shown" row per visible result in one bulk insert, in the request's
transaction; the rows of one page share an impression id. What follows (opened, applied, invited, hired, rated,
hidden) is written as a row that copies the impression, rank and score of the latest showing of that posting and
profile on that side, so services.matching.feedback reads each impression with its outcomes; an event about a
pair no list showed is not logged (there is no ranking to learn from). Other sorts (newest, salary) are not the
ranker's order and are not logged.

The rows are activity, like the audit trail (a GET may write them, figure caches ignore them) and personal data:
ids only, never in logs, deleted with either person's account (foreign keys cascade), in the viewer's data export,
and purged after INTERACTION_RETENTION_DAYS (`flask purge-inactive`).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ...models import INTERACTION_SIDES, MatchInteraction, User
from ...models.base import utcnow


def record_shown(session: Session, viewer: User, result, *, sort: str, profile_id: int | None = None,
                 posting_id: int | None = None) -> str | None:
    """Log the visible results of one page of a list (`result`: a matching MatchPage) as "shown": a seeker's
    matches pass their `profile_id`, an employer's candidates their `posting_id`. Returns the impression id, or
    None when nothing was logged (not sorted by score, no results, or a viewer who is neither side)."""
    side = viewer.role  # a seeker's matches, an employer's candidates
    if sort != "score" or not result.items or side not in INTERACTION_SIDES:
        return None
    impression, now = uuid.uuid4().hex, utcnow()
    first = (result.page - 1) * result.per_page
    rows = [{"impression": impression, "viewer_id": viewer.id, "side": side, "event": "shown",
             "profile_id": profile_id if side == "seeker" else match.entity.id,
             "posting_id": match.entity.id if side == "seeker" else posting_id,
             "rank": first + n + 1, "score": float(match.score), "rating": None, "created_at": now}
            for n, match in enumerate(result.items)]
    session.execute(insert(MatchInteraction), rows)
    return impression


def record(session: Session, event: str, side: str, profile_id: int, posting_id: int, *,
           viewer_id: int | None = None, rating: int | None = None) -> MatchInteraction | None:
    """Log what followed a showing: `event` about the pair, on the list of `side` (that viewer's list when
    `viewer_id` is given, else whoever on that side saw it last). None when no list showed the pair."""
    shown = session.scalars(select(MatchInteraction).where(
        MatchInteraction.event == "shown", MatchInteraction.side == side, MatchInteraction.profile_id == profile_id,
        MatchInteraction.posting_id == posting_id,
        *([MatchInteraction.viewer_id == viewer_id] if viewer_id is not None else []))
        .order_by(MatchInteraction.created_at.desc(), MatchInteraction.id.desc()).limit(1)).first()
    if shown is None:
        return None
    row = MatchInteraction(impression=shown.impression, viewer_id=shown.viewer_id, side=side, event=event,
                           profile_id=profile_id, posting_id=posting_id, rank=shown.rank, score=shown.score,
                           rating=rating)
    session.add(row)
    session.flush()
    return row


def record_hire(session: Session, profile_id: int, posting_id: int) -> None:
    """A hire is the outcome of both lists that showed the pair: the seeker's matches and the employer's
    candidates."""
    for side in ("seeker", "employer"):
        record(session, "hired", side, profile_id, posting_id)


def for_viewer(session: Session, user_id: int) -> list[MatchInteraction]:
    """Everything logged about what this person's lists showed them, oldest first (their data export)."""
    return list(session.scalars(select(MatchInteraction).where(MatchInteraction.viewer_id == user_id)
                                .order_by(MatchInteraction.created_at, MatchInteraction.id)))


def purge(session: Session, days: int, *, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the rows older than `days` days; returns how many. The caller commits."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    if dry_run:
        return session.scalar(select(func.count(MatchInteraction.id)).where(MatchInteraction.created_at < cutoff))
    result = session.execute(delete(MatchInteraction).where(MatchInteraction.created_at < cutoff),
                             execution_options={"synchronize_session": False})
    return result.rowcount or 0

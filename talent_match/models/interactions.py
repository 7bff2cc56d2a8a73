"""What the matching lists showed people, and what followed: the log the ranking learns from."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

INTERACTION_EVENTS = ("shown", "opened", "applied", "invited", "hired", "rated", "hidden")
INTERACTION_SIDES = ("seeker", "employer")  # whose list: a seeker's matches, or an employer's candidates


class MatchInteraction(db.Model):
    """One event about one result of one showing of a list (`impression`, shared by the rows of a page).

    Personal data (who saw whom): deleted with either person's account, exported to the viewer, kept
    INTERACTION_RETENTION_DAYS. Later events (opened, applied, ...) carry the impression, rank and score of the
    latest showing of that pair on that side, so one impression id gathers a showing and its outcomes."""

    __table_args__ = (Index("ix_match_interaction_pair", "posting_id", "profile_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    impression: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    viewer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    side: Mapped[str] = mapped_column(String(8), nullable=False)
    profile_id: Mapped[int] = mapped_column(ForeignKey("seeker_profile.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), nullable=False)
    event: Mapped[str] = mapped_column(String(8), nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)       # 1 = top of the list, across pages
    score: Mapped[float | None] = mapped_column(Float)
    rating: Mapped[int | None] = mapped_column(SmallInteger)           # 1-5, for "rated"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)

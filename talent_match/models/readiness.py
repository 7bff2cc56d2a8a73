"""What employers say about how ready trained people were: the skills each programme teaches, and the answers to
the readiness question asked 90 days after a hire (services.training.readiness)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamped

# 1 not ready, 2 needed much support, 3 needed some support, 4 fully ready.
READINESS_LEVELS = (1, 2, 3, 4)
READINESS_SOURCES = ("employer", "demo")


class ProgrammeSkill(db.Model):
    """A skill a programme teaches: what the readiness question asks about when the hire names no posting."""

    __table_args__ = (UniqueConstraint("programme_id", "skill_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), nullable=False)

    skill = relationship("Skill")


class ReadinessAnswer(Timestamped, db.Model):
    """One employer's answer about one hire: when, from whom, its ratings and its optional line of text.

    `request_id` is the emailed question it answers (one answer per question); the answer outlives a question
    that is tidied away."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up_request.id", ondelete="SET NULL"),
                                                   unique=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id", ondelete="SET NULL"))
    answered_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="employer")
    comment: Mapped[str | None] = mapped_column(String(200))

    enrollment = relationship("Enrollment")
    ratings = relationship("ReadinessRating", back_populates="answer", cascade="all, delete-orphan",
                           order_by="ReadinessRating.id")


class ReadinessRating(db.Model):
    __table_args__ = (UniqueConstraint("answer_id", "skill_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("readiness_answer.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), nullable=False, index=True)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)

    answer = relationship("ReadinessAnswer", back_populates="ratings")
    skill = relationship("Skill")

"""SMEs, their AI job postings, and what seekers say about the matches."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamped, utcnow

POSTING_STATUSES = ("draft", "open", "closed", "filled")
EMPLOYMENT_TYPES = ("full_time", "contract", "internship", "part_time")
COMPANY_SIZES = ("1-9", "10-49", "50-299", "300+")


class Company(Timestamped, db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    industry: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    size: Mapped[str] = mapped_column(String(10), nullable=False, default="10-49")
    verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    region = relationship("Region")
    users = relationship("User", back_populates="company")
    postings = relationship("Posting", back_populates="company")


class Posting(Timestamped, db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    min_experience: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    employment_type: Mapped[str] = mapped_column(String(20), nullable=False, default="full_time")
    work_mode: Mapped[str] = mapped_column(String(20), nullable=False, default="onsite")
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    city: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    openings: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft", index=True)
    # When it last became open (services.hiring.postings): seekers' digests list it as new from then. Null for
    # postings opened before revision 0008 or written directly as open, whose creation time stands in.
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    company = relationship("Company", back_populates="postings")
    region = relationship("Region")
    skills = relationship("PostingSkill", back_populates="posting", cascade="all, delete-orphan",
                          order_by="PostingSkill.id")

    @property
    def required_skills(self) -> list["PostingSkill"]:
        return [s for s in self.skills if s.required]

    @property
    def preferred_skills(self) -> list["PostingSkill"]:
        return [s for s in self.skills if not s.required]


class PostingSkill(db.Model):
    # Matching reads the skills of a few hundred candidates per page from this index alone (migration 0017).
    __table_args__ = (UniqueConstraint("posting_id", "label"),
                      Index("ix_posting_skill_owner_cover", "posting_id", "id", "label", "required", "skill_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), nullable=False)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id", ondelete="SET NULL"), index=True)
    label: Mapped[str] = mapped_column(String(120), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    posting = relationship("Posting", back_populates="skills")
    skill = relationship("Skill")


class HiddenPosting(db.Model):
    """A seeker's 'not interested': the posting leaves their matches."""

    profile_id: Mapped[int] = mapped_column(ForeignKey("seeker_profile.id", ondelete="CASCADE"), primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class MatchFeedback(db.Model):
    """A rating of one match, kept with the score it had, for evaluating the ranking."""

    __table_args__ = (UniqueConstraint("profile_id", "posting_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("seeker_profile.id", ondelete="CASCADE"), nullable=False)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), nullable=False, index=True)
    rating: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    score: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

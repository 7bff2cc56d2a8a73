"""The outcome ledger: placements and the follow-ups that tell whether people stayed."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamped

PLACEMENT_SOURCES = ("platform_hire", "institution", "trainee", "employer_confirmed")
# left_employer: the first employer says the person left before the checkpoint (other work unknown);
# in_education and military_service are answers too, and not employment.
FOLLOW_UP_STATUSES = ("employed_same_employer", "employed_other_employer", "left_employer", "not_employed",
                      "in_education", "military_service", "unknown")
# Who answered: the source every follow-up keeps. Employers and insurance records verify; the others report.
FOLLOW_UP_EVIDENCE = ("employer", "institution", "trainee", "insurance_record")
VERIFYING_EVIDENCE = ("employer", "insurance_record")
FOLLOW_UP_AUDIENCES = ("employer", "trainee")


class Placement(Timestamped, db.Model):
    """One job a person started. A trainee's job is identified by (trainee, employer name, start date): reported
    twice it is one placement, and the database refuses a second row even from imports racing each other."""

    __table_args__ = (UniqueConstraint("enrollment_id", "employer_name", "start_date",
                                       name="uq_placement_trainee_employer_start"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A platform hire of someone who is no institution's trainee has no enrollment.
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    seeker_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id", ondelete="SET NULL"),
                                                       unique=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    employer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    job_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    annual_wage_krw: Mapped[int | None] = mapped_column(Integer)
    employment_type: Mapped[str] = mapped_column(String(20), nullable=False, default="full_time")
    in_field: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="institution")
    # Whom the platform asks "still employed?" at each checkpoint (the institution's contact, or who hired).
    employer_email: Mapped[str | None] = mapped_column(String(254))

    enrollment = relationship("Enrollment", back_populates="placements")
    company = relationship("Company")
    region = relationship("Region")


class FollowUp(Timestamped, db.Model):
    """The status m months after the trainee's first placement started."""

    __table_args__ = (UniqueConstraint("enrollment_id", "checkpoint_month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    checkpoint_month: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(30), nullable=False)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    checked_on: Mapped[date] = mapped_column(Date, nullable=False)
    evidence: Mapped[str] = mapped_column(String(20), nullable=False)

    enrollment = relationship("Enrollment", back_populates="follow_ups")
    region = relationship("Region")


class FollowUpRequest(Timestamped, db.Model):
    """One checkpoint's question to the employer or the trainee, by email with a signed one-click link.

    The link carries this row's id and `nonce`; it works until `expires_at` and only once (`answered_at`).
    Reminders go out after REMINDER_DAYS until someone answers the checkpoint."""

    __table_args__ = (UniqueConstraint("enrollment_id", "checkpoint_month", "audience"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id", ondelete="SET NULL"))
    checkpoint_month: Mapped[int] = mapped_column(Integer, nullable=False)
    audience: Mapped[str] = mapped_column(String(10), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    nonce: Mapped[str] = mapped_column(String(64), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    reminders: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(String(30))

    enrollment = relationship("Enrollment")
    placement = relationship("Placement")


class PublicRelease(Timestamped, db.Model):
    """The public regional figures as published for one reporting date (services.outcomes.releases): frozen once
    written, so a later correction of the records never changes what the public saw, and every later release is
    checked against what was published."""

    __table_args__ = (UniqueConstraint("as_of", "threshold"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    threshold: Mapped[int] = mapped_column(Integer, nullable=False)
    body: Mapped[dict] = mapped_column(JSON, nullable=False)

"""Universities, bootcamps and technoparks: their programmes, cohorts and trainees."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db
from .base import Timestamped

INSTITUTION_KINDS = ("university", "bootcamp", "technopark", "other")
ENROLLMENT_STATUSES = ("enrolled", "completed", "withdrawn")
EXCLUSION_REASONS = ("further_study", "military_service", "health", "death", "emigration", "other")
# Who paid for a cohort's training (Cohort.funding_source).
FUNDING_SOURCES = ("national", "regional_government", "institution", "employer", "other")


class Institution(Timestamped, db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="bootcamp")

    region = relationship("Region")
    users = relationship("User", back_populates="institution")
    programmes = relationship("Programme", back_populates="institution")


class InstitutionRecord(Timestamped):
    """A record one institution keeps (programme, cohort, trainee): services reach it only through its owner."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)

    @declared_attr
    def institution_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("institution.id"), nullable=False, index=True)


class Programme(InstitutionRecord, db.Model):
    __table_args__ = (UniqueConstraint("institution_id", "name"),)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    field: Mapped[str] = mapped_column(String(120), nullable=False, default="AI")
    funding_programme: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    institution = relationship("Institution", back_populates="programmes")
    cohorts = relationship("Cohort", back_populates="programme")


class Cohort(InstitutionRecord, db.Model):
    __table_args__ = (UniqueConstraint("institution_id", "code"),)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(60), nullable=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    # What training the cohort cost (KRW, all sources) and who paid: the cost per retained local hire's numerator.
    budget_krw: Mapped[int | None] = mapped_column(BigInteger)
    funding_source: Mapped[str | None] = mapped_column(String(20))

    institution = relationship("Institution")
    programme = relationship("Programme", back_populates="cohorts")
    region = relationship("Region")
    enrollments = relationship("Enrollment", back_populates="cohort")


class Enrollment(InstitutionRecord, db.Model):
    """A trainee in a cohort. `trainee_ref` is the institution's own reference, unique within it."""

    __table_args__ = (UniqueConstraint("institution_id", "trainee_ref"),)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), nullable=False, index=True)
    trainee_ref: Mapped[str] = mapped_column(String(60), nullable=False)
    # Personal fields are blanked when the trainee deletes their account; the row stays as a pseudonym.
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="enrolled")
    completion_date: Mapped[date | None] = mapped_column(Date)
    excluded_reason: Mapped[str | None] = mapped_column(String(30))
    seeker_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    shares_outcomes: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The trainee agreed to be asked by email about their job at each checkpoint (needs `email`).
    contact_consent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    institution = relationship("Institution")
    cohort = relationship("Cohort", back_populates="enrollments")
    seeker = relationship("User")
    placements = relationship("Placement", back_populates="enrollment", order_by="Placement.start_date")
    follow_ups = relationship("FollowUp", back_populates="enrollment", order_by="FollowUp.checkpoint_month")

"""Job seekers' profiles: what they can do and where they are willing to work."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamped

SEEKER_KINDS = ("bootcamp_graduate", "university", "incumbent_worker")
WORK_MODES = ("onsite", "hybrid", "remote")

profile_accepted_region = Table(
    "profile_accepted_region",
    db.metadata,
    Column("profile_id", ForeignKey("seeker_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id"), primary_key=True, index=True),  # "who will work in region r"
)


class SeekerProfile(Timestamped, db.Model):
    __table_args__ = (Index("ix_seeker_profile_created_at", "created_at"),)  # who is new: digests, menu counts

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="bootcamp_graduate")
    home_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    headline: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    years_experience: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    education: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    certifications: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    desired_roles: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    desired_salary_min: Mapped[int | None] = mapped_column(Integer)
    desired_salary_max: Mapped[int | None] = mapped_column(Integer)
    work_mode: Mapped[str | None] = mapped_column(String(20))
    # Opt-in: employers see the profile only when this is on (and the consent to it is recorded).
    discoverable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    cv_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    user = relationship("User", back_populates="profile")
    home_region = relationship("Region", foreign_keys=[home_region_id])
    accepted_regions = relationship("Region", secondary=profile_accepted_region)
    skills = relationship("ProfileSkill", back_populates="profile", cascade="all, delete-orphan",
                          order_by="ProfileSkill.id")

    def region_ids(self) -> set[int]:
        """Every region this seeker will work in: home plus accepted."""
        return {self.home_region_id, *(r.id for r in self.accepted_regions)}


class ProfileSkill(db.Model):
    """A skill a seeker holds: a taxonomy skill when recognised, else the normalised free text."""

    # Matching reads the skills of a few hundred candidates per page from this index alone (migration 0017).
    __table_args__ = (UniqueConstraint("profile_id", "label"),
                      Index("ix_profile_skill_owner_cover", "profile_id", "id", "label", "skill_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("seeker_profile.id", ondelete="CASCADE"), nullable=False)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id", ondelete="SET NULL"), index=True)
    label: Mapped[str] = mapped_column(String(120), nullable=False)

    profile = relationship("SeekerProfile", back_populates="skills")
    skill = relationship("Skill")

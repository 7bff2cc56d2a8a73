"""The 17 first-level regions (시·도): the unit every match and metric is scoped by; the skills each region's
operator watches."""
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Region(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    name_ko: Mapped[str] = mapped_column(String(40), nullable=False)
    name_en: Mapped[str] = mapped_column(String(40), nullable=False)
    admin_code: Mapped[str] = mapped_column(String(4), nullable=False)
    iso_3166_2: Mapped[str] = mapped_column(String(8), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    mega_region: Mapped[str] = mapped_column(String(20), nullable=False)
    capital_area: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    specialised_industries: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    def name(self, locale: str = "ko") -> str:
        return self.name_en if locale == "en" else self.name_ko

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"


class WatchedSkill(db.Model):
    """A skill a region's office follows: its skill gap shows it whether or not postings ask for it much."""

    __table_args__ = (UniqueConstraint("region_id", "skill_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), nullable=False, index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), nullable=False)

    skill = relationship("Skill")

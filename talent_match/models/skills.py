"""The skill taxonomy: canonical skills and their Korean and English aliases."""
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Skill(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name_en: Mapped[str] = mapped_column(String(120), nullable=False)
    name_ko: Mapped[str] = mapped_column(String(120), nullable=False)
    category: Mapped[str] = mapped_column(String(60), nullable=False, default="")

    aliases = relationship("SkillAlias", back_populates="skill", cascade="all, delete-orphan")

    def name(self, locale: str = "ko") -> str:
        return self.name_en if locale == "en" else self.name_ko


class SkillAlias(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="CASCADE"), nullable=False, index=True)
    alias: Mapped[str] = mapped_column(String(120), nullable=False)
    # The normalised form (NFC, casefolded, single spaces): unique across the taxonomy.
    normalised: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    lang: Mapped[str] = mapped_column(String(5), nullable=False, default="en")

    skill = relationship("Skill", back_populates="aliases")

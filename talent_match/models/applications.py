"""Applications and invitations, and every status change they went through."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamped, utcnow

APPLICATION_STATUSES = ("invited", "applied", "reviewing", "interview", "offer", "hired", "rejected", "withdrawn")


class Application(Timestamped, db.Model):
    __table_args__ = (UniqueConstraint("posting_id", "profile_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), nullable=False, index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("seeker_profile.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    initiated_by: Mapped[str] = mapped_column(String(10), nullable=False)  # seeker | employer
    status: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    posting = relationship("Posting")
    profile = relationship("SeekerProfile")
    events = relationship("ApplicationEvent", back_populates="application", cascade="all, delete-orphan",
                          order_by="ApplicationEvent.id")


class ApplicationEvent(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), nullable=False,
                                                index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    application = relationship("Application", back_populates="events")

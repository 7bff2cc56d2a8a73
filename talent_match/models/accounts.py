"""People who sign in, their API tokens, consents and the audit trail of what they did."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import Timestamped, utcnow

ROLES = ("seeker", "employer", "institution", "operator", "admin")
MATCH_DIGESTS = ("off", "daily", "weekly")


def hash_password(password: str) -> str:
    """The one way passwords are stored: scrypt (about a quarter of a second each, on purpose)."""
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash: str, password: str) -> bool:
    """The one way passwords are checked, an account's or a stand-in's (services.accounts.users.authenticate)."""
    return check_password_hash(password_hash, password)


class User(UserMixin, Timestamped, db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    phone: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="ko")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    # Operators only: the one region they act for as the programme office does (services.accounts.operators).
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    # Bumped by a new password and by signing out, so every session and remember-me cookie made before ends.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Null until the person follows the link mailed to the address: unconfirmed seekers are not discoverable and
    # unconfirmed employers cannot post (accounts made by operators and the demo count as confirmed).
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # Optional mail (services.accounts.notifications): digests of new matches (MATCH_DIGESTS; seekers and
    # employers), the weekly list of follow-ups due (institutions).
    notify_matches: Mapped[str] = mapped_column(String(10), nullable=False, default="off", server_default="off")
    notify_followups: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    # What is new for the person (services.digests) counts from here: the instant their last digest covered, or
    # when they marked their notifications seen. Null: nothing shown yet.
    notified_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    company = relationship("Company", back_populates="users")
    institution = relationship("Institution", back_populates="users")
    region = relationship("Region")
    profile = relationship("SeekerProfile", back_populates="user", uselist=False)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")


class Consent(db.Model):
    """One consent decision: granted or withdrawn, for an item at a version. The latest row per item rules."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    item: Mapped[str] = mapped_column(String(40), nullable=False)
    version: Mapped[str] = mapped_column(String(20), nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)


class AuditEvent(db.Model):
    """Who did what to which object. Holds ids and kinds only, never personal data."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)

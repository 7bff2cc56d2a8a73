"""Creating accounts for each role, with the company or institution they belong to."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import ROLES, Company, Institution, SeekerProfile, User
from ...models.base import as_utc, utcnow
from ...models.training import INSTITUTION_KINDS
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from ..reference.regions import region_by_handle


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def register(session: Session, *, role: str, email: str, password: str, name: str = "", region: str | None = None,
             company: str | None = None, institution: str | None = None, institution_name: str | None = None,
             institution_kind: str = "bootcamp", join_existing: bool = False, email_verified: bool = False) -> User:
    """Create a user of one role. Employers found a company, institution users an institution.

    Joining an existing company or institution gives access to its candidates and trainees, so only operators
    may do it (`join_existing=True`, the create-user command); self-registration with a taken name is refused.
    The address is unconfirmed unless `email_verified` (operators vouch for the accounts they make); the person
    confirms it through services.accounts.addresses. Adds to the session without committing.
    """
    role = v.clean_choice(role, "role", ROLES)
    email = v.clean_email(email)
    password = v.clean_password(password)
    name = v.clean_text(name, "name", max_length=100, required=not join_existing)  # operators may leave it blank
    if find_user(session, email) is not None:
        raise ValidationFailed({"email": [msg("is already registered")]})
    user = User(email=email, role=role, name=name, email_verified_at=utcnow() if email_verified else None)
    user.set_password(password)
    if role == "seeker":
        home = region_by_handle(session, region or "")
        user.profile = SeekerProfile(home_region=home)
    elif role == "employer":
        user.company = _company(session, company, region, join_existing)
    elif role == "institution":
        user.institution = _institution(session, institution, institution_name, region, institution_kind,
                                        join_existing)
    session.add(user)
    session.flush()
    return user


def _company(session: Session, name: str | None, region: str | None, join_existing: bool) -> Company:
    name = v.clean_text(name, "company", max_length=200, required=True)
    existing = session.scalar(select(Company).where(func.lower(Company.name) == name.lower()))  # "WebCo" = "webco"
    if existing is not None:
        if not join_existing:
            raise ValidationFailed({"company": [msg("is already registered; ask the programme office to add you "
                                                    "to it")]})
        return existing
    company = Company(name=name, region=region_by_handle(session, region or ""))
    session.add(company)
    return company


def _institution(session: Session, slug: str | None, name: str | None, region: str | None, kind: str,
                 join_existing: bool) -> Institution:
    slug = v.clean_text(slug, "institution", max_length=60, required=True).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,59}", slug):
        raise ValidationFailed({"institution": [msg("must be a slug: lowercase letters, digits and hyphens")]})
    existing = session.scalar(select(Institution).where(Institution.slug == slug))
    if existing is not None:
        if not join_existing:
            raise ValidationFailed({"institution": [msg("is already registered; ask the programme office to add "
                                                        "you to it")]})
        return existing
    institution = Institution(
        slug=slug,
        name=v.clean_text(name, "institution_name", max_length=200) or slug,
        region=region_by_handle(session, region or ""),
        kind=v.clean_choice(kind, "institution_kind", INSTITUTION_KINDS),
    )
    session.add(institution)
    return institution


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise ValidationFailed({"current_password": [msg("is not correct")]})
    user.set_password(v.clean_password(new, "new_password"))


def touch_last_seen(session: Session, user: User, *, now: datetime | None = None) -> bool:
    """Record that the person used the service, at most once a day (one UPDATE a day, not one a request).
    Returns True when it wrote; the caller commits."""
    now = now or utcnow()
    seen = as_utc(user.last_seen_at)
    if seen is not None and now - seen < timedelta(days=1):
        return False
    user.last_seen_at = now
    return True

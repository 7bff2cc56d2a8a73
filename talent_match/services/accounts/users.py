"""Creating accounts for each role, with the company or institution they belong to; signing in and out; passwords.

Nothing here tells a stranger whether an address has an account: a wrong password costs one scrypt check whether
or not the address is known, and registering a taken address does the work a free one does before it is refused.
"""
from __future__ import annotations

import functools
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import ROLES, Company, Institution, SeekerProfile, User
from ...models.accounts import hash_password, password_matches
from ...models.base import as_utc, utcnow
from ...models.training import INSTITUTION_KINDS
from .. import validation as v
from ..errors import ValidationFailed
from ..messages import msg
from ..reference.regions import region_by_handle
from . import api_tokens


class AddressTaken(ValidationFailed):
    """The address already has an account. Operators are told so (create-user); self-registration answers as it
    does for a free address and mails the owner instead (web.auth), so nobody learns who has an account."""

    def __init__(self):
        super().__init__({"email": [msg("is already registered")]})


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> tuple[User | None, bool]:
    """(the account the address names or None, whether these credentials sign it in). An unknown address is checked
    against a stand-in hash, so both answers cost one scrypt: 114 ms against 8 ms told who has an account."""
    user = find_user(session, email)
    matches = password_matches(user.password_hash if user else _stand_in_hash(), password)
    return user, user is not None and matches and user.is_active


@functools.cache
def _stand_in_hash() -> str:
    """A hash of a random password made like every other (hash_password), once per process."""
    return hash_password(secrets.token_urlsafe(16))


def register(session: Session, *, role: str, email: str, password: str, name: str = "", region: str | None = None,
             company: str | None = None, institution: str | None = None, institution_name: str | None = None,
             institution_kind: str = "bootcamp", join_existing: bool = False, email_verified: bool = False) -> User:
    """Create a user of one role. Employers found a company, institution users an institution; operators act for
    `region` (services.accounts.operators).

    Joining an existing company or institution gives access to its candidates and trainees, so only operators
    may do it (`join_existing=True`, the create-user command); self-registration with a taken name is refused.
    The address is unconfirmed unless `email_verified` (operators vouch for the accounts they make); the person
    confirms it through services.accounts.addresses. A taken address is refused last (AddressTaken), after every
    other rule and the password's hashing, so it gets the same other errors and takes as long as a free one. Adds
    to the session without committing; the caller rolls back on an error.
    """
    role = v.clean_choice(role, "role", ROLES)
    email = v.clean_email(email)
    password = v.clean_password(password)
    name = v.clean_text(name, "name", max_length=100, required=not join_existing)  # operators may leave it blank
    taken = find_user(session, email) is not None
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
    elif role == "operator":
        user.region = region_by_handle(session, region or "")
    if taken:
        raise AddressTaken()
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
    slug = clean_institution_slug(slug, "institution")
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


def clean_institution_slug(value, field: str) -> str:
    """An institution's slug, its name in addresses and imports: lowercase letters, digits and hyphens."""
    slug = v.clean_text(value, field, max_length=60, required=True).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,59}", slug):
        raise ValidationFailed({field: [msg("must be a slug: lowercase letters, digits and hyphens")]})
    return slug


def change_password(session: Session, user: User, current: str, new: str) -> int:
    """A new password for the signed-in person, who proves the current one; see set_new_password."""
    if not user.check_password(current or ""):
        raise ValidationFailed({"current_password": [msg("is not correct")]})
    return set_new_password(session, user, new, "new_password")


def set_new_password(session: Session, user: User, password: str, field: str = "password") -> int:
    """The one way a password is replaced (changed, or reset from a mailed link). Every session and remember-me
    cookie made with the old one ends (set_password bumps session_version, which they carry), and so does every
    API token, since whoever knew the old password could have made one. Returns how many tokens were revoked, for
    the page to say; the caller commits."""
    user.set_password(v.clean_password(password, field))
    return api_tokens.revoke_all(session, user)


def sign_out_everywhere(user: User) -> None:
    """End every session and remember-me cookie of the account, this browser's and any copy of them: signing out
    does this, since a signed cookie copied before would otherwise still sign in. The caller commits."""
    user.session_version = (user.session_version or 0) + 1


def touch_last_seen(session: Session, user: User, *, now: datetime | None = None) -> bool:
    """Record that the person used the service, at most once a day (one UPDATE a day, not one a request).
    Returns True when it wrote; the caller commits."""
    now = now or utcnow()
    seen = as_utc(user.last_seen_at)
    if seen is not None and now - seen < timedelta(days=1):
        return False
    user.last_seen_at = now
    return True

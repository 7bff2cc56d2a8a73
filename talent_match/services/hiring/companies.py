"""Companies: the profile an SME's own users keep, and the verified mark only admins set."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import COMPANY_SIZES, AuditEvent, Company, User
from .. import validation as v
from ..errors import Forbidden, NotFound, ValidationFailed
from ..messages import msg
from ..reference.regions import region_by_handle


def company_of(session: Session, actor: User) -> Company:
    """The company an employer user belongs to; NotFound for anyone else."""
    if actor is None or actor.role != "employer" or actor.company_id is None:
        raise NotFound(msg("You do not belong to a company."))
    company = session.get(Company, actor.company_id)
    if company is None:
        raise NotFound(msg("You do not belong to a company."))
    return company


def update(session: Session, actor: User, data: dict) -> Company:
    """Change the company's name, region, industry or size (keys absent from `data` stay as they are); audited.

    `verified` is not read here: only `set_verified` sets it. A new name withdraws it, because what was verified
    is that the company is who its name says (a verified company renamed "Samsung Electronics" is not verified).
    """
    company = company_of(session, actor)
    before = {"name": company.name, "region": company.region.slug if company.region else None,
              "industry": company.industry, "size": company.size}
    errors = v.ErrorCollector()
    if "name" in data:
        name = errors.check(v.clean_text, data.get("name"), "name", max_length=200, required=True)
        if name and name != company.name and session.scalar(
                select(Company.id).where(func.lower(Company.name) == name.lower(), Company.id != company.id)):
            errors.add(ValidationFailed({"name": [msg("is already registered by another company")]}))
        elif name:
            company.name = name
    if "region" in data:
        region = errors.check(region_by_handle, session, data.get("region") or "", "region")
        if region is not None:
            company.region = region
    if "industry" in data:
        industry = errors.check(v.clean_text, data.get("industry"), "industry", max_length=120)
        if industry is not None:
            company.industry = industry
    if "size" in data:
        size = errors.check(v.clean_choice, data.get("size"), "size", COMPANY_SIZES)
        if size is not None:
            company.size = size
    errors.raise_if_any()
    after = {"name": company.name, "region": company.region.slug if company.region else None,
             "industry": company.industry, "size": company.size}
    changed = sorted(field for field in after if after[field] != before[field])
    if changed:
        withdrawn = "name" in changed and company.verified
        company.verified = company.verified and not withdrawn
        session.add(AuditEvent(actor_id=actor.id, actor_role=actor.role, action="company_updated",
                               object_type="company", object_id=str(company.id),
                               details={"changed": changed, "name": [before["name"], after["name"]],
                                        "verification_withdrawn": withdrawn}))
    session.flush()
    return company


def set_verified(session: Session, admin: User, company: Company, value: bool) -> Company:
    """Admins confirm (or withdraw) that a company is who it says it is; the change is audited."""
    if admin is None or admin.role != "admin":
        raise Forbidden(msg("Only administrators can verify companies."))
    company.verified = v.clean_bool(value, "verified")
    session.add(AuditEvent(actor_id=admin.id, actor_role=admin.role, action="company_verified",
                           object_type="company", object_id=str(company.id), details={"verified": company.verified}))
    session.flush()
    return company


# ---- listing for the programme office's verification page (added with the admin pages) ---------------------------

def list_for_review(session: Session, query: str = "", *, unverified_only: bool = False,
                    limit: int = 100) -> list[Company]:
    """Companies by name (containing `query`, case-insensitive), unverified first, at most `limit`."""
    scope = []
    if query and query.strip():
        scope.append(func.lower(Company.name).contains(query.strip().lower(), autoescape=True))
    if unverified_only:
        scope.append(Company.verified.is_(False))
    return list(session.scalars(select(Company).where(*scope).order_by(Company.verified, Company.name).limit(limit)))

"""Companies: the profile an SME's own users keep, and the verified mark the programme office sets (the admin, or
the operator of the company's region)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...models import COMPANY_SIZES, AuditEvent, Company, Region, User
from .. import validation as v
from ..accounts import operators
from ..errors import NotFound, ValidationFailed
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


def for_office(session: Session, actor: User, company_id) -> Company:
    """A company the actor may verify: any for the admin, their region's for an operator (another region's, like a
    company that does not exist, is NotFound); Forbidden for anyone else."""
    return operators.in_charge_of(actor, session.get(Company, company_id), msg("no company {id}", id=company_id))


def set_verified(session: Session, actor: User, company: Company, value: bool) -> Company:
    """The programme office confirms (or withdraws) that a company is who it says it is: the admin anywhere, an
    operator in their region (services.accounts.operators); the change is audited."""
    for_office(session, actor, company.id)
    company.verified = v.clean_bool(value, "verified")
    session.add(AuditEvent(actor_id=actor.id, actor_role=actor.role, action="company_verified",
                           object_type="company", object_id=str(company.id), details={"verified": company.verified}))
    session.flush()
    return company


@dataclass
class CompanyPage:
    items: list[Company]
    total: int


def list_for_review(session: Session, query: str = "", *, region: Region | None = None, unverified_only: bool = False,
                    page: int = 1, per_page: int = 100) -> CompanyPage:
    """Companies by name (containing `query`, case-insensitive), of one region or all, unverified first."""
    scope = []
    if query and query.strip():
        scope.append(func.lower(Company.name).contains(query.strip().lower(), autoescape=True))
    if region is not None:
        scope.append(Company.region_id == region.id)
    if unverified_only:
        scope.append(Company.verified.is_(False))
    total = session.scalar(select(func.count()).select_from(Company).where(*scope)) or 0
    items = session.scalars(select(Company).where(*scope).options(selectinload(Company.region))
                            .order_by(Company.verified, Company.name, Company.id)
                            .offset((page - 1) * per_page).limit(per_page))
    return CompanyPage(list(items), total)

"""Each region's list of training institutions, kept by its operator or the admin: add one, correct its name or
kind. Institutions also appear when their first user registers. Their records stay theirs (services.training.records):
the office sees only the public figures of them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...models import INSTITUTION_KINDS, AuditEvent, Cohort, Institution, Region, User
from .. import audit
from .. import validation as v
from ..accounts import operators
from ..accounts.users import clean_institution_slug
from ..errors import ValidationFailed
from ..messages import msg


@dataclass
class Listed:
    institution: Institution
    accounts: int   # its users' accounts
    cohorts: int


def listed(session: Session, region: Region | None) -> list[Listed]:
    """The region's institutions (every region's without one) by name, with how many accounts and cohorts each
    has: counts, nobody's details."""
    accounts = (select(func.count()).where(User.institution_id == Institution.id).correlate(Institution)
                .scalar_subquery())
    cohorts = (select(func.count()).where(Cohort.institution_id == Institution.id).correlate(Institution)
               .scalar_subquery())
    scope = [Institution.region_id == region.id] if region is not None else []
    rows = session.execute(select(Institution, accounts, cohorts).where(*scope)
                           .options(selectinload(Institution.region)).order_by(Institution.name, Institution.id))
    return [Listed(*row) for row in rows]


def add(session: Session, actor: User, data: dict) -> Institution:
    """A new institution of a region the actor acts for; audited."""
    region = operators.region_in_charge(session, actor, data.get("region"))
    errors = v.ErrorCollector()
    slug = errors.check(clean_institution_slug, data.get("slug"), "slug")
    values = _cleaned(errors, data)
    if slug and session.scalar(select(Institution.id).where(Institution.slug == slug)) is not None:
        errors.add(ValidationFailed({"slug": [msg("is already another institution's")]}))
    errors.raise_if_any()
    institution = Institution(slug=slug, region=region, **values)
    session.add(institution)
    session.flush()
    session.add(AuditEvent(actor_id=actor.id, actor_role=actor.role, action="institution_added",
                           object_type="institution", object_id=str(institution.id),
                           details={"region": region.slug, **values}))
    session.flush()
    return institution


def update(session: Session, actor: User, institution_id, data: dict) -> Institution:
    """Correct the name or kind of an institution of the actor's region (another region's is NotFound); audited."""
    institution = operators.in_charge_of(actor, session.get(Institution, institution_id),
                                         msg("no institution {id}", id=institution_id))
    errors = v.ErrorCollector()
    values = _cleaned(errors, data)
    errors.raise_if_any()
    before = {"name": institution.name, "kind": institution.kind}
    institution.name, institution.kind = values["name"], values["kind"]
    audit.record_change(session, actor, "institution_updated", "institution", institution.id, before, values)
    session.flush()
    return institution


def _cleaned(errors: v.ErrorCollector, data: dict) -> dict:
    return {"name": errors.check(v.clean_text, data.get("name"), "name", max_length=200, required=True),
            "kind": errors.check(v.clean_choice, data.get("kind"), "kind", INSTITUTION_KINDS)}

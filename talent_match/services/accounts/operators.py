"""Regional operators: each acts for one region as the programme office (the admin) acts for all of them.

`in_charge` is the one check. The admin acts in every region; an operator in theirs only, and another region's
objects are answered as missing (NotFound), so an operator learns nothing of them beyond the public pages. Anyone
else is Forbidden. The admin appoints operators and switches them off here.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...models import AuditEvent, Region, User
from .. import validation as v
from ..errors import Forbidden, NotFound
from ..messages import msg
from ..reference.regions import region_by_handle
from . import api_tokens
from .users import register, sign_out_everywhere

OFFICE = ("admin", "operator")


def jurisdiction(actor: User | None) -> int | None:
    """The id of the region the actor acts for; None for the admin, who acts for all. Forbidden for anyone else."""
    if actor is None or not actor.is_active or actor.role not in OFFICE or \
            (actor.role == "operator" and actor.region_id is None):
        raise Forbidden(msg("Only the programme office and regional operators can do this."))
    return actor.region_id if actor.role == "operator" else None


def in_charge(actor: User | None, region_id: int | None) -> bool:
    """Whether the actor may act on an object of this region (Forbidden outside the office)."""
    scope = jurisdiction(actor)
    return scope is None or scope == region_id


def in_charge_of(actor: User | None, found, missing: str):
    """`found` (an object with a region, or None) when the actor acts in its region; else NotFound with the
    `missing` message, so that another region's object reads exactly as one that does not exist."""
    ours = in_charge(actor, found.region_id if found is not None else None)  # Forbidden outside the office
    if found is None or not ours:
        raise NotFound(missing)
    return found


def region_in_charge(session: Session, actor: User | None, handle, field: str = "region") -> Region:
    """The region a slug or name stands for, when the actor acts there; NotFound for another region's operator."""
    jurisdiction(actor)  # outsiders are refused before the name is read
    region = region_by_handle(session, handle, field)
    if not in_charge(actor, region.id):
        raise NotFound(msg("You act for another region."))
    return region


def region_or_own(session: Session, actor: User | None, handle) -> Region | None:
    """The region asked for (see region_in_charge); without one, the operator's own region, or None (every region)
    for the admin."""
    if handle:
        return region_in_charge(session, actor, handle)
    scope = jurisdiction(actor)
    return None if scope is None else session.get(Region, scope)


# ---- the admin's list of operators ---------------------------------------------------------------------------

def operators(session: Session) -> list[User]:
    return list(session.scalars(select(User).join(Region, User.region_id == Region.id)
                                .where(User.role == "operator").options(selectinload(User.region))
                                .order_by(Region.admin_code, User.email)))


def appoint(session: Session, admin: User, *, email, password, name, region) -> User:
    """A new operator of a region, their address counted as confirmed (the admin vouches for it); audited."""
    _require_admin(admin)
    user = register(session, role="operator", email=email, password=password, name=name, region=region,
                    email_verified=True)
    session.add(AuditEvent(actor_id=admin.id, actor_role=admin.role, action="operator_appointed",
                           object_type="user", object_id=str(user.id), details={"region": user.region.slug}))
    session.flush()
    return user


def set_active(session: Session, admin: User, operator_id: int, active) -> User:
    """Switch an operator off (every session and API token ends with it) or on again; audited."""
    _require_admin(admin)
    user = session.get(User, operator_id)
    if user is None or user.role != "operator":
        raise NotFound(msg("no operator {id}", id=operator_id))
    user.active = v.clean_bool(active, "active")
    if not user.active:
        sign_out_everywhere(user)
        api_tokens.revoke_all(session, user)
    session.add(AuditEvent(actor_id=admin.id, actor_role=admin.role, action="operator_active", object_type="user",
                           object_id=str(user.id), details={"active": user.active}))
    session.flush()
    return user


def _require_admin(actor: User | None) -> None:
    if actor is None or actor.role != "admin":
        raise Forbidden(msg("Only administrators can manage operators."))

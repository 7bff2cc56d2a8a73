"""Deny by default: every endpoint declares who may enter, or nobody does.

A blueprint declares its audience once with `gate(bp, ...)`; a view may narrow or widen it with `@allow(...)`.
The app-wide check in `enforce` refuses any endpoint that declared nothing.
"""
from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, g, request
from flask_login import current_user

from ..models import ROLES
from ..security import log_security_event

PUBLIC = "public"            # anyone, signed in or not
SIGNED_IN = "signed_in"      # any role


def gate(blueprint: Blueprint, *audience: str) -> Blueprint:
    blueprint.audience = _check(audience)
    return blueprint


def allow(*audience: str):
    """Declare a view's own audience, overriding its blueprint's."""
    audience = _check(audience)

    def mark(view):
        view.audience = audience
        return view

    return mark


def _check(audience: tuple[str, ...]) -> frozenset[str]:
    unknown = set(audience) - {PUBLIC, SIGNED_IN, *ROLES}
    if unknown or not audience:
        raise ValueError(f"unknown audience {unknown or audience}")
    return frozenset(audience)


def audience_of(app: Flask, endpoint: str) -> frozenset[str] | None:
    """The declared audience of an endpoint, or None when it declared nothing (and so is refused)."""
    if endpoint == "static":
        return frozenset({PUBLIC})
    view = app.view_functions.get(endpoint)
    if view is not None and getattr(view, "audience", None):
        return view.audience
    blueprint_name = endpoint.rpartition(".")[0]
    while blueprint_name:
        blueprint = app.blueprints.get(blueprint_name)
        if blueprint is not None and getattr(blueprint, "audience", None):
            return blueprint.audience
        blueprint_name = blueprint_name.rpartition(".")[0]
    return None


def may_enter(audience: frozenset[str] | None, user) -> bool:
    if not audience:
        return False
    if PUBLIC in audience:
        return True
    if not user.is_authenticated:
        return False
    return SIGNED_IN in audience or user.role in audience


def enforce() -> None:
    """Runs before every request."""
    if request.endpoint is None:  # 404 / 405: let Flask answer
        return
    audience = audience_of(current_app, request.endpoint)
    if may_enter(audience, current_user):
        if audience and PUBLIC not in audience:
            g.personal_page = True
        return
    if not current_user.is_authenticated:
        log_security_event("refused_anonymous", endpoint=request.endpoint)
        abort(401)
    log_security_event("refused_role", endpoint=request.endpoint, user_id=current_user.id, role=current_user.role)
    abort(403)

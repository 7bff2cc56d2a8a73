"""Who is calling the API: a bearer token and nothing else.

The session cookie is never read here, so a page in another tab cannot act through the API (the API is exempt
from CSRF protection). A token acts with its user's role and ownership (security.py loads it); these hooks make a
missing, unknown or revoked token a 401 that names the Bearer scheme and says which it was, and key the rate limit
by user.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from ..errors import problem
from ..extensions import configured_limit
from ..models import User
from ..web.access import PUBLIC, audience_of

MISSING = "This endpoint needs an API token: send 'Authorization: Bearer <token>' (create one on your account page)."
MALFORMED = "The Authorization header is not a bearer token: send 'Authorization: Bearer <token>'."
INVALID = "The API token is not valid: it is unknown, revoked, or its account is disabled."


def caller() -> User | None:
    """The user the request's bearer token acts for, or None for an anonymous caller."""
    if current_user.is_authenticated and g.get("api_token_id"):  # loading the user sets api_token_id
        return current_user._get_current_object()
    return None


def refusal() -> str:
    """Why this request has no caller: no Authorization header, one that holds no bearer token, or a bad token."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return MISSING
    scheme, _, value = header.partition(" ")
    return INVALID if scheme.lower() == "bearer" and value.strip() else MALFORMED


def refuse_unless_bearer() -> None:
    """A presented token must be valid, even on public endpoints; other endpoints need one."""
    audience = audience_of(current_app, request.endpoint) if request.endpoint else None
    needed = request.headers.get("Authorization") or (audience and PUBLIC not in audience)
    if needed and caller() is None:
        raise Unauthorized(refusal())


def explain_refusal(exc: Unauthorized):
    """Every 401 of the API says why, also those of the app-wide gate (web.access), which runs before these hooks
    and knows nothing of tokens."""
    return problem(401, exc.name, refusal())


def announce_bearer_scheme(response):
    if response.status_code == 401:
        error = ', error="invalid_token"' if request.headers.get("Authorization") else ""
        response.headers["WWW-Authenticate"] = f'Bearer realm="api"{error}'
    return response


rate_limit = configured_limit("API_RATE_LIMIT")


def rate_limit_key() -> str:
    """Per user when a token is presented (all of a user's tokens share one budget), else per address."""
    user = caller()
    return f"user:{user.id}" if user is not None else f"addr:{get_remote_address()}"

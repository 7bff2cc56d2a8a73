"""The /api/v1 blueprint: bearer tokens in, JSON and RFC 9457 problems out.

Deny by default: the blueprint declares no audience, so every view carries its own `@allow(...)`. The resource
modules attach their views to `bp`; `talent_match.api.register_api` imports them and registers it. Once the caller
and ids are known, openapi.py holds each request's arguments to the document (conformance.py).
"""
from flask import Blueprint
from werkzeug.exceptions import Unauthorized

from ..extensions import csrf, limiter
from . import auth, payloads

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(auth.refuse_unless_bearer)
bp.before_request(payloads.refuse_ids_beyond_range)  # after the caller is known: 401/403 come first
bp.after_request(auth.announce_bearer_scheme)
bp.register_error_handler(Unauthorized, auth.explain_refusal)
limiter.limit(auth.rate_limit, key_func=auth.rate_limit_key)(bp)
csrf.exempt(bp)  # bearer tokens, not cookies, authenticate the API

# One module per resource, each documenting its own paths in PATHS (collected by openapi.document).
RESOURCES = ("regions", "skills", "profile", "postings", "matches", "applications", "institutions", "companies",
             "stats", "openapi")

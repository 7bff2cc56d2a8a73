"""The JSON API under /api/v1: bearer tokens in, JSON and RFC 9457 problems out, one module per resource.

Deny by default: the blueprint declares no audience, so every view carries its own `@allow(...)`.
"""
from importlib import import_module

from flask import Blueprint, Flask, current_app
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

RESOURCES = ("regions", "skills", "profile", "postings", "matches", "applications", "institutions", "stats",
             "openapi")


def search_engine():
    """The app's matching engine (embeddings and shards), handed to services as an argument."""
    return current_app.extensions.get("search_engine")


def register_api(app: Flask) -> None:
    app.url_map.converters["id"] = payloads.IdConverter  # before the routes that use it are added
    for name in RESOURCES:  # the routes attach to bp
        import_module(f"{__name__}.{name}")
    app.register_blueprint(bp)
    app.register_blueprint(import_module(f"{__name__}.openapi").docs_bp)

"""The JSON API under /api/v1: bearer tokens in, JSON and RFC 9457 problems out, one module per resource.

Deny by default: the blueprint declares no audience, so every view carries its own `@allow(...)`.
"""
from importlib import import_module

from flask import Blueprint, Flask, current_app

from ..extensions import csrf, limiter
from . import auth

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(auth.refuse_unless_bearer)
bp.after_request(auth.announce_bearer_scheme)
limiter.limit(auth.rate_limit, key_func=auth.rate_limit_key)(bp)
csrf.exempt(bp)  # bearer tokens, not cookies, authenticate the API

RESOURCES = ("regions", "skills", "profile", "postings", "matches", "applications", "institutions", "stats",
             "openapi")


def search_engine():
    """The app's matching engine (embeddings and shards), handed to services as an argument."""
    return current_app.extensions.get("search_engine")


def register_api(app: Flask) -> None:
    for name in RESOURCES:  # the routes attach to bp
        import_module(f"{__name__}.{name}")
    app.register_blueprint(bp)
    app.register_blueprint(import_module(f"{__name__}.openapi").docs_bp)

"""The JSON API under /api/v1: bearer tokens in, JSON and RFC 9457 problems out, one module per resource."""
from importlib import import_module

from flask import Flask

from . import payloads
from .blueprint import RESOURCES, bp


def register_api(app: Flask) -> None:
    app.url_map.converters["id"] = payloads.IdConverter  # before the routes that use it are added
    for name in RESOURCES:  # the routes attach to bp
        import_module(f"{__name__}.{name}")
    app.register_blueprint(bp)
    app.register_blueprint(import_module(f"{__name__}.openapi").docs_bp)

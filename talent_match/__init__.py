"""Regional AI Talent Match: the Flask application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, commands, error handlers. Nothing else."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("TALENT_MATCH_INSTANCE") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from . import config

    app.config.from_object(config.Defaults)
    if test_config is None or "SECRET_KEY" not in test_config or "SQLALCHEMY_DATABASE_URI" not in test_config:
        app.config.update(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config["SQLALCHEMY_DATABASE_URI"])

    from . import errors, extensions, i18n, security
    from .mailer import init_mail
    from .api import register_api
    from .cli import register_commands
    from .services import figure_cache
    from .services.search.engine import init_search_engine
    from .web import register_blueprints

    app.url_map.converters["int"] = extensions.DatabaseIdConverter
    extensions.db.init_app(app)
    figure_cache.configure(app.config["FIGURE_CACHE_SECONDS"])
    extensions.migrate.init_app(app, extensions.db, directory=str(ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    init_search_engine(app, extensions.db)
    init_mail(app, extensions.db)
    register_blueprints(app)
    register_api(app)
    errors.init_app(app)
    register_commands(app)
    return app


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_recycle": 1800}

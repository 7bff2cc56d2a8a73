"""Flask extensions, created unbound and bound in create_app()."""
import sqlite3
from collections.abc import Callable

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits import parse_many
from limits.storage import MemoryStorage
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def configured_limit(name: str) -> Callable[[], str]:
    """The rate limit config[name], read at each request. Where each process counts alone in memory (no Redis, or
    Redis unreachable), each allows its share, limit / WEB_PROCESSES (at least one a period), so that together
    they stay near the stated limit instead of allowing WEB_PROCESSES times it."""
    def limit() -> str:
        stated = current_app.config[name]
        processes = current_app.config["WEB_PROCESSES"]
        if processes <= 1 or not _counting_alone():
            return stated
        return "; ".join(f"{max(1, item.amount // processes)} per {item.multiples} {item.GRANULARITY.name}"
                         for item in parse_many(stated))
    return limit


def _counting_alone() -> bool:
    # Flask-Limiter has no public flag for its in-memory fallback: it sets _storage_dead when the storage fails
    # and clears it once the storage answers again (tests/test_account_discovery.py pins this).
    return isinstance(limiter.storage, MemoryStorage) or bool(getattr(limiter, "_storage_dead", False))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers run beside one writer; foreign keys are off in SQLite unless asked for."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: at most 2^31 - 1, the largest PostgreSQL integer, so a bigger number in a URL
    matches no route (404) instead of failing in the database (a 500 on PostgreSQL, an overflow on SQLite). ASCII
    digits only: "٦١" is not 61."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, max: int = 2**31 - 1, **kwargs):
        super().__init__(url_map, *args, max=max, **kwargs)

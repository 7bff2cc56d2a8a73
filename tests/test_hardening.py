"""Web hardening: security headers, no-store on personal pages, production settings, error pages that say nothing
about the inside, and a security log that holds ids, never personal data."""
from __future__ import annotations

import re
import uuid

import pytest

from talent_match import create_app
from talent_match.config import ConfigError

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401 - fixtures
from .conftest import PASSWORD, login

CSP_PARTS = ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'")


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert all(part in csp for part in CSP_PARTS), csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer", "same-origin")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Request-ID"]


@pytest.mark.parametrize("path", ["/", "/regions/", "/auth/login", "/healthz", "/api/v1/regions", "/no-such-page",
                                  "/api/v1/no-such-thing", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    _assert_security_headers(client.get(path))


PERSONAL = {"seeker": ["/seekers/", "/seekers/profile", "/seekers/applications", "/privacy/", "/account/",
                       "/privacy/my-data.json"],
            "employer": ["/employers/", "/employers/company", "/hires/follow-ups"],
            "institution": ["/institutions/", "/institutions/report", "/institutions/exports/trainees.csv"],
            "admin": ["/admin/audit"]}


@pytest.mark.parametrize("role", sorted(PERSONAL))
def test_personal_pages_are_never_cached(app, login_as, cheap_password_hashes, role):  # noqa: F811
    client, _ = login_as(role)
    for path in PERSONAL[role]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        _assert_security_headers(response)
    assert "no-store" not in client.get("/regions/").headers.get("Cache-Control", "")


def test_api_answers_are_never_cached(api):  # noqa: F811
    response = api("seeker").get("/api/v1/profile")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


# --- production ---------------------------------------------------------------------------------------------------

@pytest.fixture
def production_env(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("TALENT_MATCH_ENV", "production")
    monkeypatch.setenv("TALENT_MATCH_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "indexes"))
    return monkeypatch


@pytest.mark.parametrize("secret", [None, "", "dev", "change-me", "short-secret", "a" * 40, "secret" * 8])
def test_production_refuses_to_start_without_a_real_secret_key(production_env, tmp_path, secret):
    if secret is None:
        production_env.delenv("SECRET_KEY", raising=False)
    else:
        production_env.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    assert not (tmp_path / "instance" / "secret_key").exists()  # no key was made up on the fly


@pytest.mark.parametrize("spelling", ["Production", " PRODUCTION "])
def test_production_is_production_however_it_is_written(production_env, spelling):
    production_env.setenv("TALENT_MATCH_ENV", spelling)
    production_env.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_an_unknown_environment_name_refuses_to_start(production_env):
    production_env.setenv("TALENT_MATCH_ENV", "prod")
    with pytest.raises(ConfigError, match="TALENT_MATCH_ENV"):
        create_app()


def test_a_login_limit_that_does_not_parse_refuses_to_start(production_env):
    production_env.setenv("TALENT_MATCH_ENV", "development")
    production_env.setenv("LOGIN_RATE_LIMIT", "lots")
    with pytest.raises(ConfigError, match="LOGIN_RATE_LIMIT"):
        create_app()


def test_processes_starting_together_agree_on_the_generated_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from talent_match.config import _instance_secret_key

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: _instance_secret_key(tmp_path / "instance"), range(32)))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["secret_key"]


def test_production_sends_hsts_and_secure_cookies(app, production_env, make_user):
    production_env.setenv("SECRET_KEY", uuid.uuid4().hex + uuid.uuid4().hex)
    production = create_app()
    assert production.config["SESSION_COOKIE_SECURE"] and production.config["REMEMBER_COOKIE_SECURE"]
    assert production.config["SESSION_COOKIE_HTTPONLY"] and production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    _, email = make_user("seeker")
    client = production.test_client()
    page = client.get("/auth/login", base_url="https://localhost")
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/auth/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/auth/login"},
                           data={"email": email, "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies), cookies


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


# --- error pages --------------------------------------------------------------------------------------------------

class Boom(RuntimeError):
    pass


def _explode(*_args, **_kwargs):
    raise Boom("SELECT password_hash FROM user WHERE email='hidden@example.kr' /srv/app/secret.py line 42")


@pytest.mark.parametrize("endpoint,path", [("regional.index", "/regions/"), ("api.list_regions", "/api/v1/regions")])
def test_a_crash_shows_a_generic_page_with_the_request_id_and_nothing_from_inside(app, client, monkeypatch, caplog,
                                                                                  endpoint, path):
    def crash(*_args, **_kwargs):
        _explode()

    crash.audience = getattr(app.view_functions[endpoint], "audience", None)  # the view's declared audience stays
    monkeypatch.setitem(app.view_functions, endpoint, crash)
    with caplog.at_level("ERROR", logger="talent_match.errors"):
        response = client.get(path, headers={"X-Request-ID": "req-12345"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "req-12345" in body and response.headers["X-Request-ID"] == "req-12345"
    for inside in ("Traceback", "Boom", "password_hash", "hidden@example.kr", "secret.py", "SELECT"):
        assert inside not in body, inside
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json" and response.json["request_id"] == "req-12345"
    else:
        assert response.mimetype == "text/html"
    assert "req-12345" in caplog.text and "Boom" in caplog.text  # the operator's log has what the page hides
    _assert_security_headers(response)


def test_a_hostile_request_id_is_replaced_or_escaped(client):
    response = client.get("/no-such-page", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_error_pages_are_generic_for_every_status(app, client):
    for status, path in ((404, "/no-such-page"), (405, "/healthz")):
        response = client.post(path) if status == 405 else client.get(path)
        assert response.status_code == status
        assert "Traceback" not in response.get_data(as_text=True)


# --- the security log ---------------------------------------------------------------------------------------------

def test_the_security_log_records_refusals_failed_logins_and_exports_without_personal_data(app, client, make_user,
                                                                                          caplog,
                                                                                          cheap_password_hashes):  # noqa: F811,E501
    name = "홍길동비밀"
    seeker_id, seeker_email = make_user("seeker", name=name)
    _, institution_email = make_user("institution", name="기관담당자비밀")
    with caplog.at_level("WARNING", logger="talent_match.security"):
        login(client, seeker_email, "wrong-password-123")
        login(client, "nobody-here@example.kr", "wrong-password-123")
        client.get("/seekers/")                                   # anonymous: refused
        login(client, seeker_email)
        client.get("/institutions/")                              # wrong role: refused
        client.post("/account/tokens", data={"name": "내 토큰"})    # token created
        client.post("/auth/logout")
        login(client, institution_email)
        client.get("/institutions/exports/cohorts.csv")           # export
        client.get("/privacy/my-data.json")                        # export of one's own data
    text = caplog.text
    for event in ("login_failed", "refused_anonymous", "refused_role", "api_token_created", "export",
                  "data_export"):
        assert event in text, event
    assert f"user_id={seeker_id}" in text
    for personal in (seeker_email, institution_email, "nobody-here@example.kr", name, "기관담당자비밀",
                     "wrong-password-123", PASSWORD, "내 토큰"):
        assert personal not in text, personal
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "an email address reached the security log"


@pytest.mark.parametrize("role, method, path", [
    ("seeker", "get", "/seekers/postings/2147483648"), ("seeker", "get", "/seekers/postings/99999999999999999999"),
    ("seeker", "post", "/seekers/postings/2147483648/apply"), ("employer", "get", "/employers/postings/2147483648"),
    ("institution", "get", "/institutions/cohorts/99999999999999999999")])
def test_an_id_too_large_for_the_database_is_not_found(login_as, role, method, path):
    client, _ = login_as(role)
    assert getattr(client, method)(path).status_code == 404

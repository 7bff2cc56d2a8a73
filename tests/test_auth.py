"""Accounts: registration for each role, sign-in and out, CSRF, rate limits, role gates."""
import pytest
from sqlalchemy import func, select

from talent_match import create_app
from talent_match.extensions import db
from talent_match.models import Company, Consent, Institution, User

from .conftest import PASSWORD, login


def register(client, **fields):
    data = {"name": "김하나", "password": PASSWORD, "confirm": PASSWORD, "region": "gyeongnam", "privacy": "y",
            "company": "", "institution": "", "institution_name": ""}
    data.update(fields)
    return client.post("/auth/register", data=data)


@pytest.mark.parametrize("role, extra", [
    ("seeker", {}),
    ("employer", {"company": "창원정밀 주식회사"}),
    ("institution", {"institution": "gn-ai-academy", "institution_name": "경남 AI 아카데미",
                     "institution_kind": "university"}),
])
def test_each_role_registers_then_signs_in_and_out(app, client, role, extra):
    email = f"{role}@example.kr"
    response = register(client, role=role, email=email, **extra)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    assert client.get("/auth/password").status_code == 401  # "check your email": not signed in yet
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.role == role and user.password_hash.startswith("scrypt:")
        assert db.session.scalar(select(Consent).where(Consent.user_id == user.id)).item == "privacy_required"
        if role == "employer":
            assert user.company.name == "창원정밀 주식회사" and user.company.region.slug == "gyeongnam"
        if role == "institution":
            assert user.institution.slug == "gn-ai-academy" and user.institution.kind == "university"
        if role == "seeker":
            assert user.profile.home_region.slug == "gyeongnam"
    assert login(client, email).status_code == 302
    assert client.get("/auth/password").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/auth/password").status_code == 401


def test_employer_without_company_is_told_so(app, client):
    response = register(client, role="employer", email="e@example.kr")
    assert response.status_code == 200 and "company" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "e@example.kr")) is None
        assert db.session.scalar(select(Company)) is None


def test_registration_needs_the_privacy_consent(client):
    response = register(client, role="seeker", email="s@example.kr", privacy="")
    assert response.status_code == 200 and 'id="privacy-err"' in response.get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part(client, make_user):
    _, email = make_user("seeker")
    response = login(client, email, "wrong-password-1")
    assert response.status_code == 200
    assert "not correct" in response.get_data(as_text=True) or "올바르지" in response.get_data(as_text=True)


def test_login_redirect_never_leaves_the_site(client, make_user):
    _, email = make_user("seeker")
    response = client.post("/auth/login?next=https://evil.example/", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_password_change_ends_other_sessions(app, make_user):
    _, email = make_user("seeker")
    first, second = app.test_client(), app.test_client()
    login(first, email)
    login(second, email)
    response = first.post("/auth/password", data={"current_password": PASSWORD, "new_password": "another-password-9",
                                                  "confirm": "another-password-9"})
    assert response.status_code == 302
    assert first.get("/auth/password").status_code == 200
    assert second.get("/auth/password").status_code == 401
    assert login(app.test_client(), email, "another-password-9").status_code == 302


def test_forms_without_csrf_token_are_refused(database_url, tmp_path, make_user):
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INDEX_DIR": str(tmp_path)})
    _, email = make_user("seeker")
    response = app.test_client().post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400


def test_login_attempts_are_rate_limited(database_url, tmp_path, make_user):
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INDEX_DIR": str(tmp_path), "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "3 per minute", "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    client = app.test_client()
    codes = [login(client, "nobody@example.kr", "wrong-password-1").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_session_cookie_is_httponly_and_lax(client, make_user):
    _, email = make_user("seeker")
    response = login(client, email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_remember_me_sets_a_remember_cookie(client, make_user):
    _, email = make_user("seeker")
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD, "remember": "y"})
    assert any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_an_endpoint_that_declares_no_audience_is_refused(app):
    from flask import Blueprint

    from talent_match.web.access import audience_of

    undeclared = Blueprint("undeclared", __name__)
    undeclared.add_url_rule("/undeclared", "page", lambda: "secret")
    probe = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "INDEX_DIR": "/tmp"})
    probe.register_blueprint(undeclared)
    assert audience_of(probe, "undeclared.page") is None
    assert probe.test_client().get("/undeclared").status_code == 401


def test_create_user_command_creates_company_and_institution(app, runner):
    result = runner.invoke(args=["create-user", "boss@example.kr", "--role", "employer", "--password", PASSWORD,
                                 "--company", "울산스마트팩토리", "--region", "ulsan"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "staff@example.kr", "--role", "institution", "--password", PASSWORD,
                                 "--institution", "ulsan-tp", "--region", "울산광역시"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Company.region_id).where(Company.name == "울산스마트팩토리")) is not None
        assert db.session.scalar(select(Institution).where(Institution.slug == "ulsan-tp")).region.slug == "ulsan"


def test_create_user_command_refuses_bad_input_with_a_message(runner):
    result = runner.invoke(args=["create-user", "not-an-email", "--role", "seeker", "--password", PASSWORD,
                                 "--region", "gyeongnam"])
    assert result.exit_code == 2 and "email" in result.output
    result = runner.invoke(args=["create-user", "x@example.kr", "--role", "seeker", "--password", "short",
                                 "--region", "gyeongnam"])
    assert result.exit_code == 2 and "password" in result.output
    result = runner.invoke(args=["create-user", "y@example.kr", "--role", "seeker", "--password", PASSWORD,
                                 "--region", "atlantis"])
    assert result.exit_code == 2 and "unknown region" in result.output


@pytest.mark.parametrize("role, field, taken", [("employer", "company", "창원정밀"), ("institution", "institution", "gn-ai")])
def test_self_registration_cannot_join_an_existing_company_or_institution(app, client, make_user, role, field, taken):
    make_user(role, **{field: taken})
    response = register(client, role=role, email=f"intruder-{role}@example.kr", **{field: taken})
    assert response.status_code == 200 and "이미 등록되어 있습니다" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == f"intruder-{role}@example.kr")) is None


def test_a_visitor_refused_at_a_signed_in_page_is_offered_sign_in_and_brought_back(client, make_user):
    page = client.get("/employers/")
    assert page.status_code == 401
    html = page.get_data(as_text=True)
    assert 'action="/auth/login?next=/employers/?"' in html and 'name="password"' in html  # the sign-in form itself
    assert "401" not in html.split("<h1>")[1].split("</h1>")[0]  # a title in words, not "401 · Unauthorized"
    _, email = make_user("employer")
    response = client.post("/auth/login?next=/employers/?", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].rstrip("?").endswith("/employers/")


def test_a_company_name_differing_only_in_case_is_the_same_company(app, client):
    assert register(client, role="employer", email="a@webco.kr", company="WebCo").status_code == 302
    page = register(client, role="employer", email="b@webco.kr", company="webco")
    assert page.status_code == 200 and "이미 등록되어 있습니다" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Company)) == 1


def test_keep_me_signed_in_survives_a_password_change_in_the_same_browser(app, make_user):
    _, email = make_user("seeker")
    browser = app.test_client()
    browser.post("/auth/login", data={"email": email, "password": PASSWORD, "remember": "y"})
    browser.post("/auth/password", data={"current_password": PASSWORD, "new_password": "another-password-9",
                                         "confirm": "another-password-9"})
    remember = browser.get_cookie("remember_token")
    later = app.test_client()  # the browser restarted: the session cookie is gone, the remember cookie stays
    later.set_cookie("remember_token", remember.value)
    assert later.get("/auth/password").status_code == 200

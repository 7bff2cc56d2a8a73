"""API tokens: created on the account page or by the CLI, shown once, stored hashed, revocable; the API reads
bearer tokens only, refuses with RFC 9457 problems, and limits the rate per user."""
import re

from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import ApiToken
from talent_match.services.accounts.api_tokens import hash_token
from talent_match.web.access import audience_of

from .api_support import ApiClient, api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)

TOKEN = re.compile(r"tm_[A-Za-z0-9_-]{40,}")


def create_on_account_page(client, name="HR system"):
    response = client.post("/account/tokens", data={"name": name})
    assert response.status_code == 200
    found = TOKEN.findall(response.get_data(as_text=True))
    assert len(found) == 1
    return found[0], response


def test_token_from_the_account_page_is_shown_once_and_stored_hashed(app, login_as):
    client, user_id = login_as("seeker")
    value, response = create_on_account_page(client)
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user_id))
        assert token.token_hash == hash_token(value) and token.name == "HR system"
        assert value not in (token.token_hash, token.prefix) and value.startswith(token.prefix)
    page = client.get("/account/").get_data(as_text=True)
    assert value not in page and token.prefix in page and "HR system" in page


def test_a_token_acts_as_its_user_and_a_revoked_one_is_refused(app, login_as):
    client, user_id = login_as("seeker")
    value, _ = create_on_account_page(client)
    api_client = ApiClient(app, value)
    assert api_client.get("/api/v1/profile").status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user_id))
        assert db.session.get(ApiToken, token_id).last_used_at is not None
    revoke_url = f"/account/tokens/{token_id}/revoke"
    assert revoke_url in client.get("/account/").get_data(as_text=True)
    assert client.post(revoke_url).status_code == 302
    assert revoke_url not in client.get("/account/").get_data(as_text=True)  # listed as revoked, nothing to do
    response = api_client.get("/api/v1/profile")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    # ... and on public endpoints too: a presented token must be valid.
    assert api_client.get("/api/v1/regions").status_code == 401


def test_nobody_revokes_another_users_token(app, login_as, token_for):
    owner_id, value = token_for("employer")
    client, _ = login_as("employer")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner_id))
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert ApiClient(app, value).get("/api/v1/postings").status_code == 200


def test_account_page_needs_sign_in(client):
    assert client.get("/account/").status_code == 401


def test_cli_create_token_prints_a_working_token(app, runner, make_user):
    _, email = make_user("institution")
    result = runner.invoke(args=["create-token", email, "--name", "nightly import"])
    assert result.exit_code == 0, result.output
    value = result.output.strip()
    assert TOKEN.fullmatch(value)
    assert ApiClient(app, value).get("/api/v1/cohorts").status_code == 200
    missing = runner.invoke(args=["create-token", "nobody@example.kr"])
    assert missing.exit_code == 2 and "no account" in missing.output


def test_missing_and_malformed_tokens_are_401_with_the_bearer_scheme(api):
    anonymous = api()
    response = anonymous.get("/api/v1/profile")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json["status"] == 401 and response.json["title"] == "Unauthorized"
    for header in ("Bearer", "Bearer tm_nonsense", "Basic dXNlcjpwYXNz", "tm_nonsense"):
        response = anonymous.get("/api/v1/regions", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_the_session_cookie_never_authenticates_the_api(login_as):
    client, _ = login_as("seeker")
    assert client.get("/account/").status_code == 200
    assert client.get("/api/v1/profile").status_code == 401


def test_a_token_of_a_disabled_account_is_refused(app, token_for):
    from talent_match.models import User
    user_id, value = token_for("seeker")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert ApiClient(app, value).get("/api/v1/profile").status_code == 401


def test_rate_limit_is_per_user_and_answers_429_problem(app, api):
    first, second = api("seeker"), api("seeker")
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [first.get("/api/v1/regions").status_code for _ in range(4)]
        other = second.get("/api/v1/regions")
    finally:
        app.config["API_RATE_LIMIT"] = "10000 per minute"
    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200
    limited = first.get("/api/v1/regions")
    assert limited.status_code == 200  # the configured limit is read per request


def test_rate_limited_answer_is_a_problem_with_retry_after(app, api):
    caller = api("employer")
    app.config["API_RATE_LIMIT"] = "1 per minute"
    try:
        caller.get("/api/v1/regions")
        response = caller.get("/api/v1/regions")
    finally:
        app.config["API_RATE_LIMIT"] = "10000 per minute"
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"]


def test_every_api_endpoint_declares_its_audience(app):
    """Deny by default: the API blueprint itself declares nobody, so a view without @allow is refused."""
    endpoints = [rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]
    assert len(endpoints) >= 20
    undeclared = [e for e in endpoints if getattr(app.view_functions[e], "audience", None) is None]
    assert undeclared == []
    assert audience_of(app, "api.no_such_view") is None


def test_unknown_api_paths_and_methods_answer_problems(api):
    anonymous = api()
    response = anonymous.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    response = anonymous.delete("/api/v1/regions")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_api_answers_carry_no_store_and_request_ids(api):
    response = api().get("/api/v1/regions", headers={"X-Request-ID": "abc123"})
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Request-ID"] == "abc123"

"""Sessions end when they should. Signing out ends every session of the account, so a copy of its session or
remember-me cookie taken before stops working; a new password (changed, or reset from a mailed link) ends every
session and remember-me cookie made with the old one and revokes the account's API tokens, and the page says so.

Each test copies a browser's cookies into a new one, as someone who copied them would, and replays them."""
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import ApiToken, User
from talent_match.services.accounts import api_tokens, password_reset

from .api_support import ApiClient
from .conftest import PASSWORD, login
from .page_support import english

PRIVATE = "/seekers/profile"
NEW_PASSWORD = "another-password-9"


def _signed_in(app, email, *, remember=False):
    browser = app.test_client()
    data = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert browser.post("/auth/login", data=data).status_code == 302
    return browser


def _copied(browser, *names) -> dict[str, str]:
    return {name: browser.get_cookie(name).value for name in names}


def _replayed(app, cookies: dict[str, str]):
    """A new browser holding nothing but copies of `cookies`."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def _token(app, user_id) -> ApiClient:
    with app.app_context():
        _row, value = api_tokens.issue(db.session, db.session.get(User, user_id), "HR system")
        db.session.commit()
    return ApiClient(app, value)


def test_a_session_cookie_copied_before_signing_out_no_longer_opens_pages(app, make_user):
    _, email = make_user("seeker")
    browser = _signed_in(app, email)
    copy = _copied(browser, "session")
    assert _replayed(app, copy).get(PRIVATE).status_code == 200  # what a thief gets while the person is signed in
    assert browser.post("/auth/logout").status_code == 302
    assert _replayed(app, copy).get(PRIVATE).status_code == 401
    assert browser.get(PRIVATE).status_code == 401


def test_an_old_remember_me_cookie_no_longer_signs_in_after_signing_out(app, make_user):
    _, email = make_user("seeker")
    browser = _signed_in(app, email, remember=True)
    copy = _copied(browser, "remember_token")
    assert _replayed(app, copy).get(PRIVATE).status_code == 200
    browser.post("/auth/logout")
    assert _replayed(app, copy).get(PRIVATE).status_code == 401


def test_signing_out_signs_the_account_out_on_every_device_and_no_other_account(app, make_user):
    _, email = make_user("seeker")
    _, someone_else = make_user("seeker")
    phone, laptop, neighbour = _signed_in(app, email), _signed_in(app, email), _signed_in(app, someone_else)
    page = english(phone).post("/auth/logout", follow_redirects=True)
    assert "You are signed out on every device." in page.get_data(as_text=True)
    assert laptop.get(PRIVATE).status_code == 401
    assert neighbour.get(PRIVATE).status_code == 200
    assert login(laptop, email).status_code == 302 and laptop.get(PRIVATE).status_code == 200


def test_a_changed_password_ends_copied_cookies_and_revokes_api_tokens(app, make_user):
    user_id, email = make_user("seeker")
    browser = _signed_in(app, email, remember=True)
    copy = _copied(browser, "session", "remember_token")
    program = _token(app, user_id)
    assert program.get("/api/v1/profile").status_code == 200
    assert "your API tokens are revoked" in english(browser).get("/auth/password").get_data(as_text=True)

    page = browser.post("/auth/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Every other device signed in to your account is signed out." in text
    assert "API tokens revoked with the old password: 1." in text
    assert browser.get(PRIVATE).status_code == 200  # the browser that changed it stays signed in
    assert _replayed(app, copy).get(PRIVATE).status_code == 401
    assert _replayed(app, {"remember_token": copy["remember_token"]}).get(PRIVATE).status_code == 401
    refused = program.get("/api/v1/profile")
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == user_id)) is not None


def test_a_password_reset_from_the_mailed_link_ends_sessions_and_revokes_only_that_accounts_tokens(app, make_user):
    user_id, email = make_user("employer")
    other_id, _ = make_user("employer")
    elsewhere = _signed_in(app, email, remember=True)
    copy = _copied(elsewhere, "remember_token")
    mine, theirs = _token(app, user_id), _token(app, other_id)
    with app.app_context():
        link = "/auth/reset/" + password_reset.request(db.session, app.config["SECRET_KEY"], email)[2]
    browser = english(app.test_client())
    assert "its API tokens are revoked" in browser.get(link).get_data(as_text=True)

    page = browser.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "API tokens revoked with the old password: 1." in page.get_data(as_text=True)
    assert elsewhere.get("/employers/").status_code == 401
    assert _replayed(app, copy).get("/employers/").status_code == 401
    assert mine.get("/api/v1/postings").status_code == 401
    assert theirs.get("/api/v1/postings").status_code == 200


def test_a_password_change_without_tokens_says_nothing_about_them(app, make_user):
    _, email = make_user("seeker")
    browser = english(_signed_in(app, email))
    page = browser.post("/auth/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "is signed out" in text and "revoked with the old password" not in text

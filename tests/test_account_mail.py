"""Accounts by email, through a real SMTP server: confirming the address, resetting a password, changing the
address, choosing optional mail and leaving it with one click. Links act on POST; a link that is altered, used or
expired is refused with a page that says so and changes nothing."""
import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from talent_match import create_app, mailer
from talent_match.extensions import db
from talent_match.models import Posting, SeekerProfile, User
from talent_match.models.base import utcnow
from talent_match.services.accounts import api_tokens, links
from talent_match.services.mail import outbox
from talent_match.services.search.kinds import PROFILE

from .conftest import PASSWORD, login
from .jobs_support import make_posting, make_profile
from .page_support import english
from .test_auth import register
from .test_employer_pages import POSTING


class Mail:
    """What the SMTP server received, delivered by `flask send-mail` as an operator's cron would."""

    def __init__(self, app, runner, inbox):
        self.app, self.runner, self.inbox = app, runner, inbox

    def deliver(self) -> None:
        result = self.runner.invoke(args=["send-mail", "--json"])
        assert result.exit_code == 0, result.output

    def to(self, address: str) -> list:
        self.deliver()
        return [message for recipients, message in self.inbox.messages if recipients == [address]]

    def link(self, message) -> str:
        """The path of the message's link (mail links start with PUBLIC_BASE_URL)."""
        base = re.escape(self.app.config["PUBLIC_BASE_URL"])
        return re.search(base + r"(/\S+)", message.get_content()).group(1)


@pytest.fixture
def mail(app, runner, smtp_server, monkeypatch):
    inbox, settings = smtp_server
    monkeypatch.setattr(app.extensions["mailer"], "settings", settings)
    return Mail(app, runner, inbox)


def _user(app, email) -> User:
    with app.app_context():
        found = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.expunge_all()
        return found


def _registered(client, role="seeker", **extra):
    """A new account, registered on the page and signed in (registering alone does not sign in)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.kr"
    assert register(client, role=role, email=email, **extra).status_code == 302
    assert login(client, email).status_code == 302
    return email


# --- confirming the address --------------------------------------------------------------------------------------

def test_registering_mails_a_link_that_confirms_the_address_on_post(app, client, mail):
    email = _registered(client)
    [message] = mail.to(email)
    assert "List-Unsubscribe" not in message and "List-Unsubscribe-Post" not in message  # essential mail
    assert _user(app, email).email_verified_at is None
    assert 'id="confirm-email"' in client.get("/account/").get_data(as_text=True)  # the banner, with its button

    link = mail.link(message)
    page = app.test_client().get(link)  # opened anywhere, even where nobody is signed in
    assert page.status_code == 200 and email in page.get_data(as_text=True)
    assert _user(app, email).email_verified_at is None  # a GET (a mail scanner) changes nothing
    assert client.post(link).status_code == 302
    assert _user(app, email).email_verified_at is not None
    assert 'id="confirm-email"' not in client.get("/account/").get_data(as_text=True)


def test_an_unconfirmed_seeker_is_not_found_by_employers_until_the_link_is_followed(app, login_as, mail):
    employer, employer_id = login_as("employer", region="gyeongnam")
    seeker = app.test_client()
    email = _registered(seeker, region="gyeongnam")
    with app.app_context():
        posting_id = make_posting(employer_id).id
        profile_id = make_profile(_user(app, email).id, headline="확인전 후보", skills=["Python", "머신러닝"],
                                  discoverable=True).id
    candidate = f"/employers/postings/{posting_id}/candidates/{profile_id}"

    def found() -> tuple[bool, bool, bool]:
        with app.app_context():
            region = db.session.get(Posting, posting_id).region_id
            eligible = profile_id in db.session.scalars(sa.select(SeekerProfile.id).where(
                PROFILE.in_regions([region]))).all()
        listed = "확인전 후보" in employer.get(f"/employers/postings/{posting_id}").get_data(as_text=True)
        return eligible, listed, employer.get(candidate).status_code == 200

    assert found() == (False, False, False)
    assert employer.post(f"/employers/postings/{posting_id}/invite/{profile_id}", data={"note": "x"}).status_code \
        == 404
    assert seeker.post(mail.link(mail.to(email)[0])).status_code == 302
    assert found() == (True, True, True)


def test_an_unconfirmed_employer_cannot_post_on_the_web_or_through_the_api(app, client, mail):
    email = _registered(client, role="employer", company=f"미확인 {uuid.uuid4().hex[:6]}")
    english(client)
    page = client.post("/employers/postings/new", data=POSTING)
    assert page.status_code == 403 and "Confirm your email address before you post jobs" in page.get_data(as_text=True)
    with app.app_context():
        _token, value = api_tokens.issue(db.session, db.session.scalar(sa.select(User).where(User.email == email)))
        db.session.commit()
    api = app.test_client()
    refused = api.post("/api/v1/postings", json={"title": "API 공고"}, headers={"Authorization": f"Bearer {value}"})
    assert refused.status_code == 403 and "Confirm your email address" in refused.json["detail"]
    with app.app_context():
        assert db.session.scalar(sa.select(Posting)) is None

    assert client.post(mail.link(mail.to(email)[0])).status_code == 302
    assert client.post("/employers/postings/new", data=POSTING).status_code == 302
    assert api.post("/api/v1/postings", json={"title": "API 공고"},
                    headers={"Authorization": f"Bearer {value}"}).status_code == 201


def test_the_link_is_sent_again_on_request_a_few_times_an_hour(app, client, mail):
    email = _registered(client)
    codes = [client.post("/account/confirmation").status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    assert len(mail.to(email)) == 6  # the first and five more
    assert client.post(mail.link(mail.to(email)[-1])).status_code == 302


def test_a_confirmed_account_is_sent_nothing_more(app, login_as, mail):
    client, _ = login_as("seeker")
    assert client.post("/account/confirmation").status_code == 302
    mail.deliver()
    assert mail.inbox.messages == []


def test_operator_accounts_count_as_confirmed(app, runner):
    result = runner.invoke(args=["create-user", "op-made@example.kr", "--role", "employer", "--password", PASSWORD,
                                 "--company", "운영자등록", "--region", "ulsan"])
    assert result.exit_code == 0, result.output
    assert _user(app, "op-made@example.kr").email_verified_at is not None


def test_accounts_made_before_the_migration_count_as_confirmed_and_want_no_optional_mail(tmp_path):
    fresh = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "INDEX_DIR": str(tmp_path),
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with fresh.app_context():
        upgrade(revision="0006")
        db.session.execute(sa.text(
            "INSERT INTO \"user\" (email, password_hash, role, name, locale, active, session_version, created_at, "
            "updated_at) VALUES ('old@example.kr', '-', 'seeker', '', 'ko', 1, 0, '2026-01-02 03:04:05', "
            "'2026-01-02 03:04:05')"))
        db.session.commit()
        upgrade()
        row = db.session.execute(sa.text(
            "SELECT email_verified_at, notify_matches, notify_followups FROM \"user\"")).one()
        db.session.remove()
    assert str(row[0]).startswith("2026-01-02 03:04:05") and row[1:] == ("off", 0)


# --- resetting a password ----------------------------------------------------------------------------------------

def test_asking_for_a_reset_answers_the_same_for_known_and_unknown_addresses_and_mails_each_of_them(
        app, make_user, mail):
    """The known address gets a link, the unknown one a note that no account uses it: one message each, so the
    answer costs the same either way."""
    _, email = make_user("seeker")
    nobody = f"nobody-{uuid.uuid4().hex[:6]}@example.kr"
    answers = []
    for address in (email, nobody):
        response = app.test_client().post("/auth/forgot", data={"email": address}, follow_redirects=True)
        flashed = re.findall(r'<div class="flash[^>]*>[^<]*</div>', response.get_data(as_text=True))
        answers.append((response.status_code, response.request.path, flashed))
    assert answers[0] == answers[1] and answers[0][:2] == (200, "/auth/login") and len(answers[0][2]) == 1
    mail.deliver()
    assert [recipients for recipients, _ in mail.inbox.messages] == [[email], [nobody]]
    assert "List-Unsubscribe" not in mail.inbox.messages[0][1]
    link, note = (message.get_content() for _, message in mail.inbox.messages)
    assert "/auth/reset/" in link and "/auth/reset/" not in note and "/auth/register" in note


def test_reset_requests_for_one_address_are_limited_whoever_asks(app, make_user):
    _, email = make_user("seeker")
    codes = [app.test_client().post("/auth/forgot", data={"email": email.upper()}).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    assert app.test_client().post("/auth/forgot", data={"email": "someone-else@example.kr"}).status_code == 302


def test_a_reset_link_sets_a_new_password_once_under_the_usual_rules(app, make_user, mail):
    _, email = make_user("seeker")
    signed_in_elsewhere = app.test_client()
    login(signed_in_elsewhere, email)
    browser = app.test_client()
    assert "/auth/forgot" in browser.get("/auth/login").get_data(as_text=True)
    browser.post("/auth/forgot", data={"email": email})
    link = mail.link(mail.to(email)[0])

    assert browser.get(link).status_code == 200
    short = english(browser).post(link, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and 'id="password-err"' in short.get_data(as_text=True)
    done = browser.post(link, data={"password": "a-new-password-7", "confirm": "a-new-password-7"})
    assert done.status_code == 302 and browser.get("/account/").status_code == 200  # signed in
    assert signed_in_elsewhere.get("/account/").status_code == 401  # other sessions end
    assert login(app.test_client(), email, "a-new-password-7").status_code == 302
    assert login(app.test_client(), email).status_code == 200  # the old password no longer works

    again = app.test_client().get(link)
    assert again.status_code == 410 and "already been used" in english(app.test_client()).get(link).get_data(
        as_text=True)
    assert app.test_client().post(link, data={"password": "third-password-9", "confirm": "third-password-9"}
                                  ).status_code == 410
    assert login(app.test_client(), email, "third-password-9").status_code == 200


def test_a_reset_link_expires_after_an_hour(app, make_user, mail, monkeypatch):
    _, email = make_user("seeker")
    app.test_client().post("/auth/forgot", data={"email": email})
    link = mail.link(mail.to(email)[0])
    monkeypatch.setattr(links, "utcnow", lambda: utcnow() + timedelta(minutes=61))
    page = english(app.test_client()).get(link)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    assert app.test_client().post(link, data={"password": "a-new-password-7", "confirm": "a-new-password-7"}
                                  ).status_code == 410
    assert login(app.test_client(), email).status_code == 302


# --- changing the address ----------------------------------------------------------------------------------------

def test_a_new_address_is_used_only_once_it_confirms_and_the_old_one_is_told(app, login_as, make_user, mail):
    client, user_id = login_as("seeker")
    old = db_email(app, user_id)
    _, taken = make_user("seeker")
    new = f"new-{uuid.uuid4().hex[:6]}@example.kr"
    english(client)
    wrong = client.post("/account/email", data={"new_email": new, "password": "wrong-password-1"})
    assert wrong.status_code == 422 and 'id="password-err"' in wrong.get_data(as_text=True)
    clash = client.post("/account/email", data={"new_email": taken.upper(), "password": PASSWORD})
    assert clash.status_code == 422 and "is already registered" in clash.get_data(as_text=True)
    assert client.post("/account/email", data={"new_email": new, "password": PASSWORD}).status_code == 302
    [asked] = mail.to(new)
    assert mail.to(old) == [] and db_email(app, user_id) == old  # nothing changes before the link is followed
    assert "List-Unsubscribe" not in asked

    link = mail.link(asked)
    assert new in app.test_client().get(link).get_data(as_text=True) and db_email(app, user_id) == old
    assert client.post(link).status_code == 302
    assert db_email(app, user_id) == new
    [notice] = mail.to(old)
    assert new in notice.get_content() and "List-Unsubscribe" not in notice
    assert client.post(link).status_code == 410  # works once
    assert login(app.test_client(), new).status_code == 302 and login(app.test_client(), old).status_code == 200


def test_an_address_taken_before_the_link_is_followed_is_not_given_away(app, login_as, make_user, mail):
    client, user_id = login_as("seeker")
    old = db_email(app, user_id)
    new = f"race-{uuid.uuid4().hex[:6]}@example.kr"
    client.post("/account/email", data={"new_email": new, "password": PASSWORD})
    link = mail.link(mail.to(new)[0])
    make_user("seeker", email=new)
    response = english(client).post(link)
    assert response.status_code == 409 and "Another account uses this address" in response.get_data(as_text=True)
    assert db_email(app, user_id) == old


def db_email(app, user_id) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


# --- optional mail -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, data, expected", [
    ("seeker", {"notify_matches": "weekly"}, ("weekly", False)),
    ("employer", {"notify_matches": "daily", "notify_followups": "y"}, ("daily", False)),  # not an employer's
    ("institution", {"notify_followups": "y"}, ("off", True)),
])
def test_each_role_saves_its_own_mail_preferences(app, login_as, role, data, expected):
    client, user_id = login_as(role)
    page = client.get("/account/").get_data(as_text=True)
    assert ('name="notify_matches"' in page) == (role != "institution")
    assert ('name="notify_followups"' in page) == (role == "institution")
    assert client.post("/account/preferences", data=data).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.notify_matches, user.notify_followups) == expected


def test_a_preference_outside_the_choices_is_refused_beside_its_field(app, login_as):
    client, user_id = login_as("seeker")
    response = client.post("/account/preferences", data={"notify_matches": "hourly"})
    assert response.status_code == 422 and 'id="notify_matches-err"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).notify_matches == "off"


def test_one_click_unsubscribe_headers_arrive_and_a_mail_clients_post_turns_the_preference_off(
        app, database_url, tmp_path, login_as, mail):
    client, user_id = login_as("seeker")
    client.post("/account/preferences", data={"notify_matches": "weekly"})
    with app.app_context():  # as a digest command would: no request
        user = db.session.get(User, user_id)
        outbox.queue(db.session, kind="match_digest", to=user.email, subject="새 공고", body="이번 주 새 공고",
                     unsubscribe_url=mailer.unsubscribe_url(user, "notify_matches"))
        db.session.commit()
        address = user.email
    [digest] = mail.to(address)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(\S+)>", digest["List-Unsubscribe"]).group(1)
    path = url.removeprefix(app.config["PUBLIC_BASE_URL"])
    assert path != url

    page = app.test_client().get(path)  # a person who clicked: asked first, nothing changes on a GET
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).notify_matches == "weekly"
    # A mail client: no session, no CSRF token (on an app that checks them), just the RFC 8058 body.
    strict = create_app({"TESTING": True, "SECRET_KEY": app.config["SECRET_KEY"], "INDEX_DIR": str(tmp_path),
                         "SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": "localhost"})
    response = strict.test_client().post(path, data="List-Unsubscribe=One-Click",
                                         content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).notify_matches == "off"
    assert strict.test_client().post(path, data="List-Unsubscribe=One-Click",
                                     content_type="application/x-www-form-urlencoded").status_code == 200


# --- links that cannot be used -----------------------------------------------------------------------------------

def _tokens(app, user_id) -> dict[str, str]:
    from talent_match.services.accounts import addresses, notifications, password_reset
    secret = app.config["SECRET_KEY"]
    with app.app_context():
        user = db.session.get(User, user_id)
        return {"/account/confirm/": addresses.confirmation_token(secret, user),
                "/auth/reset/": password_reset.request(db.session, secret, user.email)[2],
                "/account/email/": addresses.request_change(db.session, secret, user, PASSWORD, "x@example.kr")[1],
                "/account/unsubscribe/": notifications.unsubscribe_token(secret, user, "notify_matches")}


def test_altered_and_foreign_links_are_refused_with_a_page_that_says_so_and_change_nothing(app, make_user):
    user_id, email = make_user("seeker")
    tokens = _tokens(app, user_id)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user_id).values(notify_matches="daily",
                                                                            email_verified_at=None))
        db.session.commit()
    paths = list(tokens)
    for index, (prefix, token) in enumerate(tokens.items()):
        middle = len(token) - 6  # a character of the signature that carries bits (the last one may not)
        altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
        foreign = tokens[paths[(index + 1) % len(paths)]]  # a genuine token made for another purpose
        for bad in (altered, token[:20], foreign, "x" * 3000, "%EC%95%88", "..%2F..%2Fetc"):
            for method in ("get", "post"):
                response = getattr(english(app.test_client()), method)(prefix + bad, data={
                    "password": "a-new-password-7", "confirm": "a-new-password-7"})
                assert response.status_code in (400, 404), (prefix, bad[:30], method, response.status_code)
                if response.status_code == 400:
                    assert "This link is not valid" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.email, user.email_verified_at, user.notify_matches) == (email, None, "daily")
    assert login(app.test_client(), email).status_code == 302


@pytest.mark.parametrize("path, data", [
    ("/auth/forgot", {"email": "not an address"}),
    ("/auth/forgot", {"email": "x" * 5000}),
    ("/auth/forgot", b"email=%ED%A0%80%40example.kr"),
    ("/account/email", {"new_email": "no-at-sign", "password": PASSWORD}),
    ("/account/email", {"new_email": "\x00@example.kr", "password": "\x00"}),
    ("/account/preferences", {"notify_matches": ["daily", "weekly"]}),
    ("/account/preferences", b"notify_matches=%ED%A0%80"),
])
def test_bad_input_is_refused_without_an_error_of_ours(app, login_as, path, data):
    client, _ = login_as("seeker")
    response = client.post(path, data=data, content_type="application/x-www-form-urlencoded") \
        if isinstance(data, bytes) else client.post(path, data=data)
    assert response.status_code < 500

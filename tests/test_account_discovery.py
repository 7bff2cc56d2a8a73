"""Nobody learns who has an account. A wrong password and a registration answer alike for a known address and an
unknown one and do the same work (one scrypt check at sign-in, hashing the password at registration); the owner of
a taken address is mailed instead. Registration and resets are limited per client and per address asked about, and
where each process counts alone (no Redis, or Redis down) each allows only its share of a limit."""
import re

import pytest
from sqlalchemy import func, select

from talent_match import create_app
from talent_match.extensions import db, limiter
from talent_match.models import OutboxMessage, User
from talent_match.models import accounts as account_models
from talent_match.services.accounts import users

from .conftest import login
from .test_auth import register

WRONG = "wrong-password-1"
THEIRS = "attacker-password-1"
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _answer(response, address: str) -> tuple[int, str, str]:
    """What the asker sees, less the address they typed (the page shows it back) and the CSRF token (one a
    browser)."""
    page = CSRF.sub("", response.get_data(as_text=True).replace(address, "ADDRESS"))
    return response.status_code, response.headers.get("Location", ""), page


def _spy(monkeypatch, name: str) -> list[str]:
    """Count calls of a password function of models.accounts, noting the algorithm and cost of each hash."""
    seen, real = [], getattr(account_models, name)

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        seen.append((args[0] if name == "check_password_hash" else result).split("$")[0])
        return result
    monkeypatch.setattr(account_models, name, spy)
    return seen


def _outbox(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.to_address).order_by(OutboxMessage.id))]


def test_a_wrong_password_answers_alike_and_checks_a_hash_alike_for_known_and_unknown_addresses(
        app, make_user, monkeypatch):
    _, known = make_user("seeker")
    users._stand_in_hash.cache_clear()  # made again here, with the real scrypt whatever earlier tests patched
    checked = _spy(monkeypatch, "check_password_hash")
    answers = [_answer(login(app.test_client(), address, WRONG), address)
               for address in (known, "nobody@example.kr")]
    assert answers[0] == answers[1] and answers[0][0] == 200
    assert len(checked) == 2 and checked[0] == checked[1] and checked[0].startswith("scrypt:")


def test_a_disabled_account_answers_as_a_wrong_password_even_with_the_right_one(app, make_user):
    user_id, email = make_user("seeker")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    right, wrong = login(app.test_client(), email), login(app.test_client(), email, WRONG)
    assert _answer(right, email) == _answer(wrong, email)


def test_registering_a_taken_address_answers_as_a_new_one_and_mails_its_owner_instead(app, make_user, monkeypatch):
    owner_id, taken = make_user("seeker", name="주인")
    hashed = _spy(monkeypatch, "generate_password_hash")
    answers = []
    for address in (taken.upper(), "newcomer@example.kr"):
        browser = app.test_client()
        response = register(browser, role="employer", email=address, password=THEIRS, confirm=THEIRS,
                            company=f"회사 {len(answers)}")
        answers.append(_answer(response, address) + _answer(browser.get(response.headers["Location"]), address))
        assert browser.get("/auth/password").status_code == 401  # nobody is signed in by registering
    assert answers[0] == answers[1] and answers[0][:2] == (302, "/auth/login")
    assert len(hashed) == 2 and hashed[0] == hashed[1]  # the password is hashed for a taken address too

    assert _outbox(app) == [("registration_attempt", taken), ("confirm_address", "newcomer@example.kr")]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(func.lower(User.email) == taken)) == 1
        owner = db.session.get(User, owner_id)
        assert (owner.role, owner.name, owner.company_id) == ("seeker", "주인", None)
        body = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.to_address == taken))
    assert f"{app.config['PUBLIC_BASE_URL']}/auth/login" in body and "/auth/forgot" in body
    assert login(app.test_client(), taken, THEIRS).status_code == 200  # the asker's password opens nothing
    assert login(app.test_client(), taken).status_code == 302  # the owner's still works


def test_a_taken_address_gets_the_errors_a_free_one_would(app, make_user):
    make_user("employer", company="창원정밀")
    _, taken = make_user("seeker")
    answers = [_answer(register(app.test_client(), role="employer", email=address, company="창원정밀"), address)
               for address in (taken, "free@example.kr")]
    assert answers[0] == answers[1] and "이미 등록되어 있습니다" in answers[0][2]
    assert _outbox(app) == []


def test_registration_is_limited_per_address_asked_about_and_per_client(app, monkeypatch):
    codes = [register(app.test_client(), role="seeker", email="same@example.kr").status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]  # each try mails the address: MAIL_LINK_RATE_LIMIT
    limiter.reset()
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "3 per minute")
    codes = [register(app.test_client(), role="seeker", email=f"n{n}@example.kr").status_code for n in range(4)]
    assert codes == [302] * 3 + [429]


def test_password_reset_requests_are_limited_per_client(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    codes = [app.test_client().post("/auth/forgot", data={"email": f"n{n}@example.kr"}).status_code
             for n in range(4)]
    assert codes == [302] * 3 + [429]


# --- processes that count alone ----------------------------------------------------------------------------------

@pytest.fixture
def own_app(database_url, tmp_path, monkeypatch):
    """An app with its own rate-limit storage. The limiter is one object for every app in this process, so it is
    pointed back at memory afterwards (as tests/test_redis.py does)."""
    monkeypatch.setattr(limiter, "_storage_dead", False)  # and restored to False afterwards

    def make(**config):
        return create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url,
                           "INDEX_DIR": str(tmp_path), "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                           "LOGIN_RATE_LIMIT": "4 per minute", **config})
    yield make
    make(RATELIMIT_STORAGE_URI="memory://")


def _tries(app, count=4) -> list[int]:
    client = app.test_client()
    return [login(client, "nobody@example.kr", WRONG).status_code for _ in range(count)]


@pytest.mark.usefixtures("app")  # the migrated database
def test_each_of_two_processes_counting_in_memory_allows_half_the_limit(own_app):
    assert _tries(own_app(RATELIMIT_STORAGE_URI="memory://", WEB_PROCESSES=1)) == [200] * 4
    assert _tries(own_app(RATELIMIT_STORAGE_URI="memory://", WEB_PROCESSES=2)) == [200, 200, 429, 429]


@pytest.mark.usefixtures("app")
def test_with_redis_unreachable_each_process_allows_its_share_until_redis_answers(own_app):
    down = own_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", WEB_PROCESSES=2)  # nothing listens on port 1
    assert _tries(down) == [200, 200, 429, 429]
    assert limiter._storage_dead  # Flask-Limiter's own flag, which extensions.configured_limit reads

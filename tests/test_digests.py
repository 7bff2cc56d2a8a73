"""Digests of what is new, through a real SMTP server: seekers' new matching postings, employers' new candidates,
institutions' follow-ups that fell due; a daily or weekly mail for those who chose it, each item told once, with a
one-click way out; and the notification page listing the same items, mail or not."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from talent_match.extensions import db
from talent_match.models import AuditEvent, Consent, Posting, SeekerProfile, User
from talent_match.models.base import as_utc, utcnow
from talent_match.services.hiring import postings
from talent_match.services.hiring.postings import today_in_korea
from talent_match.services.outcomes.ledger import add_months

from .conftest import login
from .jobs_support import engine, make_posting, make_profile, user
from .training_world import cohort, job, trainee


def _next_monday() -> date:
    today = today_in_korea()
    return today + timedelta(days=7 - today.weekday())  # after today, whatever today is


class Digests:
    """`flask digests` as the daily cron runs it, and what the SMTP server received after `flask send-mail`."""

    def __init__(self, runner, inbox):
        self.runner, self.inbox = runner, inbox

    def run(self, day: date | None = None) -> dict:
        args = ["digests", "--json"] + (["--as-of", day.isoformat()] if day else [])
        result = self.runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def take(self, address: str) -> list:
        """The messages delivered to `address` since the last look."""
        assert self.runner.invoke(args=["send-mail", "--json"]).exit_code == 0
        mine = [message for recipients, message in self.inbox.messages if recipients == [address]]
        self.inbox.messages[:] = [(r, m) for r, m in self.inbox.messages if r != [address]]
        return mine


@pytest.fixture
def digests(app, runner, smtp_server, monkeypatch):
    inbox, settings = smtp_server
    monkeypatch.setattr(app.extensions["mailer"], "settings", settings)
    return Digests(runner, inbox)


def _set(app, user_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user_id).values(**values))
        db.session.commit()


# Every recorded moment that decides what is new for someone.
MOMENTS = ((Posting, "created_at"), (Posting, "opened_at"), (SeekerProfile, "created_at"), (Consent, "created_at"),
           (User, "email_verified_at"), (User, "notified_until"))


def _told_yesterday(app, user_id: int, **values) -> None:
    """The person was told of everything so far, and a day passes: all that is old to them, and today's digest is
    still due."""
    _set(app, user_id, notified_until=utcnow(), **values)
    _a_day_passes(app)


def _a_day_passes(app) -> None:
    """Everything recorded so far moves a day back, as if it happened a day earlier."""
    with app.app_context():
        for model, name in MOMENTS:
            for row in db.session.scalars(sa.select(model)):
                if getattr(row, name) is not None:
                    setattr(row, name, as_utc(getattr(row, name)) - timedelta(days=1))
        db.session.commit()


def _signed_in(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _posting_ids(text: str) -> set[int]:
    return {int(i) for i in re.findall(r"/seekers/postings/(\d+)", text)}


def _candidate_ids(text: str) -> set[tuple[int, int]]:
    return {(int(p), int(c)) for p, c in re.findall(r"/employers/postings/(\d+)/candidates/(\d+)", text)}


def _nav_count(page: str) -> str | None:
    found = re.search(r'href="/account/notifications"[^>]*>[^<]*(?:<span class="tag count">(\d+)<)?', page)
    assert found, "no notifications link"
    return found.group(1)


# --- seekers ------------------------------------------------------------------------------------------------------

@pytest.fixture
def gyeongnam(app, make_user):
    """A Gyeongnam seeker who also accepts Busan, told just now of one posting; then postings appear (and a draft
    made before is opened) in Gyeongnam, Busan and Seoul."""
    seeker_id, email = make_user("seeker", region="gyeongnam")
    near, _ = make_user("employer", region="gyeongnam", company="창원정밀")
    busan, _ = make_user("employer", region="busan", company="부산AI")
    seoul, _ = make_user("employer", region="seoul", company="서울AI")
    with app.app_context():
        make_profile(seeker_id, skills=["Python", "머신러닝"], accepted_regions=["busan"])
        old = make_posting(near, title="지난주 공고").id
        draft = make_posting(near, title="초안에서 열린 공고", status="draft").id
    _told_yesterday(app, seeker_id)
    with app.app_context():
        new = {make_posting(near, title="비전 검사 엔지니어").id,
               make_posting(busan, title="부산 데이터 엔지니어", region="busan").id}
        postings.update(db.session, engine(), user(near), draft, {"status": "open"})
        db.session.commit()
        seoul_posting = make_posting(seoul, title="서울 데이터 과학자", region="seoul").id
    return {"id": seeker_id, "email": email, "new": new | {draft}, "old": old, "seoul": seoul_posting}


def test_a_seeker_is_mailed_new_postings_in_their_regions_once(app, gyeongnam, digests):
    _set(app, gyeongnam["id"], notify_matches="daily")
    assert digests.run() == {"due": 1, "queued": 1, "items": 3}
    [message] = digests.take(gyeongnam["email"])
    body = message.get_content()
    assert _posting_ids(body) == gyeongnam["new"]  # not the old one, not Seoul's
    assert "비전 검사 엔지니어" in body and "창원정밀" in body and "부산 데이터 엔지니어" in body
    assert "지난주 공고" not in body and "서울 데이터 과학자" not in body

    assert digests.run() == {"due": 0, "queued": 0, "items": 0}  # a second run the same day
    with app.app_context():
        employer_id = db.session.scalar(sa.select(User.id).where(User.role == "employer",
                                                                 User.company.has(name="창원정밀")))
        later = make_posting(employer_id, title="나중 공고").id
    assert digests.run()["queued"] == 0  # not before tomorrow
    _a_day_passes(app)
    assert digests.run() == {"due": 1, "queued": 1, "items": 1}
    [message] = digests.take(gyeongnam["email"])
    assert _posting_ids(message.get_content()) == {later}  # nothing told twice


def test_weekly_digests_go_out_on_mondays_only(app, gyeongnam, digests):
    _set(app, gyeongnam["id"], notify_matches="weekly")
    monday = _next_monday()
    assert digests.run(monday - timedelta(days=1))["due"] == 0
    assert digests.run(monday) == {"due": 1, "queued": 1, "items": 3}
    assert digests.run(monday + timedelta(days=1))["due"] == 0
    [message] = digests.take(gyeongnam["email"])
    assert _posting_ids(message.get_content()) == gyeongnam["new"]


def test_people_who_did_not_opt_in_get_no_digest_but_see_the_same_list_on_their_page(app, gyeongnam, digests,
                                                                                     make_user):
    unconfirmed, unconfirmed_email = make_user("seeker", region="gyeongnam")
    _set(app, unconfirmed, notify_matches="daily", email_verified_at=None)  # mail goes to confirmed addresses only
    client = _signed_in(app, gyeongnam["email"])
    page = client.get("/account/notifications").get_data(as_text=True)
    assert _posting_ids(page) == gyeongnam["new"] and _nav_count(page) == "3"
    assert "지난주 공고" not in page and "서울 데이터 과학자" not in page
    assert 'href="/account/#mail-preferences"' in page

    assert digests.run() == {"due": 0, "queued": 0, "items": 0}
    assert digests.take(gyeongnam["email"]) == [] and digests.take(unconfirmed_email) == []

    until = re.search(r'name="until" value="([^"]+)"', page).group(1)
    assert client.post("/account/notifications/seen", data={"until": until}).status_code == 302
    page = client.get("/account/notifications").get_data(as_text=True)
    assert _posting_ids(page) == set() and _nav_count(page) is None


def test_the_page_lists_what_the_digest_then_sends_and_is_empty_after_it(app, gyeongnam, digests):
    client = _signed_in(app, gyeongnam["email"])
    before = client.get("/account/notifications").get_data(as_text=True)
    _set(app, gyeongnam["id"], notify_matches="daily")
    digests.run()
    [message] = digests.take(gyeongnam["email"])
    assert _posting_ids(message.get_content()) == _posting_ids(before) == gyeongnam["new"]
    after = client.get("/account/notifications").get_data(as_text=True)
    assert _posting_ids(after) == set() and _nav_count(after) is None


def test_one_click_unsubscribe_from_a_digest_turns_it_off(app, gyeongnam, digests):
    _set(app, gyeongnam["id"], notify_matches="daily")
    digests.run()
    [message] = digests.take(gyeongnam["email"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(\S+)>", message["List-Unsubscribe"]).group(1)
    assert url in message.get_content()  # and in the body, for people
    path = url.removeprefix(app.config["PUBLIC_BASE_URL"])
    response = app.test_client().post(path, data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, gyeongnam["id"]).notify_matches == "off"
    _a_day_passes(app)
    assert digests.run()["due"] == 0


# --- employers ----------------------------------------------------------------------------------------------------

def test_an_employer_is_mailed_new_candidates_for_its_open_postings_and_no_one_elses(app, make_user, digests):
    employer_id, email = make_user("employer", region="gyeongnam")
    seoul_id, seoul_email = make_user("employer", region="seoul")
    seekers = {name: make_user("seeker", region=region)[0] for name, region in (
        ("old", "gyeongnam"), ("new", "gyeongnam"), ("shy", "gyeongnam"), ("seoul", "seoul"))}
    with app.app_context():
        make_profile(seekers["old"], headline="예전 후보", discoverable=True)
        posting = make_posting(employer_id, title="비전 검사 엔지니어").id
        seoul_posting = make_posting(seoul_id, title="서울 공고", region="seoul").id
    _told_yesterday(app, employer_id, notify_matches="daily")
    _set(app, seoul_id, notify_matches="daily")
    with app.app_context():
        new = make_profile(seekers["new"], headline="새 후보", skills=["Python", "머신러닝"], discoverable=True).id
        make_profile(seekers["shy"], headline="숨은 후보")  # not discoverable
        seoul = make_profile(seekers["seoul"], headline="서울 후보", discoverable=True).id
    page = _signed_in(app, email).get("/account/notifications").get_data(as_text=True)

    assert digests.run() == {"due": 2, "queued": 2, "items": 2}
    [message] = digests.take(email)
    body = message.get_content()
    assert _candidate_ids(body) == _candidate_ids(page) == {(posting, new)}
    assert "새 후보" in body and "예전 후보" not in body and "숨은 후보" not in body and "서울 후보" not in body
    [other] = digests.take(seoul_email)
    assert _candidate_ids(other.get_content()) == {(seoul_posting, seoul)}
    with app.app_context():  # who was shown to whom, as on the posting's page
        shown = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.actor_id == employer_id,
                                                               AuditEvent.action == "candidates_listed")).all()
        assert sorted((e.details["via"], e.details["profile_ids"]) for e in shown) == \
            [("digest", [new]), ("notifications", [new])]


# --- institutions -------------------------------------------------------------------------------------------------

def _started_for(due: date) -> date:
    """A first job's start whose 3-month checkpoint falls due on `due`."""
    return next(day for day in (due - timedelta(days=n) for n in range(80, 100)) if add_months(day, 3) == due)


def test_an_institution_gets_a_weekly_list_of_follow_ups_that_fell_due(app, make_user, digests):
    monday = _next_monday()
    mine, email = make_user("institution")
    theirs, their_email = make_user("institution")
    with app.app_context():
        for user_id, prefix in ((mine, "MY"), (theirs, "TH")):
            institution = db.session.get(User, user_id).institution
            cohort(db.session, institution, f"{prefix}-1")
            for ref, due in (("new", today_in_korea() - timedelta(days=2)),
                             ("old", today_in_korea() - timedelta(days=30)), ("soon", monday + timedelta(days=10))):
                trainee(db.session, institution, f"{prefix}-1", f"{prefix}-{ref}", name=f"{prefix}{ref}훈련생")
                job(db.session, institution, f"{prefix}-{ref}", _started_for(due).isoformat())
        db.session.commit()
    _set(app, mine, notify_followups=True)
    _set(app, theirs, notify_followups=True)
    page = _signed_in(app, email).get("/account/notifications").get_data(as_text=True)
    assert "MY-new" in page and "MY-old" not in page and "MY-soon" not in page and "TH-" not in page

    assert digests.run(monday - timedelta(days=1))["due"] == 0
    assert digests.run(monday) == {"due": 2, "queued": 2, "items": 2}
    assert digests.run(monday + timedelta(days=1))["due"] == 0
    [message] = digests.take(email)
    body = message.get_content()
    assert "MY-new" in body and "MYnew훈련생" in body and "/institutions/followups" in body
    assert "MY-old" not in body and "MY-soon" not in body and "TH-" not in body
    assert re.search(r": 2(?!\d)", body)  # due in all: the new one and the old one (Korean writes "2건")
    [other] = digests.take(their_email)
    assert "TH-new" in other.get_content() and "MY-" not in other.get_content()

    url = re.fullmatch(r"<(\S+)>", message["List-Unsubscribe"]).group(1)
    app.test_client().post(url.removeprefix(app.config["PUBLIC_BASE_URL"]), data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    with app.app_context():
        assert db.session.get(User, mine).notify_followups is False
        assert db.session.get(User, theirs).notify_followups is True

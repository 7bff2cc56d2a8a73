"""Follow-up questions answered from the email, end to end: `outreach` queues one question per due checkpoint,
`send-mail` delivers it over SMTP, and the link in the mail opens a page that only shows the question until the
reader chooses an answer; a used, altered or expired link is refused with its own page and changes nothing."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import AuditEvent, FollowUp, FollowUpRequest, OutboxMessage, User
from talent_match.models.base import utcnow
from talent_match.services.hiring.postings import today_in_korea
from talent_match.services.outcomes.ledger import add_months
from talent_match.services.training import outreach

from .conftest import login
from .page_support import sql_writes
from .training_world import cohort, job, platform_hire, trainee

EMPLOYER = "hr@changwon-precision.kr"
TRAINEE = "hana@example.kr"
TODAY = today_in_korea()
START = add_months(TODAY, -3) - timedelta(days=2)  # the first job: its 3-month checkpoint fell due two days ago


@pytest.fixture
def placed(app, make_user):
    """A completed trainee of a Gyeongnam cohort whose first job names its employer contact; the trainee agreed to
    be asked too."""
    institution_id, _ = make_user("institution")
    with app.app_context():
        institution = db.session.get(User, institution_id).institution
        cohort(db.session, institution, "GN-1", start=(START - timedelta(days=200)).isoformat(),
               end=(START - timedelta(days=20)).isoformat())
        enrollment = trainee(db.session, institution, "GN-1", "T1", completed=(START - timedelta(days=20)).isoformat(),
                             name="김하나")
        enrollment.email, enrollment.contact_consent = TRAINEE, True
        job(db.session, institution, "T1", START.isoformat(), employer="창원정밀").employer_email = EMPLOYER
        db.session.commit()
        db.session.remove()


@pytest.fixture
def mailed(app, placed, runner, smtp_server, monkeypatch):
    """Run the daily commands as cron would; the messages the SMTP server received, by recipient."""
    inbox, settings = smtp_server
    monkeypatch.setattr(app.extensions["mailer"], "settings", settings)
    monkeypatch.setitem(app.config, "ANSWER_RATE_LIMIT", "1000 per minute")
    nothing = {"employer_requests": 0, "trainee_requests": 0, "readiness_requests": 0, "reminders": 0}
    for queued in ({**nothing, "employer_requests": 1, "trainee_requests": 1}, nothing):  # the same day again: nothing
        assert json.loads(runner.invoke(args=["outreach", "--json"]).output) == queued
        assert runner.invoke(args=["send-mail", "--json"]).exit_code == 0
    by_recipient = {}
    for recipients, message in inbox.messages:
        assert recipients[0] not in by_recipient, "one question per checkpoint and person"
        by_recipient[recipients[0]] = message
    return by_recipient


def _path_in(message) -> str:
    """The answer link of a received message, as a path on this app."""
    body = message.get_body(("plain",)).get_content()
    found = set(re.findall(r"https?://\S+?(" + re.escape(outreach.ANSWER_PATH) + r"[\w.\-]+)", body))
    assert len(found) == 1, body
    return found.pop()


def _rows(app) -> dict:
    """Every row a question or an answer could touch, to compare before and after."""
    with app.app_context():
        rows = {model.__name__: [tuple(row) for row in db.session.execute(
            sa.select(*model.__table__.c).order_by(model.id))] for model in (FollowUp, FollowUpRequest,
                                                                             AuditEvent, OutboxMessage)}
        db.session.remove()
    return rows


class _Inputs(HTMLParser):
    """The form controls of a page: inputs with their attributes, and the options of each select."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs, self.options, self._select = [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option":
            self.options.append((self._select, attrs))


def _nothing_chosen(html: str) -> list[str]:
    """The answer choices of the page, after checking that none is chosen before the reader chooses."""
    page = _Inputs(html)
    radios = [i for i in page.inputs if i.get("type") == "radio"]
    assert radios and not [i for i in page.inputs if "checked" in i]
    assert not [i for i in page.inputs if i.get("type") == "date" and i.get("value")]
    assert not [(select, o) for select, o in page.options if "selected" in o and o.get("value")]
    return [i["value"] for i in radios]


def _question(app, audience: str) -> FollowUpRequest:
    with app.app_context():
        request = db.session.scalar(select(FollowUpRequest).where(FollowUpRequest.audience == audience))
        db.session.expunge(request)
        db.session.remove()
    return request


def _follow_ups(app) -> list[tuple]:
    with app.app_context():
        rows = [(f.checkpoint_month, f.status, f.evidence, f.region.slug if f.region else None, f.checked_on)
                for f in db.session.scalars(select(FollowUp))]
        db.session.remove()
    return rows


def test_the_employer_answers_once_from_the_link_in_the_mail(app, client, mailed):
    assert set(mailed) == {EMPLOYER, TRAINEE}
    path = _path_in(mailed[EMPLOYER])
    before = _rows(app)
    with sql_writes(app) as writes:
        page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and writes == [] and _rows(app) == before  # a link scanner answers nothing
    assert "김하나" in html and "창원정밀" in html and page.headers["Cache-Control"] == "no-store"
    assert _nothing_chosen(html) == ["employed", "left", "unknown"]
    shown = html.replace(path.rsplit("/", 1)[-1], "")  # the link's own token may hold any letters ("...T1...")
    assert TRAINEE not in shown and "GN-1" not in shown and "T1" not in shown  # the name, employer and month only

    answered = client.post(path, data={"answer": "employed"})
    assert answered.status_code == 200 and 'data-outcome="recorded"' in answered.get_data(as_text=True)
    assert _follow_ups(app) == [(3, "employed_same_employer", "employer", "gyeongnam", TODAY)]
    assert _question(app, "employer").answer == "employed"

    after = _rows(app)
    for method, data in (("get", None), ("post", {"answer": "left", "left_on": TODAY.isoformat()})):
        again = getattr(client, method)(path, data=data)
        assert again.status_code == 410 and 'data-outcome="used"' in again.get_data(as_text=True)
    assert _rows(app) == after


def test_an_altered_unknown_or_expired_link_is_refused_with_its_page_and_changes_nothing(app, client, mailed):
    path = _path_in(mailed[EMPLOYER])
    token = path.rsplit("/", 1)[1]
    altered = outreach.ANSWER_PATH + token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    signed_elsewhere = outreach.Links("another-secret-" + "y" * 30, "https://x.kr").url(_question(app, "employer"))
    before = _rows(app)
    for bad in (altered, outreach.ANSWER_PATH + "garbage", outreach.ANSWER_PATH + signed_elsewhere.rsplit("/")[-1]):
        for method in ("get", "post"):
            refused = getattr(client, method)(bad, data={"answer": "employed"} if method == "post" else None)
            assert refused.status_code == 404 and 'data-outcome="invalid"' in refused.get_data(as_text=True)
    with app.app_context():  # thirty days later
        db.session.execute(sa.update(FollowUpRequest).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    before = _rows(app)
    for method in ("get", "post"):
        refused = getattr(client, method)(path, data={"answer": "employed"} if method == "post" else None)
        assert refused.status_code == 410 and 'data-outcome="expired"' in refused.get_data(as_text=True)
    assert _rows(app) == before and _follow_ups(app) == []


def test_the_trainee_link_records_the_trainees_own_answer(app, client, mailed):
    path = _path_in(mailed[TRAINEE])
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "김하나" in html and EMPLOYER not in html
    assert _nothing_chosen(html) == ["same_employer", "other_employer", "not_employed", "studying",
                                     "military_service"]
    before = _rows(app)
    incomplete = client.post(path, data={"answer": "other_employer", "region": ""})
    assert incomplete.status_code == 422 and 'class="error"' in incomplete.get_data(as_text=True)
    assert _rows(app) == before
    assert client.post(path, data={"answer": "other_employer", "region": "busan"}).status_code == 200
    assert _follow_ups(app) == [(3, "employed_other_employer", "trainee", "busan", TODAY)]


@pytest.mark.parametrize("data", [{"answer": "left"}, {"answer": "left", "left_on": "2020-01-01"},
                                  {"answer": "left", "left_on": "어제"}, {}, {"answer": "fired"}])
def test_an_incomplete_answer_shows_the_form_again_and_writes_nothing(app, client, mailed, data):
    path = _path_in(mailed[EMPLOYER])
    before = _rows(app)
    page = client.post(path, data=data)
    assert page.status_code == 422 and 'role="alert"' in page.get_data(as_text=True)
    assert _rows(app) == before
    assert client.post(path, data={"answer": "unknown"}).status_code == 200  # the link still works


def test_an_anonymous_visitor_answers_through_a_csrf_protected_form(app, client, mailed, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    path = _path_in(mailed[EMPLOYER])
    html = client.get(path).get_data(as_text=True)
    token = next(i["value"] for i in _Inputs(html).inputs if i.get("name") == "csrf_token")
    assert client.post(path, data={"answer": "employed"}).status_code == 400
    assert _follow_ups(app) == []
    assert client.post(path, data={"answer": "employed", "csrf_token": token}).status_code == 200
    assert [row[2] for row in _follow_ups(app)] == ["employer"]


def test_posted_answers_are_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ANSWER_RATE_LIMIT", "2 per minute")
    statuses = [client.post(outreach.ANSWER_PATH + "guess", data={"answer": "employed"}).status_code
                for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert client.get(outreach.ANSWER_PATH + "guess").status_code == 404  # reading is not limited


def _nav_count(html: str) -> str | None:
    link = re.search(r'<a href="/hires/follow-ups"[^>]*>(.*?)</a>', html, re.S)
    assert link, "the employer's navigation links to the follow-ups page"
    count = re.search(r'<span class="tag count">(\d+)<', link.group(1))
    return count.group(1) if count else None


def test_employers_see_how_many_hires_wait_for_their_answer_in_the_navigation(app, client, make_user):
    institution_id, _ = make_user("institution")
    employer_id, email = make_user("employer", company="(주)창원AI")
    with app.app_context():
        institution = db.session.get(User, institution_id).institution
        cohort(db.session, institution, "GN-1")
        employer = db.session.get(User, employer_id)
        hire = platform_hire(db.session, trainee(db.session, institution, "GN-1", "T1"), employer,
                             TODAY - timedelta(days=100))
        platform_hire(db.session, trainee(db.session, institution, "GN-1", "T2"), employer, TODAY - timedelta(days=30))
        db.session.commit()
        hire_id = hire.id
        db.session.remove()
    login(client, email)
    assert _nav_count(client.get("/employers/").get_data(as_text=True)) == "1"  # T2's first checkpoint is not due
    assert client.post(f"/hires/follow-ups/{hire_id}", data={"employed": "yes"}).status_code == 302
    assert _nav_count(client.get("/employers/").get_data(as_text=True)) is None
    client.post("/auth/logout")
    _, seeker = make_user("seeker")
    login(client, seeker)
    assert "/hires/follow-ups" not in client.get("/seekers/").get_data(as_text=True)

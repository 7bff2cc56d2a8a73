"""Follow-ups asked by email: a due checkpoint sends one question to the employer contact (and to the trainee who
agreed), the signed link records the answer with its source once, and reminders stop at the first answer."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from talent_match.extensions import db
from talent_match.models import FollowUp, FollowUpRequest, OutboxMessage, User
from talent_match.models.base import as_utc
from talent_match.services.errors import ValidationFailed
from talent_match.services.mail import delivery
from talent_match.services.training import answers, outreach

from .training_world import cohort, job, trainee

LINKS = outreach.Links("test-secret-" + "x" * 30, "https://talent.example.kr")
START = date(2026, 1, 5)          # the first job; its 3-month checkpoint falls due on 2026-04-05
DUE_3 = date(2026, 4, 5)
EMPLOYER = "hr@changwon-precision.kr"
NOW = datetime(2026, 4, 6, tzinfo=timezone.utc)  # the day after the checkpoint fell due


@pytest.fixture
def placed(app_ctx, make_user):
    """A completed trainee of a Gyeongnam cohort whose first job names its employer contact."""
    institution_id, _ = make_user("institution")
    institution = db.session.get(User, institution_id).institution
    cohort(db.session, institution, "GN-1", start="2025-06-02", end="2025-12-19")
    enrollment = trainee(db.session, institution, "GN-1", "T1", completed="2025-12-19", name="김하나")
    placement = job(db.session, institution, "T1", START.isoformat(), employer="창원정밀")
    placement.employer_email = EMPLOYER
    db.session.commit()
    return {"institution": institution, "enrollment": enrollment, "placement": placement}


def _outreach(day: date) -> dict:
    counts = outreach.run(db.session, day, LINKS)
    db.session.commit()
    return counts


def _token_in(body: str) -> str:
    return re.search(re.escape(LINKS.base_url + outreach.ANSWER_PATH) + r"(\S+)", body).group(1)


def _follow_ups():
    return db.session.scalars(select(FollowUp)).all()


def test_a_due_checkpoint_mails_the_employer_once_and_its_answer_is_recorded_with_its_source(placed, smtp_server):
    inbox, settings = smtp_server
    nothing = {"employer_requests": 0, "trainee_requests": 0, "readiness_requests": 0, "reminders": 0}
    assert _outreach(DUE_3 - timedelta(days=1)) == nothing
    assert _outreach(DUE_3) == {**nothing, "employer_requests": 1}
    assert _outreach(DUE_3) == nothing  # once
    delivery.deliver_queued(db.engine, settings, "no-reply@talent.example.kr")
    [(recipients, message)] = inbox.messages
    body = message.get_payload(decode=True).decode("utf-8")
    assert recipients == [EMPLOYER] and "김하나" in message["Subject"] and "3개월" in body
    follow_up = answers.answer(db.session, LINKS, _token_in(body), {"answer": "employed"},
                               now=datetime(2026, 4, 8, tzinfo=timezone.utc))
    db.session.commit()
    assert (follow_up.checkpoint_month, follow_up.status, follow_up.evidence, follow_up.checked_on) == \
        (3, "employed_same_employer", "employer", date(2026, 4, 8))
    assert follow_up.region_id == placed["placement"].region_id


def test_a_link_works_once_and_a_tampered_or_expired_one_changes_nothing(placed):
    _outreach(DUE_3)
    request = db.session.scalar(select(FollowUpRequest))
    token = LINKS.url(request).rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad, reason in ((tampered, "invalid"), ("garbage", "invalid"),
                        (outreach.Links("another-secret-" + "y" * 30, LINKS.base_url).url(request).rsplit("/", 1)[1],
                         "invalid")):
        with pytest.raises(answers.LinkRefused) as refused:
            answers.answer(db.session, LINKS, bad, {"answer": "employed"}, now=NOW)
        assert refused.value.reason == reason
    with pytest.raises(answers.LinkRefused) as refused:
        answers.answer(db.session, LINKS, token, {"answer": "employed"}, now=as_utc(request.expires_at) + timedelta(seconds=1))
    assert refused.value.reason == "expired"
    assert _follow_ups() == []
    answers.answer(db.session, LINKS, token, {"answer": "employed"}, now=datetime(2026, 4, 6, tzinfo=timezone.utc))
    db.session.commit()
    with pytest.raises(answers.LinkRefused) as refused:
        answers.answer(db.session, LINKS, token, {"answer": "left", "left_on": "2026-04-06"},
                       now=datetime(2026, 4, 7, tzinfo=timezone.utc))
    assert refused.value.reason == "used"
    db.session.rollback()
    assert [f.status for f in _follow_ups()] == ["employed_same_employer"]


@pytest.mark.parametrize("left_on, status", [("2026-03-20", "left_employer"), ("2026-04-20", "employed_same_employer")])
def test_an_employer_saying_the_person_left_records_whether_they_were_there_at_the_checkpoint(placed, left_on, status):
    _outreach(DUE_3)
    token = LINKS.url(db.session.scalar(select(FollowUpRequest))).rsplit("/", 1)[1]
    with pytest.raises(ValidationFailed) as incomplete:
        answers.answer(db.session, LINKS, token, {"answer": "left"}, now=datetime(2026, 4, 25, tzinfo=timezone.utc))
    assert set(incomplete.value.errors) == {"left_on"}
    follow_up = answers.answer(db.session, LINKS, token, {"answer": "left", "left_on": left_on},
                               now=datetime(2026, 4, 25, tzinfo=timezone.utc))
    assert (follow_up.status, follow_up.evidence) == (status, "employer")


def test_dont_know_never_overwrites_an_answer_already_recorded(placed):
    _outreach(DUE_3)
    db.session.add(FollowUp(enrollment_id=placed["enrollment"].id, checkpoint_month=3, status="not_employed",
                            checked_on=date(2026, 4, 5), evidence="insurance_record"))
    db.session.commit()
    token = LINKS.url(db.session.scalar(select(FollowUpRequest))).rsplit("/", 1)[1]
    answers.answer(db.session, LINKS, token, {"answer": "unknown"}, now=NOW)
    assert [(f.status, f.evidence) for f in _follow_ups()] == [("not_employed", "insurance_record")]


def test_a_trainee_who_agreed_is_asked_too_and_answers_for_themselves(placed):
    enrollment = placed["enrollment"]
    enrollment.email, enrollment.contact_consent = "hana@example.kr", True
    db.session.commit()
    assert _outreach(DUE_3) == {"employer_requests": 1, "trainee_requests": 1, "readiness_requests": 0, "reminders": 0}
    request = db.session.scalar(select(FollowUpRequest).where(FollowUpRequest.audience == "trainee"))
    token = LINKS.url(request).rsplit("/", 1)[1]
    with pytest.raises(ValidationFailed) as incomplete:
        answers.answer(db.session, LINKS, token, {"answer": "other_employer"}, now=NOW)
    assert set(incomplete.value.errors) == {"region"} and request.answered_at is None
    follow_up = answers.answer(db.session, LINKS, token, {"answer": "other_employer", "region": "busan"},
                               now=NOW)
    assert (follow_up.status, follow_up.evidence, follow_up.region.slug) == ("employed_other_employer", "trainee",
                                                                             "busan")


def test_a_trainee_who_did_not_agree_is_not_asked(placed):
    placed["enrollment"].email = "hana@example.kr"
    db.session.commit()
    assert _outreach(DUE_3)["trainee_requests"] == 0


def test_reminders_follow_after_7_and_14_days_and_stop_at_the_first_answer(placed):
    _outreach(DUE_3)
    assert _outreach(DUE_3 + timedelta(days=6))["reminders"] == 0
    assert _outreach(DUE_3 + timedelta(days=7))["reminders"] == 1
    assert _outreach(DUE_3 + timedelta(days=8))["reminders"] == 0
    assert _outreach(DUE_3 + timedelta(days=14))["reminders"] == 1
    assert _outreach(DUE_3 + timedelta(days=21))["reminders"] == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_no_reminder_once_anyone_answered_the_checkpoint(placed):
    _outreach(DUE_3)
    db.session.add(FollowUp(enrollment_id=placed["enrollment"].id, checkpoint_month=3,
                            status="employed_same_employer", region_id=placed["placement"].region_id,
                            checked_on=date(2026, 4, 9), evidence="institution"))
    db.session.commit()
    assert _outreach(DUE_3 + timedelta(days=7))["reminders"] == 0


def test_a_checkpoint_due_too_long_ago_is_not_asked_about(placed):
    assert _outreach(DUE_3 + timedelta(days=outreach.WINDOW_DAYS))["employer_requests"] == 0  # due too long ago


def test_the_employer_sees_its_pending_questions(placed):
    _outreach(DUE_3)
    assert [r.checkpoint_month for r in outreach.pending_for(db.session, EMPLOYER.upper(),
                                                            now=datetime(2026, 4, 6, tzinfo=timezone.utc))] == [3]
    assert outreach.pending_for(db.session, "someone@else.kr") == []

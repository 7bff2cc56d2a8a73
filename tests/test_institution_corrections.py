"""Institutions correct their records in the pages (a trainee's status, a job and its end, a recorded answer), each
change audited with who made it and the values before and after; the follow-up form assumes no answer, and each
checkpoint shows who was asked by email and who answered."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import AuditEvent, Enrollment, FollowUp, FollowUpRequest, Placement

from .page_support import english, read_page
from .test_institution_pages import institution_of, make_user_and_login, records, staff  # noqa: F401 - fixtures


def _trainee(ref) -> Enrollment:
    return db.session.scalar(select(Enrollment).where(Enrollment.trainee_ref == ref))


def _ids(app, ref) -> dict:
    """The trainee's id, its first job's and its follow-ups' by checkpoint month."""
    with app.app_context():
        found = _trainee(ref)
        return {"trainee": found.id, "job": found.placements[0].id if found.placements else None,
                **{f.checkpoint_month: f.id for f in found.follow_ups}}


def _events(action) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _snapshot(app) -> list:
    """Every trainee's status, job, answer and audit event, to show that a refused form wrote nothing."""
    columns = (Enrollment.status, Enrollment.completion_date, Enrollment.excluded_reason, Placement.employer_name,
               Placement.start_date, Placement.annual_wage_krw, Placement.region_id, Placement.employer_email,
               FollowUp.status, FollowUp.region_id, FollowUp.checked_on, FollowUp.evidence, AuditEvent.id)
    with app.app_context():
        return [sorted(map(repr, db.session.scalars(select(column)))) for column in columns]


# --- unknown stays unknown ---------------------------------------------------------------------------------------

def test_the_follow_up_form_assumes_no_answer_and_an_unanswered_checkpoint_says_so(app, records):
    page = english(records[0]).get("/institutions/followups").get_data(as_text=True)
    controls, text = read_page(page)
    statuses = [attrs for name, attrs in controls if name == "status"]
    dates = [attrs for name, attrs in controls if name == "checked_on"]
    regions = [attrs for name, attrs in controls if name == "region"]
    assert statuses and dates and len(dates) == 4  # t2 at 3 (could not find out), 6, 9 and 12 months
    assert not [attrs for attrs in statuses + regions if "selected" in attrs or "checked" in attrs]
    assert all(not attrs.get("value") for attrs in dates)
    assert text.count("No answer") == 3 and "Could not find out" in text
    assert "unknown" not in text.lower().replace("(other work unknown)", "")  # a status's label says it, no answer


def test_an_answer_without_a_status_is_refused_and_writes_nothing(app, records):
    client = english(records[0])
    before = _snapshot(app)
    response = client.post("/institutions/followups", data={
        "trainee_ref": "t2", "checkpoint_month": "6", "status": "", "region": "", "checked_on": "",
        "evidence": "institution"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "t2, 6 months: status is required" in page and "checked_on is required" in page
    assert _snapshot(app) == before


# --- who was asked -----------------------------------------------------------------------------------------------

def test_each_checkpoint_shows_who_was_asked_by_email_and_who_answered(app, records):
    ids = _ids(app, "t2")
    sent = datetime(2025, 3, 21, 1, 0, tzinfo=timezone.utc)
    with app.app_context():
        for audience, email, reminders, answered in (("employer", "hr@seoul-ai.kr", 2, None),
                                                     ("trainee", "t2@example.kr", 0, sent + timedelta(days=3))):
            db.session.add(FollowUpRequest(
                enrollment_id=ids["trainee"], placement_id=ids["job"], checkpoint_month=6, audience=audience,
                email=email, nonce=audience, sent_at=sent, reminders=reminders, answered_at=answered,
                last_sent_at=sent + timedelta(days=7 * reminders), expires_at=sent + timedelta(days=30)))
        db.session.commit()
    client = english(records[0])
    for url in ("/institutions/followups", f"/institutions/trainees/{ids['trainee']}"):
        _, text = read_page(client.get(url).get_data(as_text=True))
        assert "Employer asked by email (hr@seoul-ai.kr) on 3/21/25" in text
        assert "reminders: 2, the last on 4/4/25" in text and "no answer yet" in text
        assert "Trainee asked by email (t2@example.kr) on 3/21/25" in text and "answered on 3/24/25" in text
        assert "Asked by the institution, checked on 2024-12-20" in text  # the 3-month "could not find out"
        assert "Nobody was asked by email." in text


# --- a trainee's status ------------------------------------------------------------------------------------------

def test_a_trainee_withdrawn_or_excluded_from_the_page_is_audited_old_to_new(app, records):
    client, user_id = records
    trainee_id = _ids(app, "t3")["trainee"]
    url = f"/institutions/trainees/{trainee_id}/status"
    controls, _ = read_page(client.get(url).get_data(as_text=True))
    assert ("status", {"tag": "option", "value": "completed", "selected": None}) in controls
    assert any(name == "completion_date" and attrs.get("value") == "2024-06-28" for name, attrs in controls)
    assert client.post(url, data={"status": "withdrawn", "completion_date": "", "excluded_reason": "",
                                  "excluded_on": ""}).status_code == 302
    assert client.post(url, data={"status": "withdrawn", "completion_date": "", "excluded_reason": "military_service",
                                  "excluded_on": "2024-05-02"}).status_code == 302
    with app.app_context():
        found = _trainee("t3")
        assert (found.status, found.completion_date, found.excluded_reason) == ("withdrawn", None, "military_service")
        first, second = _events("trainee_corrected")
        assert (first.actor_id, first.object_type, first.object_id) == (user_id, "enrollment", str(trainee_id))
        assert first.details["changes"] == {"status": ["completed", "withdrawn"],
                                            "completion_date": ["2024-06-28", None]}
        assert second.details == {"changes": {"excluded_reason": [None, "military_service"]},
                                  "excluded_on": "2024-05-02"}


@pytest.mark.parametrize("form,field", [
    ({"status": "completed", "completion_date": ""}, "completion_date"),
    ({"status": "completed", "completion_date": "2023-12-31"}, "completion_date"),  # before the cohort began
    ({"status": "completed", "completion_date": "2024-06-28", "excluded_reason": "health"}, "excluded_on"),
])
def test_a_status_the_csv_would_refuse_is_shown_beside_its_field_and_writes_nothing(app, records, form, field):
    url = f"/institutions/trainees/{_ids(app, 't4')['trainee']}/status"
    before = _snapshot(app)
    response = english(records[0]).post(url, data={"excluded_reason": "", "excluded_on": "", **form})
    assert response.status_code == 422 and f'id="{field}-err"' in response.get_data(as_text=True)
    assert _snapshot(app) == before


# --- a job -------------------------------------------------------------------------------------------------------

JOB = {"employer_name": "서울AI", "job_title": "MLOps 엔지니어", "region": "busan", "start_date": "2024-09-20",
       "annual_wage_krw": "41,000,000", "employment_type": "full_time", "in_field": "true",
       "employer_email": "hr@seoul-ai.kr"}


def test_a_job_is_edited_from_the_page_and_the_audit_keeps_no_email(app, records):
    client, user_id = records
    ids = _ids(app, "t2")
    controls, _ = read_page(client.get(f"/institutions/placements/{ids['job']}").get_data(as_text=True))
    assert ("region", {"tag": "option", "value": "seoul", "selected": None}) in controls
    assert client.post(f"/institutions/placements/{ids['job']}", data=JOB).status_code == 302
    with app.app_context():
        job = db.session.get(Placement, ids["job"])
        assert (job.job_title, job.region.slug, job.annual_wage_krw, job.employer_email) == (
            "MLOps 엔지니어", "busan", 41_000_000, "hr@seoul-ai.kr")
        assert job.source == "institution" and job.enrollment.trainee_ref == "t2"
        (event,) = _events("placement_corrected")
        assert event.actor_id == user_id and event.object_id == str(ids["job"])
        changes = event.details["changes"]
        assert changes["annual_wage_krw"] == [None, 41_000_000] and changes["job_title"] == ["ML 엔지니어",
                                                                                           "MLOps 엔지니어"]
        assert changes["employer_email"] == "changed" and "hr@seoul-ai.kr" not in str(event.details)


def test_a_job_edited_into_another_of_the_trainees_jobs_or_a_bad_date_writes_nothing(app, records):
    client = english(records[0])
    with app.app_context():
        from .training_world import job
        job(db.session, institution_of(records[1]), "t2", "2025-03-02", employer="부산비전")
        db.session.commit()
    ids = _ids(app, "t2")
    before = _snapshot(app)
    clash = client.post(f"/institutions/placements/{ids['job']}", data={**JOB, "employer_name": "부산비전",
                                                                         "start_date": "2025-03-02"})
    assert clash.status_code == 422 and "another job of this trainee has this employer" in clash.get_data(as_text=True)
    bad = client.post(f"/institutions/placements/{ids['job']}", data={**JOB, "start_date": "2024-02-30"})
    assert bad.status_code == 422 and 'id="start_date-err"' in bad.get_data(as_text=True)
    assert _snapshot(app) == before


def test_ending_a_job_answers_the_due_checkpoints_it_settles_and_keeps_known_answers(app, records):
    client, user_id = records
    ids = _ids(app, "t2")  # 서울AI from 2024-09-20, the first job: due 2024-12-20, 2025-03-20, 06-20, 09-20
    assert english(client).post(f"/institutions/placements/{ids['job']}/end", data={
        "left_on": "2025-05-01", "evidence": "trainee"}).status_code == 302
    with app.app_context():
        answers = {f.checkpoint_month: (f.status, f.region.slug if f.region else None, f.evidence)
                   for f in _trainee("t2").follow_ups}
        assert answers == {3: ("employed_same_employer", "seoul", "trainee"),
                           6: ("employed_same_employer", "seoul", "trainee"),
                           9: ("left_employer", None, "trainee"), 12: ("left_employer", None, "trainee")}
        (event,) = _events("placement_ended")
        assert event.actor_id == user_id and event.details["left_on"] == "2025-05-01"
        assert event.details["changes"] == {"status_3": ["unknown", "employed_same_employer"],
                                            "status_6": [None, "employed_same_employer"],
                                            "status_9": [None, "left_employer"], "status_12": [None, "left_employer"]}
    t1 = _ids(app, "t1")  # every checkpoint already answered: they stay, and the end is still audited
    assert client.post(f"/institutions/placements/{t1['job']}/end", data={"left_on": "2025-01-10",
                                                                          "evidence": "institution"}).status_code == 302
    with app.app_context():
        assert {f.status for f in _trainee("t1").follow_ups} == {"employed_same_employer"}
        assert len(_events("placement_ended")) == 2


@pytest.mark.parametrize("left_on", ["", "2024-09-19", "2099-01-01", "2025-02-30"])
def test_an_end_before_the_job_began_after_today_or_missing_writes_nothing(app, records, left_on):
    ids = _ids(app, "t2")
    before = _snapshot(app)
    response = records[0].post(f"/institutions/placements/{ids['job']}/end", data={"left_on": left_on,
                                                                                    "evidence": "institution"})
    assert response.status_code == 422 and 'id="left_on-err"' in response.get_data(as_text=True)
    assert _snapshot(app) == before


# --- a recorded answer -------------------------------------------------------------------------------------------

def test_a_recorded_answer_is_corrected_with_the_institution_as_its_source_unless_it_says_otherwise(app, records):
    client, user_id = records
    ids = _ids(app, "t1")
    with app.app_context():
        db.session.get(FollowUp, ids[3]).evidence = "employer"
        db.session.commit()
    url = f"/institutions/followups/{ids[3]}"
    controls, text = read_page(english(client).get(url).get_data(as_text=True))
    assert ("status", {"tag": "option", "value": "employed_same_employer", "selected": None}) in controls
    assert ("evidence", {"tag": "option", "value": "institution", "selected": None}) in controls
    assert any(name == "checked_on" and attrs.get("value") == "2024-10-15" for name, attrs in controls)
    assert "Recorded: Employed, same employer (Confirmed by the employer, checked on 2024-10-15)." in text
    assert client.post(url, data={"status": "employed_other_employer", "region": "busan",
                                  "checked_on": "2026-02-01", "evidence": "institution"}).status_code == 302
    with app.app_context():
        answer = db.session.get(FollowUp, ids[3])
        assert (answer.status, answer.region.slug, answer.checked_on.isoformat(), answer.evidence) == (
            "employed_other_employer", "busan", "2026-02-01", "institution")
        (event,) = _events("follow_up_corrected")
        assert event.actor_id == user_id and event.object_id == str(ids[3])
        changes = event.details["changes"]
        assert changes["status"] == ["employed_same_employer", "employed_other_employer"]
        assert changes["evidence"] == ["employer", "institution"] and changes["checked_on"] == ["2024-10-15",
                                                                                              "2026-02-01"]


@pytest.mark.parametrize("form,field", [({"status": ""}, "status"), ({"status": "employed_same_employer",
                                                                        "region": ""}, "region"),
                                        ({"checked_on": "2024-01-01"}, "checked_on")])
def test_a_correction_the_csv_would_refuse_writes_nothing(app, records, form, field):
    url = f"/institutions/followups/{_ids(app, 't1')[6]}"
    before = _snapshot(app)
    response = records[0].post(url, data={"status": "not_employed", "region": "", "checked_on": "2026-02-01",
                                          "evidence": "institution", **form})
    assert response.status_code == 422 and f'id="{field}-err"' in response.get_data(as_text=True)
    assert _snapshot(app) == before


# --- only one's own ----------------------------------------------------------------------------------------------

def test_another_institutions_records_answer_404_to_every_page_and_form(app, records, make_user):
    t1, t2 = _ids(app, "t1"), _ids(app, "t2")
    own_page = records[0].get(f"/institutions/cohorts/{_cohort_id(app)}").get_data(as_text=True)
    assert f"/institutions/trainees/{t1['trainee']}" in own_page and f"/institutions/placements/{t1['job']}" in own_page
    client, _ = make_user_and_login(make_user, records[0], institution="inst-b", region="busan")
    before = _snapshot(app)
    for url in (f"/institutions/trainees/{t1['trainee']}", f"/institutions/trainees/{t1['trainee']}/status",
                f"/institutions/placements/{t2['job']}", f"/institutions/followups/{t1[3]}"):
        assert client.get(url).status_code == 404, url
    for url, form in ((f"/institutions/trainees/{t1['trainee']}/status", {"status": "withdrawn"}),
                      (f"/institutions/placements/{t2['job']}", JOB),
                      (f"/institutions/placements/{t2['job']}/end", {"left_on": "2025-05-01"}),
                      (f"/institutions/followups/{t1[3]}", {"status": "not_employed", "checked_on": "2026-02-01",
                                                            "evidence": "institution"})):
        assert client.post(url, data=form).status_code == 404, url
    assert _snapshot(app) == before


def _cohort_id(app) -> int:
    with app.app_context():
        return _trainee("t1").cohort_id

"""The institution's pages: cohorts and trainees, CSV import (preview, confirm) and export, follow-ups due, and
outcome reports. Each institution only into its own records (who enters at all: tests/test_page_audiences.py)."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from talent_match.extensions import db
from talent_match.models import AuditEvent, Cohort, Enrollment, FollowUp, Placement, User
from talent_match.services.accounts import consent
from talent_match.services.outcomes import ledger as outcomes
from talent_match.services.training import records as training

from .page_support import english
from .training_world import check, cohort, job, trainee

COHORTS_CSV = ("cohort_code,programme_name,region,start_date,end_date\r\n"
               "GN-01,AI 엔지니어 과정,gyeongnam,2024-01-08,2024-06-28\r\n"
               "GN-02,AI 엔지니어 과정,경상남도,2024-07-01,2024-12-20\r\n")


def institution_of(user_id):
    return db.session.get(User, user_id).institution


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    """Uploads kept between preview and confirm go to this test's own folder."""
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config.pop("IMPORT_UPLOAD_DIR", None)


@pytest.fixture
def staff(app, login_as):
    """A signed-in user of institution inst-a (Gyeongnam)."""
    client, user_id = login_as("institution", institution="inst-a", region="gyeongnam")
    return client, user_id


@pytest.fixture
def records(app, staff):
    """inst-a's cohort A-2024 with four trainees, placements and follow-ups (figures checked against outcomes)."""
    with app.app_context():
        inst = institution_of(staff[1])
        cohort(db.session, inst, "A-2024")
        for ref in ("t1", "t2", "t3"):
            trainee(db.session, inst, "A-2024", ref)
        trainee(db.session, inst, "A-2024", "t4", status="withdrawn")
        job(db.session, inst, "t1", "2024-07-15")
        job(db.session, inst, "t2", "2024-09-20", region="seoul", employer="서울AI")
        for month in (3, 6, 9, 12):  # each asked on the day it fell due
            check(db.session, inst, "t1", month, "employed_same_employer", "gyeongnam",
                  on=outcomes.add_months(date(2024, 7, 15), month).isoformat())
        check(db.session, inst, "t2", 3, "unknown", on="2024-12-20")
        db.session.commit()
    return staff


def upload(client, kind, text, encoding="utf-8"):
    data = {"kind": kind, "file": (io.BytesIO(text.encode(encoding)), f"{kind}.csv")}
    return client.post("/institutions/imports/preview", data=data, content_type="multipart/form-data")


def confirm_token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_a_programme_and_a_cohort_are_created_from_the_forms(app, staff):
    client, user_id = staff
    assert client.post("/institutions/programmes", data={"programme_name": "비전 AI 과정", "field": "AI",
                                                         "funding_programme": ""}).status_code == 302
    response = client.post("/institutions/cohorts", data={
        "cohort_code": "V-01", "programme_name": "비전 AI 과정", "region": "gyeongnam", "start_date": "2025-03-03",
        "end_date": "2025-08-29"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "V-01" in page and "비전 AI 과정" in page
    assert "V-01" in client.get("/institutions/").get_data(as_text=True)


def test_cohort_errors_are_shown_beside_their_fields(app, staff):
    response = english(staff[0]).post("/institutions/cohorts", data={
        "cohort_code": "", "programme_name": "X", "region": "gyeongnam", "start_date": "2025-09-01",
        "end_date": "2025-03-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="cohort_code-err"' in page and 'id="end_date-err"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_a_cohort_lists_its_trainees_with_status_and_consent(app, records):
    client, user_id = records
    with app.app_context():
        cohort_id = training.cohort_by_code(db.session, institution_of(user_id), "A-2024").id
    page = english(client).get(f"/institutions/cohorts/{cohort_id}").get_data(as_text=True)
    assert all(ref in page for ref in ("t1", "t2", "t3", "t4"))
    assert "Withdrawn" in page and "Not linked" in page


def test_a_placement_reported_by_the_trainee_is_recorded_from_the_cohort_page(app, records):
    client, user_id = records
    with app.app_context():
        cohort_id = training.cohort_by_code(db.session, institution_of(user_id), "A-2024").id
    form = {"trainee_ref": "t3", "employer_name": "(주)울산비전", "job_title": "비전 엔지니어", "region": "ulsan",
            "start_date": "2024-08-01", "annual_wage_krw": "38,000,000", "employment_type": "contract",
            "in_field": "true", "source": "trainee"}
    response = client.post(f"/institutions/cohorts/{cohort_id}/placements", data=form)
    assert response.status_code == 302
    page = english(client).get(f"/institutions/cohorts/{cohort_id}").get_data(as_text=True)
    assert "(주)울산비전" in page and "Reported by the trainee" in page
    with app.app_context():
        job_ = db.session.scalar(select(Placement).where(Placement.employer_name == "(주)울산비전"))
        assert (job_.source, job_.annual_wage_krw, job_.region.slug, job_.in_field) == ("trainee", 38_000_000,
                                                                                      "ulsan", True)
    bad = client.post(f"/institutions/cohorts/{cohort_id}/placements", data={**form, "start_date": "2024-02-30"})
    assert bad.status_code == 422 and "not a real date" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Placement)) == 3


def test_another_institutions_cohort_and_report_answer_404(app, records, make_user):
    with app.app_context():
        own = training.cohort_by_code(db.session, institution_of(records[1]), "A-2024")
        own_id, enrollment_id = own.id, own.enrollments[0].id
    client, _ = make_user_and_login(make_user, records[0], institution="inst-b", region="busan")
    assert client.get(f"/institutions/cohorts/{own_id}").status_code == 404
    assert client.get("/institutions/report?group=cohort&key=A-2024").status_code == 404
    assert client.post(f"/institutions/cohorts/{own_id}/trainees", data={"trainee_ref": "x"}).status_code == 404
    assert client.post(f"/institutions/cohorts/{own_id}/trainees/{enrollment_id}/link",
                       data={"email": "a@example.kr"}).status_code == 404
    assert "A-2024" not in client.get("/institutions/").get_data(as_text=True)
    assert "A-2024" not in client.get("/institutions/exports/cohorts.csv").get_data(as_text=True)


def make_user_and_login(make_user, client, **kwargs):
    from .conftest import login
    client.post("/auth/logout")
    user_id, email = make_user("institution", **kwargs)
    assert login(client, email).status_code == 302
    return client, user_id


def test_a_preview_shows_row_errors_and_commits_nothing(app, staff):
    bad = COHORTS_CSV + "GN-03,AI 엔지니어 과정,atlantis,2024-13-01,2024-12-20\r\n"
    response = english(staff[0]).post("/institutions/imports/preview", data={
        "kind": "cohorts", "file": (io.BytesIO(bad.encode()), "cohorts.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<td class="num">4</td><td>region</td><td>unknown region', page)
    assert re.search(r'<td class="num">4</td><td>start_date</td>', page)
    assert 'name="token"' not in page and "Nothing was imported" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_a_korean_preview_says_what_is_wrong_with_each_row_in_korean(staff):
    bad = COHORTS_CSV + "GN-03,AI 엔지니어 과정,atlantis,2024-02-30,2024-12-20\r\n"
    page = upload(staff[0], "cohorts", bad).get_data(as_text=True)
    assert re.search(r'<td class="num">4</td><td>region</td><td>알 수 없는 지역 &#39;atlantis&#39;입니다', page)
    assert '<td class="num">4</td><td>start_date</td><td>존재하지 않는 날짜입니다: 2024-02-30</td>' in page


def test_confirm_imports_the_previewed_file_once_and_a_second_import_changes_nothing(app, staff, upload_dir):
    client = english(staff[0])
    preview = upload(client, "cohorts", COHORTS_CSV)
    assert preview.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0   # a preview writes nothing
    token = confirm_token(preview.get_data(as_text=True))
    assert len(list(upload_dir.iterdir())) == 1                                   # kept on the server, not in the page
    assert client.post("/institutions/imports/confirm", data={"token": token}).status_code == 302
    assert list(upload_dir.iterdir()) == []
    with app.app_context():
        assert sorted(db.session.scalars(select(Cohort.code))) == ["GN-01", "GN-02"]
    again = client.post("/institutions/imports/confirm", data={"token": token})   # the token is spent
    assert "expired" in client.get(again.headers["Location"]).get_data(as_text=True)
    second = upload(client, "cohorts", COHORTS_CSV).get_data(as_text=True)
    assert re.search(r"<strong>2</strong> unchanged", second)
    done = client.post("/institutions/imports/confirm", data={"token": confirm_token(second)}, follow_redirects=True)
    assert "0 added, 0 updated, 2 unchanged" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == 2


def test_a_token_from_another_session_is_refused(app, staff, make_user):
    token = confirm_token(upload(staff[0], "cohorts", COHORTS_CSV).get_data(as_text=True))
    other = app.test_client()
    _, email = make_user("institution", institution="inst-z")
    from .conftest import login
    login(other, email)
    assert other.post("/institutions/imports/confirm", data={"token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_korean_excel_files_and_korean_headers_are_read(app, staff):
    text = "기수코드,과정명,지역,시작일,종료일\r\nGN-09,AI 과정,경남,2024-01-08,2024-06-28\r\n"
    page = upload(staff[0], "cohorts", text, encoding="cp949").get_data(as_text=True)
    assert "GN-09" in page and 'name="token"' in page


def test_templates_download_with_a_bom_and_the_import_columns(staff):
    response = staff[0].get("/institutions/imports/templates/followups.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.data.decode("utf-8-sig").strip() == \
        "trainee_ref,checkpoint_month,status,region,checked_on,evidence"
    assert "attachment" in response.headers["Content-Disposition"]
    assert staff[0].get("/institutions/imports/templates/passwords.csv").status_code == 404


def test_an_export_has_a_bom_neutralised_formulas_and_is_audited(app, staff):
    client, user_id = staff
    with app.app_context():
        inst = institution_of(user_id)
        cohort(db.session, inst, "A-2024")
        trainee(db.session, inst, "A-2024", "t1", name="=HYPERLINK(\"http://evil\")")
        db.session.commit()
        inst_id = inst.id
    response = client.get("/institutions/exports/trainees.csv")
    assert response.data.startswith(b"\xef\xbb\xbf") and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    xlsx = client.get("/institutions/exports/trainees.xlsx")
    assert xlsx.data.startswith(b"PK")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.details["kind"], e.details["format"], e.details["rows"]) for e in events] == \
            [("trainees", "csv", 1), ("trainees", "xlsx", 1)]
        assert all(e.actor_id == user_id and e.object_id == str(inst_id) for e in events)
        assert "HYPERLINK" not in str(events[0].details) and "t1" not in str(events[0].details)


def figure(page: str, definition: str) -> tuple[str, str, str]:
    """(rate, numerator, denominator) of the report row whose definition is given."""
    escaped = re.escape(definition.replace("'", "&#39;"))
    match = re.search(escaped + r'</p></th>\s*<td class="num stat-cell">([^<]*)(?:<p class="muted parts answers">'
                      r'[^<]*</p>)?</td>\s*<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>', page)
    assert match, definition[:40]
    return match.groups()


def test_the_report_shows_each_number_beside_its_definition_equal_to_the_ledger(app, records):
    client, user_id = records
    as_of = date(2025, 12, 31)
    page = client.get(f"/institutions/report?as_of={as_of.isoformat()}").get_data(as_text=True)
    with app.app_context():
        expected = outcomes.report(db.session, as_of, institution=institution_of(user_id)).metrics
    for name in ("completion_rate", "placement_rate_90", "in_field_rate", "retention_3", "retention_12",
                 "same_employer_retention_12", "local_retention_12", "capital_outflow_12"):
        _, numerator, denominator = figure(page, outcomes.DEFINITIONS[name]["ko"])
        assert (numerator, denominator) == (str(expected[name]["numerator"]), str(expected[name]["denominator"]))
    assert (expected["completion_rate"]["numerator"], expected["completion_rate"]["denominator"]) == (3, 4)
    # Unknowns per checkpoint: due, still employed, unknown (t2's 3-month answer is "unknown").
    unknowns = re.search(r'<th scope="row">3[^<]*</th><td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>'
                         r'<td class="num">(\d+)</td>', page)
    assert unknowns.groups() == (str(expected["unknown_3"]["denominator"]), "1",
                                 str(expected["unknown_3"]["numerator"])) == ("2", "1", "1")
    assert "line-chart" in page and "bar-chart" in page


def test_the_report_follows_the_locale_and_the_as_of_date(app, records):
    client, _ = records
    page = english(client).get("/institutions/report?as_of=2024-11-01").get_data(as_text=True)
    _, numerator, denominator = figure(page, outcomes.DEFINITIONS["retention_3"]["en"])
    assert (numerator, denominator) == ("1", "1")     # t2's 3 months fall due on 2024-12-20
    later = client.get("/institutions/report?as_of=2025-01-31").get_data(as_text=True)
    assert figure(later, outcomes.DEFINITIONS["retention_3"]["en"])[1:] == ("1", "2")


def test_retention_figures_say_who_answered_and_a_cohort_in_training_has_no_completion_rate(app, records):
    client, staff_id = records
    with app.app_context():
        inst = institution_of(staff_id)
        check(db.session, inst, "t2", 3, "employed_other_employer", "seoul", on="2025-01-10", evidence="employer")
        cohort(db.session, inst, "B-2025", start="2024-12-02", end="2025-05-30")
        trainee(db.session, inst, "B-2025", "b1", status="enrolled")
        db.session.commit()
    page = english(client).get("/institutions/report?as_of=2025-01-31").get_data(as_text=True)
    # t1 answered by the institution, t2 by the employer: 2 of 2 answered, 1 verified
    assert "answered 2 of 2, 1 verified by employers or insurance records" in page
    cohort_page = client.get("/institutions/report?as_of=2025-01-31&group=cohort&key=B-2025").get_data(as_text=True)
    assert figure(cohort_page, outcomes.DEFINITIONS["completion_rate"]["en"]) == ("in training", "0", "0")
    whole = figure(page, outcomes.DEFINITIONS["completion_rate"]["en"])
    assert whole[1:] == ("3", "4")                      # B-2025 is not in the institution's rate as of January


def test_a_cohort_programme_and_year_each_have_a_report(app, records):
    client, _ = records
    for query in ("group=cohort&key=A-2024", "group=programme&key=AI 엔지니어 양성과정", "group=year&key=2024"):
        assert client.get(f"/institutions/report?{query}").status_code == 200, query
    assert client.get("/institutions/report?group=year&key=1999").status_code == 404


def test_the_printable_report_and_its_csv(app, records):
    client, user_id = records
    printable = client.get("/institutions/report/print?as_of=2025-12-31").get_data(as_text=True)
    assert outcomes.DEFINITIONS["completion_rate"]["ko"] in printable and "<form" not in \
        printable.split('<main id="main">')[1].split("</main>")[0].replace('class="inline"', "")
    response = client.get("/institutions/report.csv?by=cohort&as_of=2025-12-31")
    text = response.data.decode("utf-8-sig")
    assert response.data.startswith(b"\xef\xbb\xbf") and text.splitlines()[0].startswith("group,key,label,as_of")
    assert "A-2024" in text and ",3,4," in text
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.details["kind"] == "outcomes"


def test_follow_ups_due_are_listed_and_recorded_from_the_quick_form(app, records):
    client, _ = records
    page = client.get("/institutions/followups").get_data(as_text=True)
    assert "t2" in page and "서울AI" in page
    response = english(client).post("/institutions/followups", data={
        "trainee_ref": "t2", "checkpoint_month": "3", "status": "employed_other_employer", "region": "",
        "checked_on": "2025-01-10", "evidence": "trainee"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "region" in page and "is required when the trainee is employed" in page
    client.post("/institutions/followups", data={
        "trainee_ref": "t2", "checkpoint_month": "3", "status": "employed_other_employer", "region": "seoul",
        "checked_on": "2025-01-10", "evidence": "trainee"})
    with app.app_context():
        follow_up = db.session.scalar(select(FollowUp).join(Enrollment).where(Enrollment.trainee_ref == "t2",
                                                                              FollowUp.checkpoint_month == 3))
        assert follow_up.status == "employed_other_employer" and follow_up.evidence == "trainee"


def test_a_trainee_is_linked_to_a_seeker_account_only_with_consent(app, records, make_user):
    client, user_id = records
    willing_id, willing_email = make_user("seeker")
    _, unwilling_email = make_user("seeker")
    with app.app_context():
        consent.record(db.session, db.session.get(User, willing_id), "share_outcomes", True, "2026-11")
        db.session.commit()
        cohort_row = training.cohort_by_code(db.session, institution_of(user_id), "A-2024")
        cohort_id = cohort_row.id
        t1 = next(e.id for e in cohort_row.enrollments if e.trainee_ref == "t1")
    refused = english(client).post(f"/institutions/cohorts/{cohort_id}/trainees/{t1}/link",
                                   data={"email": unwilling_email})
    unknown = client.post(f"/institutions/cohorts/{cohort_id}/trainees/{t1}/link", data={"email": "no@one.kr"})
    assert refused.status_code == unknown.status_code == 422
    message = "no seeker account with this email has agreed to share training outcomes"
    assert message in refused.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.post(f"/institutions/cohorts/{cohort_id}/trainees/{t1}/link",
                       data={"email": willing_email}).status_code == 302
    with app.app_context():
        enrollment = db.session.get(Enrollment, t1)
        assert (enrollment.seeker_user_id, enrollment.shares_outcomes) == (willing_id, True)
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == str(t1))) == "trainee_linked"
    assert ">Yes<" in client.get(f"/institutions/cohorts/{cohort_id}").get_data(as_text=True)
    client.post(f"/institutions/cohorts/{cohort_id}/trainees/{t1}/unlink")
    with app.app_context():
        assert db.session.get(Enrollment, t1).seeker_user_id is None


"""Privacy under PIPA: consents, withdrawal with immediate effect, download my data, delete my account, the purge of
inactive accounts, resident registration numbers refused everywhere, and the audit trail of views and exports."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from talent_match.extensions import db
from talent_match.models import (ApiToken, Application, AuditEvent, Consent, Enrollment, FollowUp, Placement,
                                 SeekerProfile, StoredVector, User)
from talent_match.services import audit
from talent_match.services.accounts import api_tokens
from talent_match.services.hiring import applications
from talent_match.services.hiring.postings import today_in_korea
from talent_match.services.matching import pipeline as matching
from talent_match.services.outcomes import ledger as outcomes
from talent_match.services.privacy import consents
from talent_match.services.search.indexing import logged_regions
from talent_match.services.training import trainee_links

from .api_support import ApiClient, api, cheap_password_hashes, send_csv, token_for  # noqa: F401 - fixtures
from .conftest import PASSWORD, login
from .indexing_support import engine  # noqa: F401 - fixture
from .jobs_support import make_posting, make_profile, user
from .training_world import check, cohort, job, trainee

RRN = "900101-1234567"
NAME, EMAIL, PHONE = "김비밀", "hidden.person@example.kr", "010-2468-1357"


@pytest.fixture
def hired(app, engine, make_user):
    """A discoverable seeker who applied to a posting, and a trainee record of theirs, linked, placed and followed."""
    seeker_id, seeker_email = make_user("seeker", email=EMAIL, name=NAME)
    employer_id, _ = make_user("employer")
    institution_id, _ = make_user("institution")
    with app.app_context():
        make_profile(seeker_id, discoverable=True, phone=PHONE, headline="비전 검사 엔지니어",
                     skills=["Python", "PyTorch"])
        posting = make_posting(employer_id)
        applications.apply(db.session, user(seeker_id), posting.id, "지원합니다")
        inst = user(institution_id).institution
        cohort(db.session, inst, "GN-2024-1")
        trainee(db.session, inst, "GN-2024-1", "T001", name=NAME)
        db.session.scalar(select(Enrollment)).email = EMAIL
        consents.set_optional_consent(db.session, engine, user(seeker_id), "share_outcomes", True, "2026-11")
        enrollment = trainee_links.link(db.session, inst, db.session.scalar(select(Enrollment.id)), EMAIL)
        job(db.session, inst, "T001", "2024-08-01", wage=36_000_000)
        check(db.session, inst, "T001", 3, "employed_same_employer", region="gyeongnam", on="2024-11-05")
        api_tokens.issue(db.session, user(seeker_id), "내 스크립트")
        db.session.commit()
        ids = {"seeker": seeker_id, "employer": employer_id, "institution": institution_id, "posting": posting.id,
               "profile": user(seeker_id).profile.id, "enrollment": enrollment.id, "email": seeker_email}
        db.session.remove()
    return ids


def _signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _candidate_ids(engine, posting_id) -> set[int]:
    posting = db.session.get(matching.Posting, posting_id)
    query = engine.query_vector(db.session, "posting", posting_id)
    dense = set(engine.search(db.session, "profile", [posting.region_id], query, 10))
    ranked = {item.entity.id for item in matching.for_posting(db.session, engine, posting).items}
    return dense | ranked


# --- consents ---------------------------------------------------------------------------------------------------

def test_consents_are_recorded_with_item_version_and_time_required_apart_from_optional(app, client, engine):
    response = client.post("/auth/register", data={
        "role": "seeker", "name": "새사람", "email": "new@example.kr", "password": PASSWORD, "confirm": PASSWORD,
        "region": "gyeongnam", "privacy": "y"})
    assert response.status_code == 302 and login(client, "new@example.kr").status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Consent))
        assert (row.item, row.granted, row.version) == ("privacy_required", True, app.config["CONSENT_VERSION"])
        assert row.created_at is not None
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/privacy/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    required, optional = text.index('id="consent-privacy_required"'), text.index('id="consent-discoverable"')
    assert required < optional and 'id="consent-share_outcomes"' in text
    assert "Delete your account to withdraw it." in text[required:optional]
    assert app.config["CONSENT_VERSION"] in text[required:optional]


def test_employers_see_only_the_required_consent(app, login_as):
    client, _ = login_as("employer")
    text = client.get("/privacy/").get_data(as_text=True)
    assert 'id="consent-privacy_required"' in text and 'id="consent-discoverable"' not in text
    assert client.post("/privacy/consents/discoverable", data={"granted": "1"}).status_code == 302
    assert client.post("/privacy/consents/nonsense", data={"granted": "1"}).status_code == 404


def test_withdrawing_discoverable_takes_the_seeker_out_of_matching_and_the_vector_index_at_once(app, engine, hired):
    with app.app_context():
        assert hired["profile"] in _candidate_ids(engine, hired["posting"])
    client = _signed_in(app, hired["email"])
    assert client.post("/privacy/consents/discoverable", data={"granted": "0"}).status_code == 302
    with app.app_context():
        latest = db.session.scalar(select(Consent).where(Consent.item == "discoverable").order_by(Consent.id.desc()))
        assert (latest.granted, latest.version) == (False, app.config["CONSENT_VERSION"])
        assert hired["profile"] not in _candidate_ids(engine, hired["posting"])
        assert logged_regions(db.session, "profile", [hired["profile"]]).get(hired["profile"], set()) == set()
    assert client.post("/privacy/consents/discoverable", data={"granted": "1"}).status_code == 302
    with app.app_context():
        assert hired["profile"] in _candidate_ids(engine, hired["posting"])


def test_withdrawing_share_outcomes_cuts_the_institutions_link_but_keeps_its_record(app, hired):
    client = _signed_in(app, hired["email"])
    assert client.post("/privacy/consents/share_outcomes", data={"granted": "0"}).status_code == 302
    with app.app_context():
        enrollment = db.session.get(Enrollment, hired["enrollment"])
        assert enrollment.seeker_user_id is None and not enrollment.shares_outcomes and enrollment.name == NAME
        assert not trainee_links.consents(db.session, [hired["seeker"]])[hired["seeker"]]


def test_the_required_consent_is_withdrawn_only_by_deleting_the_account(app, hired):
    client = _signed_in(app, hired["email"])
    response = client.post("/privacy/consents/privacy_required", data={"granted": "0"}, follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        latest = db.session.scalar(select(Consent).where(Consent.item == "privacy_required",
                                                         Consent.user_id == hired["seeker"]))
        assert latest is None or latest.granted


# --- download my data -------------------------------------------------------------------------------------------

def test_download_my_data_holds_account_profile_skills_applications_consents_and_linked_training(app, hired,
                                                                                                 caplog):
    client = _signed_in(app, hired["email"])
    with caplog.at_level("WARNING", logger="talent_match.security"):
        response = client.get("/privacy/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME and data["account"]["phone"] == PHONE
    assert data["profile"]["headline"] == "비전 검사 엔지니어" and data["profile"]["discoverable"] is True
    assert {"Python", "PyTorch"} <= set(data["skills"])
    assert [a["status"] for a in data["applications"]] == ["applied"]
    assert {(c["item"], c["granted"], c["required"]) for c in data["consents"]} >= {
        ("discoverable", True, False), ("share_outcomes", True, False)}
    assert all(c["version"] and c["at"] for c in data["consents"])
    [enrollment] = data["enrollments"]
    assert enrollment["trainee_ref"] == "T001" and enrollment["placements"][0]["annual_wage_krw"] == 36_000_000
    assert enrollment["follow_ups"][0]["status"] == "employed_same_employer"
    assert data["api_tokens"][0]["name"] == "내 스크립트" and "token_hash" not in json.dumps(data)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
        assert (event.actor_id, event.details["kind"]) == (hired["seeker"], "my_data")
    assert "data_export" in caplog.text and EMAIL not in caplog.text and NAME not in caplog.text


def test_download_my_data_lists_a_platform_hire_and_every_candidate_list_the_person_appeared_in(app, hired):
    with app.app_context():
        employer = user(hired["employer"])
        audit.record_candidates_listed(db.session, employer, hired["posting"], [hired["profile"] + 1000,
                                                                               hired["profile"]], [], via="web")
        audit.record_candidates_listed(db.session, employer, hired["posting"], [hired["profile"] + 1000], [],
                                       via="web")  # someone else's list
        audit.record_candidates_listed(db.session, employer, hired["posting"], [hired["profile"]],
                                       [hired["profile"]], via="api", page=2)
        application = db.session.scalar(select(Application))
        for status in ("reviewing", "interview", "offer", "hired"):
            applications.transition(db.session, employer, application.id, status, start_date="2026-03-02",
                                    wage="41000000")
        db.session.commit()
    data = _signed_in(app, hired["email"]).get("/privacy/my-data.json").get_json()
    assert [(c["posting_id"], c["via"], c["contact_shown"]) for c in data["candidate_lists"]] == [
        (hired["posting"], "web", False), (hired["posting"], "api", True)]
    hire = [p for p in data["placements"] if p["source"] == "platform_hire"]
    assert [(p["start_date"], p["annual_wage_krw"], p["application_id"] is not None) for p in hire] == [
        ("2026-03-02", 41_000_000, True)]
    assert hire[0]["employer_name"] and hire[0]["job_title"]


# --- delete my account ------------------------------------------------------------------------------------------

def test_deleting_the_account_removes_personal_data_and_vectors_and_keeps_pseudonymous_outcomes(app, engine, hired,
                                                                                                caplog):
    as_of = today_in_korea()
    with app.app_context():
        inst = user(hired["institution"]).institution
        figures_before = outcomes.report(db.session, as_of, institution=inst).metrics
    client = _signed_in(app, hired["email"])
    with caplog.at_level("WARNING", logger="talent_match.security"):
        response = client.post("/privacy/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert client.get("/seekers/").status_code == 401  # signed out
    assert login(app.test_client(), hired["email"]).status_code == 200  # and cannot sign in again
    with app.app_context():
        s = db.session
        assert s.get(User, hired["seeker"]) is None
        assert s.scalar(select(func.count()).select_from(SeekerProfile)) == 0
        for model in (Application, Consent, ApiToken):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
        assert s.scalar(select(StoredVector).where(StoredVector.kind == "profile")) is None
        assert hired["profile"] not in _candidate_ids(engine, hired["posting"])
        enrollment = s.get(Enrollment, hired["enrollment"])
        assert (enrollment.name, enrollment.email, enrollment.seeker_user_id) == ("", None, None)
        assert enrollment.trainee_ref == "T001" and enrollment.status == "completed"
        assert s.scalar(select(func.count()).select_from(Placement)) == 1
        assert s.scalar(select(func.count()).select_from(FollowUp)) == 1
        assert outcomes.report(s, as_of, institution=user(hired["institution"]).institution).metrics == figures_before
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "account_deleted"))
        assert event.object_id == str(hired["seeker"]) and NAME not in json.dumps(event.details)
        trail = json.dumps([e.details for e in s.scalars(select(AuditEvent))], ensure_ascii=False)
        assert EMAIL not in trail and NAME not in trail
    assert "account_deleted" in caplog.text and EMAIL not in caplog.text and NAME not in caplog.text


@pytest.mark.parametrize("form", [{"password": PASSWORD}, {"password": "wrong-password-1", "confirm": "y"}, {}])
def test_deleting_needs_the_password_and_the_confirmation(app, hired, form):
    client = _signed_in(app, hired["email"])
    response = client.post("/privacy/delete", data=form)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, hired["seeker"]) is not None


def test_employers_and_institutions_can_delete_their_accounts_and_their_organisation_stays(app, hired):
    with app.app_context():
        employer, institution = user(hired["employer"]), user(hired["institution"])
        emails, company_id = (employer.email, institution.email), employer.company_id
    for email in emails:
        client = _signed_in(app, email)
        assert client.post("/privacy/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, hired["employer"]) is None and db.session.get(User, hired["institution"]) is None
        assert db.session.get(matching.Posting, hired["posting"]).company_id == company_id
        assert db.session.get(Enrollment, hired["enrollment"]).name == NAME  # the seeker's record is theirs


# --- last seen and the purge of inactive accounts ---------------------------------------------------------------

def test_last_seen_is_written_on_sign_in_and_at_most_once_a_day(app, engine, make_user):
    seeker_id, email = make_user("seeker")
    client = app.test_client()
    login(client, email)
    with app.app_context():
        first = user(seeker_id).last_seen_at
    assert first is not None
    client.get("/privacy/")
    with app.app_context():
        assert user(seeker_id).last_seen_at == first  # not again the same day
        user(seeker_id).last_seen_at = datetime.now(timezone.utc) - timedelta(days=2)
        db.session.commit()
    client.get("/privacy/")
    with app.app_context():
        seen = user(seeker_id).last_seen_at
        seen = seen if seen.tzinfo else seen.replace(tzinfo=timezone.utc)
        assert datetime.now(timezone.utc) - seen < timedelta(minutes=5)


def test_api_use_counts_as_activity(app, engine, api):
    client = api("seeker")
    assert client.get("/api/v1/profile").status_code == 200
    with app.app_context():
        assert user(client.user_id).last_seen_at is not None


def test_purge_inactive_deletes_unused_accounts_but_not_admins_or_recent_ones(app, runner, engine, hired,
                                                                              make_user):
    admin_id, _ = make_user("admin")
    fresh_id, _ = make_user("seeker")
    long_ago = datetime.now(timezone.utc) - timedelta(days=app.config["INACTIVE_ACCOUNT_DAYS"] + 1)
    with app.app_context():
        for user_id in (hired["seeker"], hired["employer"], admin_id):
            user(user_id).last_seen_at = long_ago
        user(fresh_id).last_seen_at = datetime.now(timezone.utc)
        db.session.commit()
    dry = runner.invoke(args=["purge-inactive", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would delete 2 account(s)" in dry.output and str(hired["seeker"]) in dry.output
    assert EMAIL not in dry.output
    with app.app_context():
        assert db.session.get(User, hired["seeker"]) is not None
    done = runner.invoke(args=["purge-inactive"])
    assert done.exit_code == 0 and "deleted 2 account(s)" in done.output, done.output
    with app.app_context():
        remaining = set(db.session.scalars(select(User.id)))
        assert hired["seeker"] not in remaining and hired["employer"] not in remaining
        assert {admin_id, fresh_id, hired["institution"]} <= remaining
        assert db.session.get(Enrollment, hired["enrollment"]).name == ""
        assert db.session.scalar(select(StoredVector).where(StoredVector.kind == "profile",
                                                            StoredVector.entity_id == hired["profile"])) is None
    assert "deleted 0 account(s)" in runner.invoke(args=["purge-inactive", "--days", "30"]).output


# --- resident registration numbers ------------------------------------------------------------------------------

RRN_WEB = [
    ("seeker", "/seekers/profile", {"kind": "bootcamp_graduate", "home_region": "gyeongnam", "headline": RRN,
                                    "years_experience": "0", "work_mode": ""}),
    ("seeker", "/seekers/profile", {"kind": "bootcamp_graduate", "home_region": "gyeongnam", "work_mode": "",
                                    "summary": f"주민번호 {RRN.replace('-', '')} 입니다", "years_experience": "0"}),
    ("seeker", "/seekers/cv/save", {"cv_text": f"이력서\n주민등록번호: {RRN}\n"}),
    ("employer", "/employers/postings/new", {"title": "엔지니어", "description": f"담당자 {RRN}", "region": "gyeongnam",
                                             "employment_type": "full_time", "work_mode": "onsite",
                                             "status": "draft", "openings": "1", "min_experience": "0"}),
    ("employer", "/employers/company", {"name": f"회사 {RRN}", "region": "gyeongnam", "size": "10-49"}),
    ("institution", "/institutions/cohorts", {"cohort_code": RRN, "programme_name": "과정", "region": "gyeongnam",
                                              "start_date": "2025-01-06", "end_date": "2025-06-30"}),
]


@pytest.mark.parametrize("role,path,form", RRN_WEB, ids=[f"{r}{p}-{i}" for i, (r, p, _) in enumerate(RRN_WEB)])
def test_web_forms_refuse_resident_registration_numbers(app, engine, login_as, role, path, form):
    client, _ = login_as(role)
    before = _rows(app)
    response = client.post(path, data=form)
    assert response.status_code == 422 and "주민등록번호" in response.get_data(as_text=True)
    assert _rows(app) == before


def test_registration_refuses_a_resident_registration_number_as_a_name(app, client):
    response = client.post("/auth/register", data={
        "role": "seeker", "name": RRN, "email": "rrn@example.kr", "password": PASSWORD, "confirm": PASSWORD,
        "region": "gyeongnam", "privacy": "y"})
    assert response.status_code in (200, 422) and "주민등록번호" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


RRN_API = [
    ("seeker", "put", "/api/v1/profile", {"summary": f"번호 {RRN}"}),
    ("seeker", "put", "/api/v1/profile", {"certifications": ["정보처리기사", RRN]}),
    ("employer", "post", "/api/v1/postings", {"title": f"엔지니어 {RRN}"}),
]


@pytest.mark.parametrize("role,method,path,body", RRN_API)
def test_the_api_refuses_resident_registration_numbers(app, engine, api, role, method, path, body):
    client = api(role)
    before = _rows(app)
    response = getattr(client, method)(path, json=body)
    assert response.status_code == 422 and "주민등록번호" in json.dumps(response.json, ensure_ascii=False)
    assert _rows(app) == before


@pytest.mark.parametrize("kind,text", [
    ("trainees", f"cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n"
                 f"GN-1,{RRN},김하나,,enrolled,,\n"),
    ("trainees", f"cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n"
                 f"GN-1,T1,김하나 {RRN.replace('-', '')},,enrolled,,\n"),
    ("placements", f"trainee_ref,employer_name,job_title,region,start_date,annual_wage_krw,employment_type,in_field\n"
                   f"T1,창원정밀,\"엔지니어, {RRN}\",경남,2025-07-14,,full_time,true\n"),
])
def test_imports_refuse_a_resident_registration_number_in_any_cell(app, api, kind, text):
    client = api("institution")
    send_csv(client, "cohorts", "cohort_code,programme_name,region,start_date,end_date\n"
                                "GN-1,과정,경남,2025-01-06,2025-06-30\n")
    before = _rows(app)
    response = send_csv(client, kind, text)
    assert response.status_code == 422 and "주민등록번호" in json.dumps(response.json, ensure_ascii=False)
    assert _rows(app) == before


def _rows(app) -> tuple:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (User, SeekerProfile, matching.Posting, Application, Enrollment, Placement,
                                   matching.Posting.__table__.metadata.tables["cohort"]))


# --- the audit trail --------------------------------------------------------------------------------------------

def test_candidate_views_and_exports_are_audited_and_admins_read_the_log_without_personal_data(app, hired,
                                                                                               login_as, caplog):
    with app.app_context():
        employer_email = user(hired["employer"]).email
        institution_email = user(hired["institution"]).email
    with caplog.at_level("WARNING", logger="talent_match.security"):
        employer = _signed_in(app, employer_email)
        assert employer.get(f"/employers/postings/{hired['posting']}/candidates/{hired['profile']}").status_code == 200
        institution = _signed_in(app, institution_email)
        assert institution.get("/institutions/exports/trainees.csv").status_code == 200
        assert NAME in institution.get("/institutions/exports/trainees.csv").get_data(as_text=True)
    assert "export" in caplog.text and EMAIL not in caplog.text and NAME not in caplog.text
    with app.app_context():
        views = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "candidate_viewed")))
        assert [(v.actor_id, v.object_id) for v in views] == [(hired["employer"], str(hired["profile"]))]
        exports = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
        assert exports and all(e.actor_id == hired["institution"] for e in exports)
    if "admin.audit" not in app.view_functions:
        pytest.skip("no admin audit page yet")
    assert employer.get("/admin/audit").status_code == 403
    admin, _ = login_as("admin")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "candidate_viewed" in page and "export" in page
    assert NAME not in page and EMAIL not in page and PHONE not in page
    assert "candidate_viewed" in admin.get("/admin/audit?action=candidate_viewed").get_data(as_text=True)


def test_reading_trainee_records_through_the_api_is_audited_as_an_export(app, hired):
    with app.app_context():
        _, token = api_tokens.issue(db.session, user(hired["institution"]), "export script")
        db.session.commit()
    client = ApiClient(app, token)
    response = client.get("/api/v1/cohorts/GN-2024-1/trainees")
    assert response.status_code == 200 and response.json["items"][0]["name"] == NAME
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
        assert (event.actor_id, event.details["kind"], event.details["format"], event.details["rows"]) == (
            hired["institution"], "trainees", "json", 1)

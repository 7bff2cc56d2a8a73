"""Hostile input across forms, the API and imports: every bad value gets a clear 4xx or a validation message, never
a 500, and nothing is written; invisible and decomposed characters are cleaned; HTML comes back escaped."""
from __future__ import annotations

import io
import json
import unicodedata
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from talent_match.extensions import db
from talent_match.models import SeekerProfile, User
from talent_match.services.training import records as training

from .api_support import ApiClient, cheap_password_hashes, send_csv  # noqa: F401 - fixture
from .conftest import login
from .indexing_support import make_engine
from .jobs_support import make_posting, posting_data
from .page_support import filled

REFUSED = {400, 413, 415, 422}
HEADER_T = "cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n"
HEADER_P = "trainee_ref,employer_name,job_title,region,start_date,annual_wage_krw,employment_type,in_field\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
NESTED = "[" * 100_000 + "]" * 100_000


@dataclass
class Case:
    """One hostile request. `role` acts; `channel` is api (JSON or raw body), web (a form), csv (API import) or
    upload (the import page). `body` may hold "{posting}" and "{other_cohort}" placeholders."""
    id: str
    role: str
    channel: str
    path: str
    body: object = None
    method: str = "post"
    names: str | None = None          # the field the API error must name
    content_type: str | None = None
    expect: set = field(default_factory=lambda: REFUSED)


def api(id, role, path, body, names=None, method="post", **kw):
    return Case(id, role, "api", path, body, method, names, **kw)


def csv_case(id, kind, text):
    return Case(id, "institution", "csv", f"/api/v1/imports/{kind}", text)


SIGN_UP = {"role": "seeker", "name": "이름", "email": "ok@example.kr", "password": "long-enough-password",
           "confirm": "long-enough-password", "region": "gyeongnam", "privacy": "y"}


def registration(id, **changed):
    """A sign-up with one hostile value; the form is shown again (200) or refused (422)."""
    return Case(id, "anonymous", "web", "/auth/register", filled(SIGN_UP, **changed), expect={200, 422})


PROFILE = "/api/v1/profile"
CASES = [
    # --- the seeker's profile through the API ---------------------------------------------------------------------
    api("headline-oversized", "seeker", PROFILE, {"headline": "가" * 201}, "headline", "put"),
    api("summary-oversized", "seeker", PROFILE, {"summary": "x" * 5001}, "summary", "put"),
    api("headline-nul", "seeker", PROFILE, {"headline": "AI\x00엔지니어"}, "headline", "put"),
    api("headline-bell", "seeker", PROFILE, {"headline": "AI\x07엔지니어"}, "headline", "put"),
    api("headline-not-text", "seeker", PROFILE, {"headline": {"$gt": ""}}, "headline", "put"),
    api("skills-huge-list", "seeker", PROFILE, {"skills": [f"skill-{n}" for n in range(51)]}, "skills", "put"),
    api("skills-item-oversized", "seeker", PROFILE, {"skills": ["a" * 121]}, "skills", "put"),
    api("skills-not-a-list", "seeker", PROFILE, {"skills": {"python": True}}, "skills", "put"),
    api("skills-numbers", "seeker", PROFILE, {"skills": [1, 2, 3]}, "skills", "put"),
    api("salary-negative", "seeker", PROFILE, {"desired_salary_min": -1}, "desired_salary_min", "put"),
    api("salary-absurd", "seeker", PROFILE, {"desired_salary_max": 10 ** 13}, "desired_salary_max", "put"),
    api("salary-reversed", "seeker", PROFILE, {"desired_salary_min": 50_000_000, "desired_salary_max": 30_000_000},
        "desired_salary_max", "put"),
    api("salary-float", "seeker", PROFILE, {"desired_salary_min": 1.5e308}, "desired_salary_min", "put"),
    api("years-absurd", "seeker", PROFILE, {"years_experience": 999}, "years_experience", "put"),
    api("years-words", "seeker", PROFILE, {"years_experience": "ten"}, "years_experience", "put"),
    api("region-unknown", "seeker", PROFILE, {"home_region": "atlantis"}, "home_region", "put"),
    api("region-sql", "seeker", PROFILE, {"home_region": "gyeongnam' OR '1'='1"}, "home_region", "put"),
    api("accepted-unknown", "seeker", PROFILE, {"accepted_regions": ["seoul", "mars"]}, "accepted_regions", "put"),
    api("kind-unknown", "seeker", PROFILE, {"kind": "overlord"}, "kind", "put"),
    api("discoverable-maybe", "seeker", PROFILE, {"discoverable": "maybe"}, "discoverable", "put"),
    api("phone-words", "seeker", PROFILE, {"phone": "call me maybe"}, "phone", "put"),
    api("emoji-region", "seeker", PROFILE, {"home_region": "🚀"}, "home_region", "put"),
    api("body-not-json", "seeker", PROFILE, "{'headline': 'x'", method="put", content_type="application/json"),
    api("body-invalid-utf8", "seeker", PROFILE, b'{"headline": "\xff\xfe\xfd"}', method="put",
        content_type="application/json"),
    api("body-array", "seeker", PROFILE, [1, 2, 3], "_", "put"),
    api("body-text-plain", "seeker", PROFILE, "headline=x", method="put", content_type="text/plain"),
    api("body-deeply-nested", "seeker", PROFILE, NESTED, method="put", content_type="application/json"),
    api("body-oversized", "seeker", PROFILE, '{"summary": "' + "x" * (6 * 1024 * 1024) + '"}', method="put",
        content_type="application/json"),
    api("headline-lone-surrogate", "seeker", PROFILE, '{"headline": "\\ud800"}', method="put",
        content_type="application/json"),
    api("skill-lone-surrogate", "seeker", PROFILE, '{"skills": ["\\udfff"]}', method="put",
        content_type="application/json"),
    api("resident-number-full-width", "seeker", PROFILE, {"summary": "９００１０１－１２３４５６７"}, "summary", "put"),
    api("resident-number-dash-variants", "seeker", PROFILE, {"summary": "주민 900101\u2212" + "1234567"}, "summary",
        "put"),
    api("resident-number-spaced", "seeker", PROFILE, {"headline": "900101  -  1234567"}, "headline", "put"),
    api("resident-number-soft-hyphen", "seeker", PROFILE, {"headline": "900101\u00ad1234567"}, "headline", "put"),
    # --- postings and applications through the API ----------------------------------------------------------------
    api("posting-no-title", "employer", "/api/v1/postings", {"description": "제목 없음"}, "title"),
    api("posting-impossible-date", "employer", "/api/v1/postings", posting_data(deadline="2025-02-30"), "deadline"),
    api("posting-date-format", "employer", "/api/v1/postings", posting_data(deadline="31/12/2025"), "deadline"),
    api("posting-date-absurd", "employer", "/api/v1/postings", posting_data(deadline="9999-12-31"), "deadline"),
    api("posting-salary-negative", "employer", "/api/v1/postings", posting_data(salary_min=-100), "salary_min"),
    api("posting-salary-text", "employer", "/api/v1/postings", posting_data(salary_max="1e9"), "salary_max"),
    api("posting-region-unknown", "employer", "/api/v1/postings", posting_data(region="Narnia"), "region"),
    api("posting-employment-type", "employer", "/api/v1/postings", posting_data(employment_type="slave"),
        "employment_type"),
    api("posting-openings-absurd", "employer", "/api/v1/postings", posting_data(openings=10 ** 9), "openings"),
    api("posting-status-unknown", "employer", "/api/v1/postings", posting_data(status="published"), "status"),
    api("posting-skills-huge", "employer", "/api/v1/postings",
        posting_data(required_skills=[f"s{n}" for n in range(200)]), "required_skills"),
    api("posting-title-lone-surrogate", "employer", "/api/v1/postings", '{"title": "\\ud800"}',
        content_type="application/json"),
    api("posting-title-rtl-only", "employer", "/api/v1/postings", posting_data(title="\u202e\u200b\u2066"), "title"),
    api("application-note-oversized", "seeker", "/api/v1/applications", {"posting_id": "{posting}",
                                                                         "note": "x" * 2001}, "note"),
    api("application-id-sql", "seeker", "/api/v1/applications", {"posting_id": "1 OR 1=1"}, "posting_id"),
    api("application-id-negative", "seeker", "/api/v1/applications", {"posting_id": -5}, "posting_id"),
    api("application-id-huge", "seeker", "/api/v1/applications", {"posting_id": 2 ** 63}, "posting_id"),
    api("application-status-unknown", "seeker", "/api/v1/applications/1", {"status": "promoted"}, "status",
        "patch"),
    # --- imports through the API ----------------------------------------------------------------------------------
    csv_case("csv-unbalanced-quotes", "trainees", HEADER_T + 'GN-1,T1,"김하나,,enrolled,,\n'),
    csv_case("csv-missing-column", "trainees", "cohort_code,trainee_ref,name\nGN-1,T1,김하나\n"),
    csv_case("csv-extra-column", "trainees", HEADER_T.strip() + ",주민번호\nGN-1,T1,김하나,,enrolled,,,x\n"),
    csv_case("csv-duplicate-column", "trainees", HEADER_T.strip() + ",name\nGN-1,T1,김하나,,enrolled,,,김\n"),
    csv_case("csv-row-too-long", "trainees", HEADER_T + "GN-1,T1,김하나,,enrolled,,,extra,values\n"),
    csv_case("csv-row-too-short", "trainees", HEADER_T + "GN-1,T1\n"),
    csv_case("csv-binary-named-csv", "trainees", PNG),
    csv_case("csv-excel-workbook", "trainees", b"PK\x03\x04" + bytes(200)),
    csv_case("csv-utf16", "trainees", (HEADER_T + "GN-1,T1,김하나,,enrolled,,\n").encode("utf-16")),
    csv_case("csv-invalid-encoding", "trainees", b"cohort_code,trainee_ref\n\x80\x80\xff\n"),
    csv_case("csv-nul", "trainees", (HEADER_T + "GN-1,T\x001,김하나,,enrolled,,\n").encode()),
    csv_case("csv-empty", "trainees", b""),
    csv_case("csv-other-institutions-cohort", "trainees", HEADER_T + "{other_cohort},T1,김하나,,enrolled,,\n"),
    csv_case("csv-unknown-cohort", "trainees", HEADER_T + "NOPE-1,T1,김하나,,enrolled,,\n"),
    csv_case("csv-impossible-date", "cohorts", "cohort_code,programme_name,region,start_date,end_date\n"
                                               "GN-2,과정,경남,2025-02-30,2025-06-30\n"),
    csv_case("csv-end-before-start", "cohorts", "cohort_code,programme_name,region,start_date,end_date\n"
                                                "GN-2,과정,경남,2025-06-30,2025-01-06\n"),
    csv_case("csv-unknown-region", "cohorts", "cohort_code,programme_name,region,start_date,end_date\n"
                                              "GN-2,과정,아틀란티스,2025-01-06,2025-06-30\n"),
    csv_case("csv-wage-negative", "placements", HEADER_P + "T1,창원정밀,엔지니어,경남,2025-07-14,-100,full_time,true\n"),
    csv_case("csv-wage-absurd", "placements", HEADER_P + "T1,창원정밀,엔지니어,경남,2025-07-14,99999999999,"
                                                        "full_time,true\n"),
    csv_case("csv-resident-number-full-width", "trainees", HEADER_T + "GN-1,T8,김 ９００１０１－１２３４５６７,,enrolled,,\n"),
    csv_case("csv-duplicate-key", "trainees", HEADER_T + "GN-1,T9,김하나,,enrolled,,\nGN-1,T9,김두리,,enrolled,,\n"),
    csv_case("csv-oversized", "trainees", HEADER_T.encode() + b"GN-1,T1," + b"x" * (6 * 1024 * 1024) + b"\n"),
    csv_case("csv-huge-cell", "trainees", HEADER_T + "GN-1,T1," + "가" * 200_000 + ",,enrolled,,\n"),
    # --- forms ----------------------------------------------------------------------------------------------------
    registration("form-register-invisible-name", name="\u202e\u200b", email="ghost@example.kr"),
    registration("form-register-bad-email", email="not-an-email"),
    registration("form-register-emoji-email", email="🚀@🚀"),
    registration("form-register-unknown-region", region="atlantis"),
    Case("form-profile-nul", "seeker", "web", "/seekers/profile", {
        "kind": "bootcamp_graduate", "home_region": "gyeongnam", "headline": "AI\x00", "work_mode": "",
        "years_experience": "0"}),
    Case("form-profile-salary", "seeker", "web", "/seekers/profile", {
        "kind": "bootcamp_graduate", "home_region": "gyeongnam", "desired_salary_min": "-5", "work_mode": "",
        "years_experience": "0"}),
    Case("form-posting-date", "employer", "web", "/employers/postings/new", {
        "title": "엔지니어", "region": "gyeongnam", "employment_type": "full_time", "work_mode": "onsite",
        "status": "draft", "openings": "1", "min_experience": "0", "deadline": "2025-13-01"}),
    Case("form-company-oversized", "employer", "web", "/employers/company", {
        "name": "회" * 201, "region": "gyeongnam", "size": "10-49"}),
    Case("form-cohort-dates", "institution", "web", "/institutions/cohorts", {
        "cohort_code": "GN-9", "programme_name": "과정", "region": "gyeongnam", "start_date": "2025-02-30",
        "end_date": "2025-06-30"}),
    Case("form-trainee-oversized-ref", "institution", "web", "/institutions/cohorts/{cohort}/trainees", {
        "trainee_ref": "R" * 61, "name": "김하나", "status": "enrolled", "excluded_reason": ""}),
    Case("upload-binary-csv", "institution", "upload", "/institutions/imports/preview",
         {"kind": "trainees", "file": (PNG, "trainees.csv")}),
    Case("upload-unbalanced", "institution", "upload", "/institutions/imports/preview",
         {"kind": "trainees", "file": ((HEADER_T + 'GN-1,"T1,김,,enrolled,,\n').encode(), "t.csv")}),
    Case("upload-cv-not-a-pdf", "seeker", "upload", "/seekers/cv", {"cv": (PNG, "cv.pdf")}),
    Case("upload-cv-executable", "seeker", "upload", "/seekers/cv", {"cv": (b"MZ\x90\x00" + bytes(100), "cv.exe")}),
    Case("upload-cv-oversized", "seeker", "upload", "/seekers/cv",
         {"cv": (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "cv.pdf")}),
]


@pytest.fixture
def world(app, tmp_path, monkeypatch, make_user, cheap_password_hashes):  # noqa: F811
    """A seeker, an employer with an open posting, and institutions I (cohort GN-1) and J (cohort J-ONLY)."""
    monkeypatch.setitem(app.extensions, "search_engine", make_engine(tmp_path / "indexes"))
    ids = {}
    for role in ("seeker", "employer", "institution"):
        ids[role], ids[f"{role}_email"] = make_user(role)
    other_id, _ = make_user("institution")
    with app.app_context():
        ids["posting"] = make_posting(ids["employer"]).id
        for user_id, code in ((ids["institution"], "GN-1"), (other_id, "J-ONLY")):
            cohort = training.save_cohort(db.session, db.session.get(User, user_id).institution, {
                "cohort_code": code, "programme_name": "과정", "region": "gyeongnam", "start_date": "2025-01-06",
                "end_date": "2025-06-30"})
            db.session.commit()
            ids["cohort" if code == "GN-1" else "other_cohort_id"] = cohort.id
        ids["other_cohort"] = "J-ONLY"
        db.session.remove()
    return ids


def _token(app, user_id) -> str:
    from talent_match.services.accounts import api_tokens
    with app.app_context():
        _, value = api_tokens.issue(db.session, db.session.get(User, user_id), "hostile")
        db.session.commit()
        db.session.remove()
    return value


def _fill(value, ids):
    if isinstance(value, str):
        return value.replace("{posting}", str(ids["posting"])).replace("{other_cohort}", ids["other_cohort"]) \
                    .replace("{cohort}", str(ids["cohort"]))
    if isinstance(value, dict):
        return {k: (int(_fill(v, ids)) if v == "{posting}" else _fill(v, ids)) for k, v in value.items()}
    return value


def _counts(app) -> tuple:
    tables = [t for t in db.metadata.sorted_tables
              if t.name not in {"region", "skill", "skill_alias", "alembic_version", "api_token", "user"}]
    with app.app_context():
        with db.engine.connect() as conn:
            return tuple(conn.execute(sa.select(*(sa.select(sa.func.count()).select_from(t).scalar_subquery()
                                                  for t in tables))).one())


def _send(app, world, case: Case):
    if case.channel in ("api", "csv"):
        client = ApiClient(app, _token(app, world[case.role]))
        body = _fill(case.body, world)
        if case.channel == "csv":
            raw = body if isinstance(body, bytes) else body.encode()
            return client.post(case.path, data=raw, content_type="text/csv")
        if case.content_type:
            raw = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(body)
            return getattr(client, case.method)(case.path, data=raw, content_type=case.content_type)
        return getattr(client, case.method)(case.path, json=body)
    client = app.test_client()
    if case.role != "anonymous":
        assert login(client, world[f"{case.role}_email"]).status_code == 302
    client.post("/lang/en", data={"next": "/"})
    data = _fill(case.body, world)
    if case.channel == "upload":
        data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
        return client.post(_fill(case.path, world), data=data, content_type="multipart/form-data")
    return client.post(_fill(case.path, world), data=data)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40 and len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_is_refused_clearly_and_writes_nothing(app, world, case):
    users_before = _users(app)
    before = _counts(app)
    response = _send(app, world, case)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.status_code in case.expect, (response.status_code, response.get_data(as_text=True)[:800])
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if case.channel in ("api", "csv"):
        assert response.mimetype == "application/problem+json" and response.json["title"]
        if case.names:
            assert case.names in response.json.get("errors", {}), response.json
        if case.channel == "csv" and response.status_code == 422:
            assert response.json["errors"], response.json  # every row or file problem is named
    elif response.status_code == 413:
        assert "413" in text  # the request was cut off before any form could read it: the status page says so
    else:
        assert 'class="error"' in text or "flash-error" in text or 'role="alert"' in text, text[-1500:]
    assert _counts(app) == before
    assert _users(app) == users_before


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


# --- cleaned, not refused ---------------------------------------------------------------------------------------

def test_invisible_and_decomposed_characters_are_cleaned_before_saving(app, world):
    client = ApiClient(app, _token(app, world["seeker"]))
    nfd = unicodedata.normalize("NFD", "데이터 엔지니어")
    response = client.put(PROFILE, json={"headline": f"\u202e{nfd}\u200b 🚀", "skills": ["Py\u200bthon", "\ufeff머신러닝"],
                                         "summary": "줄1\n줄2"})
    assert response.status_code == 200, response.json
    assert response.json["headline"] == "데이터 엔지니어 🚀"
    assert set(response.json["skills"]) == {"Python", "Machine Learning"}  # recognised once the junk is gone
    with app.app_context():
        profile = db.session.scalar(sa.select(SeekerProfile).where(SeekerProfile.user_id == world["seeker"]))
        assert unicodedata.is_normalized("NFC", profile.headline) and "\u202e" not in profile.headline


@pytest.mark.parametrize("url", [
    "/api/v1/postings?skill=' OR 1=1 --", "/api/v1/postings?skill=%25%27%20UNION%20SELECT%20password_hash--",
    "/api/v1/postings?skill=_%25_", "/api/v1/postings?skill=%5C", "/api/v1/postings?status=open'--",
    "/api/v1/postings?region=gyeongnam';DROP TABLE user;--", "/api/v1/skills?q=%27%22%3B--",
    "/api/v1/postings?page=-1", "/api/v1/postings?per_page=100000", "/api/v1/postings?page=99999999999999999999",
    "/regions/gyeongnam'--", "/api/v1/postings/1%20OR%201=1",
])
def test_search_and_lookups_shrug_off_sql_metacharacters(client, world, url):
    response = client.get(url)
    assert response.status_code in (200, 404, 422), (url, response.status_code)
    if response.status_code == 200 and response.is_json and "items" in response.json:
        assert all("password" not in json.dumps(item) for item in response.json["items"])


@pytest.mark.parametrize("url", ["/seekers/?skills=%27%20OR%20%271%27%3D%271", "/seekers/?salary_min=-1",
                                 "/seekers/?salary_min=1e99", "/seekers/?sort=%3Bdrop", "/seekers/?page=-5",
                                 "/seekers/?skills=" + "x," * 500])
def test_the_matches_page_treats_bad_filters_as_messages(app, world, url):
    client = app.test_client()
    login(client, world["seeker_email"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/admin/companies?q=%25%27%22%5C_", "/admin/skills?q=%27%20UNION%20SELECT%201--",
                                 "/admin/audit?action=%27%3B--&page=abc"])
def test_admin_search_shrugs_off_sql_metacharacters(app, make_user, url, cheap_password_hashes):  # noqa: F811
    _, email = make_user("admin")
    client = app.test_client()
    login(client, email)
    assert client.get(url).status_code == 200


# --- HTML comes back escaped ------------------------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_a_profile_is_escaped_for_the_employer(app, world):
    seeker = ApiClient(app, _token(app, world["seeker"]))
    assert seeker.put(PROFILE, json={"headline": XSS, "discoverable": True, "summary": XSS}).status_code == 200
    with app.app_context():
        profile_id = db.session.scalar(sa.select(SeekerProfile.id).where(SeekerProfile.user_id == world["seeker"]))
    employer = app.test_client()
    login(employer, world["employer_email"])
    page = employer.get(f"/employers/postings/{world['posting']}/candidates/{profile_id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_html_in_a_posting_is_escaped_for_seekers(app, world):
    employer = ApiClient(app, _token(app, world["employer"]))
    response = employer.post("/api/v1/postings", json=posting_data(title=XSS[:150], description=XSS))
    assert response.status_code == 201, response.json
    seeker = app.test_client()
    login(seeker, world["seeker_email"])
    page = seeker.get(f"/seekers/postings/{response.json['id']}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_html_in_an_import_preview_and_a_flash_message_is_escaped(app, world):
    client = app.test_client()
    login(client, world["institution_email"])
    raw = (HEADER_T + f'GN-1,T1,"{XSS.replace(chr(34), chr(34) * 2)}",,enrolled,,\n').encode()
    page = client.post("/institutions/imports/preview", content_type="multipart/form-data",
                       data={"kind": "trainees", "file": (io.BytesIO(raw), "t.csv")}).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    flashed = client.post("/institutions/followups", data={"trainee_ref": XSS, "checkpoint_month": "3",
                                                           "status": "unknown", "region": "", "checked_on": "2025-01-01",
                                                           "evidence": "trainee"}, follow_redirects=True)
    assert flashed.status_code == 200
    text = flashed.get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_a_spreadsheet_formula_is_not_exported_live(app, world):
    client = ApiClient(app, _token(app, world["institution"]))
    assert send_csv(client, "trainees", HEADER_T + 'GN-1,T1,"=HYPERLINK(""http://evil"",""x"")",,enrolled,,\n'
                    ).status_code == 200
    web = app.test_client()
    login(web, world["institution_email"])
    body = web.get("/institutions/exports/trainees.csv").get_data(as_text=True)
    assert ",=HYPERLINK" not in body and "'=HYPERLINK" in body


# --- control characters are refused at the edge ------------------------------------------------------------------
# PostgreSQL cannot hold a NUL byte in text: each of these answered 500 there before any view looked at its input.

EDGE = [("anonymous", "post", "/auth/login", {"email": "s1\x00@rt.kr", "password": "x" * 12}, "email"),
        ("seeker", "get", "/seekers/?employment_type=%00", None, "employment_type"),
        ("seeker", "get", "/seekers/?work_mode=%00", None, "work_mode"),
        ("admin", "get", "/admin/companies?q=%00", None, "q"),
        ("admin", "get", "/admin/audit?action=%00", None, "action"),
        ("admin", "get", "/admin/skills/%00", None, "path"),
        ("seeker", "post", "/seekers/profile", {"kind": "bootcamp_graduate", "home_region": "gyeongnam",
                                                "headline": "AI\x1b[31m", "years_experience": "0"}, "headline"),
        ("anonymous", "get", "/regions/%00", None, "path"),
        ("anonymous", "get", "/?next%00=1", None, "next\x00")]


@pytest.mark.parametrize("role, method, url, form, where", EDGE, ids=[f"{m} {u}" for _, m, u, _, _ in EDGE])
def test_a_control_character_anywhere_in_a_page_request_gets_a_clear_400_page(app, world, make_user, role, method,
                                                                             url, form, where):
    client = app.test_client()
    if role == "admin":
        assert login(client, make_user("admin")[1]).status_code == 302
    elif role != "anonymous":
        assert login(client, world[f"{role}_email"]).status_code == 302
    client.post("/lang/en", data={"next": "/"})
    before = _counts(app)
    response = getattr(client, method)(url, data=form)
    assert response.status_code == 400, response.get_data(as_text=True)[-800:]
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "control character" in page
    assert _counts(app) == before


API_EDGE = [("get", "/api/v1/skills?q=Py%00thon", None, "q"),
            ("get", "/api/v1/postings?region=%01gyeongnam", None, "region"),
            ("get", "/api/v1/cohorts/GN%00-1/trainees", None, "path"),
            ("put", PROFILE, {"headline": "AI\x00엔지니어"}, "headline"),
            ("put", PROFILE, {"skills": ["Python", "\x08"]}, "skills"),
            ("put", PROFILE, {"summary": {"nested": ["ok", "\x00"]}}, "summary"),
            ("put", PROFILE, {"head\x00line": "AI"}, "head\x00line")]


@pytest.mark.parametrize("method, url, body, where", API_EDGE, ids=[f"{m} {u} {b}" for m, u, b, _ in API_EDGE])
def test_a_control_character_anywhere_in_an_api_request_is_a_400_problem_naming_it(app, world, method, url, body,
                                                                                   where):
    client = ApiClient(app, _token(app, world["institution" if "cohorts" in url else "seeker"]))
    before = _counts(app)
    response = getattr(client, method)(url, json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json", response.json
    assert list(response.json["errors"]) == [where]
    assert "control character" in response.json["errors"][where][0]
    assert _counts(app) == before


def test_tabs_and_line_breaks_are_text_where_text_is_allowed(app, world):
    client = ApiClient(app, _token(app, world["seeker"]))
    response = client.put(PROFILE, json={"summary": "줄1\r\n\t줄2", "headline": "AI\t엔지니어"})
    assert response.status_code == 200, response.json
    assert response.json["summary"] == "줄1\r\n\t줄2" and response.json["headline"] == "AI 엔지니어"
    assert client.get("/api/v1/skills?q=Py%09thon").status_code == 200

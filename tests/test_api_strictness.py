"""The API holds clients to its own document: JSON types as the OpenAPI document gives them, Unicode text only,
ids that name rows, 401s that say why, audited candidate lists, and request ids on every problem."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from talent_match.api import auth
from talent_match.api.conformance import json_type, type_errors
from talent_match.api.schemas import SCHEMAS
from talent_match.extensions import db
from talent_match.models import Application, AuditEvent, SeekerProfile, User
from talent_match.services.hiring import postings, profiles

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .jobs_support import posting_data

PROFILE = "/api/v1/profile"
BODIES = ("ProfileInput", "PostingInput", "PostingPatch", "ApplicationInput", "ApplicationPatch")
HUGE = 2**31


def open_posting(employer) -> int:
    response = employer.post("/api/v1/postings", json=posting_data())
    assert response.status_code == 201, response.json
    return response.json["id"]


def send_raw(client, method: str, url: str, text: str):
    return getattr(client, method)(url, data=text.encode(), content_type="application/json")


def applications_of(app, user_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Application).join(SeekerProfile)
                                 .where(SeekerProfile.user_id == user_id))


# --- 1. JSON types as documented ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    {"discoverable": "yes"}, {"discoverable": 1}, {"discoverable": "true"}, {"skills": "Python, Docker"},
    {"accepted_regions": "seoul"}, {"skills": ["Python", 3]}, {"years_experience": "3"}, {"years_experience": 3.0},
    {"desired_salary_min": True}, {"headline": 42}, {"work_mode": ["remote"]},
], ids=lambda body: json.dumps(body, ensure_ascii=True))
def test_profile_values_of_another_json_type_than_documented_are_refused(app, api, body):
    seeker = api("seeker")
    before = seeker.get(PROFILE).json
    response = seeker.put(PROFILE, json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == set(body)
    assert seeker.get(PROFILE).json == before


def test_the_type_message_says_what_would_be_accepted(api):
    errors = api("seeker").put(PROFILE, json={"discoverable": "yes", "skills": "Python, Docker",
                                              "years_experience": 2.5}).json["errors"]
    assert errors["discoverable"] == ["must be true or false (a JSON boolean, without quotes), not text"]
    assert errors["skills"] == ["must be a list of text (a JSON array of strings), not text"]
    assert errors["years_experience"] == ["must be a whole number (a JSON integer such as 42, without quotes or a "
                                          "decimal point), not a number with a decimal point or exponent"]


def test_values_of_the_documented_types_are_still_accepted(api):
    response = api("seeker").put(PROFILE, json={"discoverable": True, "skills": ["Python"], "years_experience": 3,
                                                "accepted_regions": ["seoul"], "work_mode": None,
                                                "desired_salary_min": None})
    assert response.status_code == 200, response.json
    assert response.json["discoverable"] is True and response.json["accepted_regions"] == ["seoul"]


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SPELLINGS = {  # ways to write posting n in JSON that are not the JSON integer n
    "text": lambda n: json.dumps(str(n)),
    "arabic-indic-digits": lambda n: json.dumps(str(n).translate(ARABIC_INDIC), ensure_ascii=False),
    "decimal": lambda n: f"{n}.0",
    "exponent": lambda n: f"{n}e0",
    "boolean": lambda n: "true",
    "list": lambda n: f"[{n}]",
}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_an_application_names_its_posting_with_a_json_integer(app, api, spelling):
    employer, seeker = api("employer"), api("seeker")
    real = open_posting(employer)
    response = send_raw(seeker, "post", "/api/v1/applications", f'{{"posting_id": {SPELLINGS[spelling](real)}}}')
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == {"posting_id"}
    assert applications_of(app, seeker.user_id) == 0
    assert seeker.post("/api/v1/applications", json={"posting_id": real}).status_code == 201


@pytest.mark.parametrize("change", [{"salary_min": "30000000"}, {"openings": 1.0}, {"required_skills": "Python"},
                                    {"deadline": 20251231}, {"title": ["x"]}, {"status": True}])
def test_posting_fields_are_held_to_their_json_types(api, change):
    employer = api("employer")
    response = employer.post("/api/v1/postings", json=posting_data(**change))
    assert response.status_code == 422 and set(response.json["errors"]) == set(change)
    posting_id = open_posting(employer)
    response = employer.patch(f"/api/v1/postings/{posting_id}", json=change)
    assert response.status_code == 422 and set(response.json["errors"]) == set(change)


def test_an_application_moves_on_with_typed_values_only(api):
    employer, seeker = api("employer"), api("seeker")
    application_id = seeker.post("/api/v1/applications", json={"posting_id": open_posting(employer)}).json["id"]
    url = f"/api/v1/applications/{application_id}"
    for body, wrong in (({"status": ["reviewing"]}, "status"), ({"status": "reviewing", "wage": "38000000"}, "wage"),
                        ({"status": "reviewing", "start_date": 20250701}, "start_date")):
        response = employer.patch(url, json=body)
        assert response.status_code == 422 and set(response.json["errors"]) == {wrong}, body
    assert employer.patch(url, json={"status": "reviewing"}).json["status"] == "reviewing"


def _wrong_value(schema: dict):
    """A value of a JSON type the field does not take."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return 1.5 if "string" in kinds or "boolean" in kinds or "array" in kinds else "1"


@pytest.mark.parametrize("body", BODIES)
def test_every_documented_field_of_every_json_body_is_type_checked(body):
    properties = SCHEMAS[body]["properties"]
    for name, schema in properties.items():
        assert set(type_errors(body, {name: _wrong_value(schema)})) == {name}, name
    assert type_errors(body, {name: None for name, schema in properties.items()
                              if "null" in schema.get("type", ())}) == {}


def test_the_api_bodies_are_the_fields_the_services_take():
    assert set(SCHEMAS["ProfileInput"]["properties"]) == set(profiles.FIELDS)
    for body in ("PostingInput", "PostingPatch"):
        assert set(SCHEMAS[body]["properties"]) == set(postings.FIELDS)


def test_json_types_are_told_apart_as_json_tells_them():
    parsed = json.loads('[61, 61.0, 1e2, true, "61", null, [], {}]')
    assert [json_type(v) for v in parsed] == ["integer", "number", "number", "boolean", "string", "null", "array",
                                              "object"]


# --- 2. Unicode text only ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, url, text, field", [
    ("put", PROFILE, '{"home_region": "\\ud800"}', "home_region"),
    ("put", PROFILE, '{"kind": "\\udfff"}', "kind"),
    ("put", PROFILE, '{"work_mode": "\\ud800"}', "work_mode"),
    ("put", PROFILE, '{"phone": "010\\ud800"}', "phone"),
    ("put", PROFILE, '{"accepted_regions": ["seoul", "\\udfff"]}', "accepted_regions"),
    ("put", PROFILE, '{"headline": "\\ud83d"}', "headline"),
    ("put", PROFILE, '{"\\ud800": "x"}', "_"),
    ("put", PROFILE, '{"headline": "ok", "skills": {"\\udfff": "nested key"}}', "skills"),
    ("post", "/api/v1/postings", '{"title": "t", "region": "\\ud800"}', "region"),
    ("post", "/api/v1/postings", '{"title": "t", "employment_type": "\\udfff"}', "employment_type"),
    ("post", "/api/v1/applications", '{"posting_id": 1, "note": "\\ud800"}', "note"),
])
def test_text_that_is_not_unicode_is_refused_at_the_door(api, method, url, text, field):
    role = {"put": "seeker", "post": "employer"}[method] if "applications" not in url else "seeker"
    response = send_raw(api(role), method, url, text)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {field}
    assert "lone surrogate" in response.json["errors"][field][0]
    json.dumps(response.json, ensure_ascii=False).encode()  # nothing broken is echoed back: all of it encodes


def test_a_lone_surrogate_deep_inside_an_unknown_field_is_refused_too(api):
    response = send_raw(api("seeker"), "put", PROFILE, '{"extra": [[{"k": ["\\ud800"]}]]}')
    assert response.status_code == 422 and set(response.json["errors"]) == {"extra"}


def test_a_well_formed_surrogate_pair_is_just_an_emoji(api):
    response = send_raw(api("seeker"), "put", PROFILE, '{"headline": "AI \\ud83d\\ude80"}')
    assert response.status_code == 200 and response.json["headline"] == "AI 🚀"


# --- 3. candidate lists are audited ------------------------------------------------------------------------------

def test_each_candidate_list_the_api_answers_is_audited_by_ids_only(app, api):
    employer, seeker = api("employer"), api("seeker")
    seeker.put(PROFILE, json={"headline": "ML 엔지니어", "skills": ["Python"], "discoverable": True})
    profile_id = seeker.get(PROFILE).json["id"]
    posting_id = open_posting(employer)
    url = f"/api/v1/postings/{posting_id}/matches"
    assert [c["profile_id"] for c in employer.get(url).json["items"]] == [profile_id]
    seeker.post("/api/v1/applications", json={"posting_id": posting_id})
    assert employer.get(url).json["items"][0]["contact"] is not None
    assert api("employer").get(url).status_code == 404  # another company's: nothing shown, nothing recorded
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "candidates_listed")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.actor_id, e.actor_role, e.object_type, e.object_id) for e in events] == [
            (employer.user_id, "employer", "posting", str(posting_id))] * 2
        assert [e.details for e in events] == [
            {"via": "api", "page": 1, "profile_ids": [profile_id], "contact_shown": []},
            {"via": "api", "page": 1, "profile_ids": [profile_id], "contact_shown": [profile_id]}]
        user = db.session.get(User, seeker.user_id)
        recorded = json.dumps([e.details for e in events], ensure_ascii=False)
        assert user.email not in recorded and user.name not in recorded


# --- 4. request ids on every problem -----------------------------------------------------------------------------

def test_a_rate_limited_answer_carries_its_request_id(app, api):
    caller = api("employer")
    app.config["API_RATE_LIMIT"] = "1 per minute"
    try:
        caller.get("/api/v1/regions")
        response = caller.get("/api/v1/regions", headers={"X-Request-ID": "trace-429"})
        anonymous = caller.get("/api/v1/regions")
    finally:
        app.config["API_RATE_LIMIT"] = "10000 per minute"
    assert response.status_code == 429 and response.json["request_id"] == "trace-429"
    assert response.headers["X-Request-ID"] == "trace-429"
    assert anonymous.status_code == 429 and anonymous.json["request_id"]
    assert anonymous.headers["X-Request-ID"] == anonymous.json["request_id"]


def test_problems_carry_the_request_id_they_were_answered_under(api):
    for response in (api().get(PROFILE, headers={"X-Request-ID": "trace-1"}),
                     api("employer").patch(f"/api/v1/postings/{HUGE}", json={}, headers={"X-Request-ID": "trace-1"}),
                     api("seeker").put(PROFILE, json={"discoverable": "yes"}, headers={"X-Request-ID": "trace-1"})):
        assert response.json["request_id"] == "trace-1" == response.headers["X-Request-ID"], response.json


# --- 5. 401s say why ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, detail", [
    (None, auth.MISSING), ("Bearer tm_nonsense", auth.INVALID), ("bearer tm_nonsense", auth.INVALID),
    ("Basic dXNlcjpwYXNz", auth.MALFORMED), ("tm_nonsense", auth.MALFORMED), ("Bearer", auth.MALFORMED),
])
def test_a_refused_token_is_told_why_on_every_endpoint(api, header, detail):
    headers = {"Authorization": header} if header else {}
    for url in (PROFILE, f"/api/v1/postings/{HUGE}/matches", "/api/v1/regions"):
        response = api().get(url, headers=headers)
        if header is None and url == "/api/v1/regions":
            assert response.status_code == 200
            continue
        assert response.status_code == 401 and response.mimetype == "application/problem+json", url
        assert response.json["detail"] == detail, url
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="api"')


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_name_is_case_insensitive(api, scheme):
    seeker = api("seeker")
    response = seeker.client.get(PROFILE, headers={"Authorization": f"{scheme} {seeker.token}"})
    assert response.status_code == 200, response.json


# --- 6. ids beyond the database's integers -----------------------------------------------------------------------

@pytest.mark.parametrize("path", [str(HUGE), "9" * 30, "9" * 5000, "0", "٦١"])
def test_an_id_that_names_nothing_is_404_for_every_method_of_the_resource(api, path):
    employer, seeker = api("employer"), api("seeker")
    for client, method, url in ((employer, "get", f"/api/v1/postings/{path}"),
                                (employer, "patch", f"/api/v1/postings/{path}"),
                                (employer, "get", f"/api/v1/postings/{path}/matches"),
                                (seeker, "patch", f"/api/v1/applications/{path}"),
                                (api(), "get", f"/api/v1/postings/{path}")):
        response = getattr(client, method)(url, json={"title": "x"} if method == "patch" else None)
        assert response.status_code == 404, (method, url[:60], response.status_code)
        assert response.mimetype == "application/problem+json"


def test_a_method_the_resource_lacks_is_405_whatever_the_id(api):
    employer = api("employer")
    posting_id = open_posting(employer)
    for url in (f"/api/v1/postings/{posting_id}", f"/api/v1/postings/{HUGE}"):
        response = employer.put(url, json={"title": "x"})
        assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH"}


def test_an_unknown_id_is_still_refused_to_those_who_may_not_ask(api):
    assert api().patch(f"/api/v1/postings/{HUGE}", json={"title": "x"}).status_code == 401
    assert api("seeker").patch(f"/api/v1/postings/{HUGE}", json={"title": "x"}).status_code == 403


# --- 7. what the document bounds, the server refuses -------------------------------------------------------------
# Each of these was accepted, or refused for a reason the document did not give (schemathesis, issue 12).

@pytest.mark.parametrize("body", [{"skills": ["Python"] * 5000}, {"skills": [f"skill {n}" for n in range(51)]},
                                  {"accepted_regions": ["busan"] * 18}, {"certifications": ["정보처리기사"] * 21}],
                         ids=["5000-skills", "51-skills", "18-regions", "21-certifications"])
def test_every_list_in_a_profile_is_bounded_before_repeats_drop_out(api, body):
    seeker = api("seeker")
    before = seeker.get(PROFILE).json
    response = seeker.put(PROFILE, json=body)
    assert response.status_code == 422 and set(response.json["errors"]) == set(body)
    assert response.json["errors"][next(iter(body))][0].startswith("has too many entries")
    assert seeker.get(PROFILE).json == before


def test_every_list_in_a_posting_is_bounded(api):
    response = api("employer").post("/api/v1/postings", json=posting_data(preferred_skills=["PyTorch"] * 31))
    assert response.status_code == 422 and response.json["errors"] == {
        "preferred_skills": ["has too many entries (31; at most 30)"]}


@pytest.mark.parametrize("url, name", [("/api/v1/stats/regions?as_of=", "as_of"),
                                       ("/api/v1/stats/regions?as_of=2101-01-01", "as_of"),
                                       ("/api/v1/outcomes?as_of=", "as_of"),
                                       ("/api/v1/outcomes?public=yes", "public"),
                                       ("/api/v1/postings?region=", "region"),
                                       ("/api/v1/postings?region=경남", "region"),
                                       ("/api/v1/postings?page=1&page=2", "page"),
                                       ("/api/v1/skills?q=%7F", "q"),
                                       ("/api/v1/skills?q=" + "x" * 121, "q"),
                                       ("/api/v1/matches?skills=Python;Docker", "skills"),
                                       ("/api/v1/matches?skills=" + ",".join(f"s{n}" for n in range(21)), "skills"),
                                       ("/api/v1/cohorts/GN%7F1/trainees", "code")])
def test_an_argument_the_document_does_not_take_is_named_in_a_422(api, url, name):
    role = "institution" if "/outcomes" in url or "/cohorts" in url else "seeker"
    response = api(role).get(url)
    assert response.status_code == 422 and list(response.json["errors"]) == [name], response.json
    assert response.json["type"] == "about:blank"


def test_an_empty_date_is_not_a_date(api):
    response = api("employer").post("/api/v1/postings", json=posting_data(deadline=""))
    assert response.status_code == 422 and response.json["errors"] == {"deadline": ["must be a date as YYYY-MM-DD"]}
    assert api("employer").post("/api/v1/postings", json=posting_data(deadline=None)).status_code == 201


def test_a_hire_below_an_annual_wage_is_refused_by_the_document(api):
    employer, seeker = api("employer"), api("seeker")
    application_id = seeker.post("/api/v1/applications", json={"posting_id": open_posting(employer)}).json["id"]
    response = employer.patch(f"/api/v1/applications/{application_id}", json={"status": "reviewing", "wage": 3600})
    assert response.status_code == 422 and response.json["errors"] == {"wage": ["must be at least 1000000"]}


def test_refusals_beyond_the_document_carry_their_problem_type(api):
    employer, seeker = api("employer"), api("seeker")
    posting_id = open_posting(employer)
    application_id = seeker.post("/api/v1/applications", json={"posting_id": posting_id}).json["id"]
    twice = seeker.post("/api/v1/applications", json={"posting_id": posting_id})
    assert twice.status_code == 409 and twice.json["type"] == "/api/docs#problem-already-applied"
    moved = employer.patch(f"/api/v1/applications/{application_id}", json={"status": "hired"})
    assert moved.status_code == 409 and moved.json["type"] == "/api/docs#problem-status-change-not-allowed"
    decimal = seeker.put(PROFILE, json={"years_experience": 3.0})
    assert decimal.status_code == 422 and decimal.json["type"] == "/api/docs#problem-whole-number-as-decimal"
    mixed = seeker.put(PROFILE, json={"years_experience": 3.0, "headline": 4})
    assert mixed.json["type"] == "about:blank"  # a string field given a number breaks the document itself
    resident = seeker.put(PROFILE, json={"summary": "900101-1234567"})
    assert resident.json["type"] == "/api/docs#problem-resident-registration-number"


def test_a_choice_that_may_be_null_says_so(api):  # once a 500: null among the choices
    assert api("seeker").put(PROFILE, json={"work_mode": "AAA"}).json["errors"] == {
        "work_mode": ["must be one of onsite, hybrid, remote, null"]}


def test_a_csv_upload_is_one_file_part_and_nothing_else(api):
    institution = api("institution")
    empty = institution.post("/api/v1/imports/cohorts", content_type="multipart/form-data",
                             data={"file": (io.BytesIO(b""), "cohorts.csv", "text/csv")})
    assert empty.status_code == 422 and empty.json["type"] == "/api/docs#problem-invalid-rows"
    extra = institution.post("/api/v1/imports/cohorts", content_type="multipart/form-data",
                             data={"file": (io.BytesIO(b"x"), "cohorts.csv"), "note": "hello"})
    assert extra.status_code == 422 and set(extra.json["errors"]) == {"note"}

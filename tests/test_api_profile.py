"""GET and PUT /api/v1/profile: a seeker's own profile, every field validated, nothing else assignable."""
import json

from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import Consent, SeekerProfile, User

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)

PROFILE = {"headline": "AI 부트캠프 수료생", "summary": "불량 검출 모델을 만들었습니다.", "skills": ["Python", "PyTorch"],
           "home_region": "gyeongnam", "accepted_regions": ["busan", "ulsan"], "years_experience": 2,
           "discoverable": True, "desired_salary_min": 36_000_000, "desired_salary_max": 45_000_000}


def test_seeker_reads_and_replaces_their_profile(app, api):
    seeker = api("seeker")
    response = seeker.put("/api/v1/profile", json=PROFILE)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["skills"] == ["Python", "PyTorch"] and body["home_region"] == "gyeongnam"
    assert sorted(body["accepted_regions"]) == ["busan", "ulsan"]
    assert (body["years_experience"], body["discoverable"], body["desired_salary_max"]) == (2, True, 45_000_000)
    assert seeker.get("/api/v1/profile").json == body
    with app.app_context():
        consent = db.session.scalar(select(Consent).where(Consent.user_id == seeker.user_id,
                                                          Consent.item == "discoverable"))
        assert consent.granted


def test_fields_left_out_keep_their_values(api):
    seeker = api("seeker")
    seeker.put("/api/v1/profile", json=PROFILE)
    body = seeker.put("/api/v1/profile", json={"headline": "ML 엔지니어"}).json
    assert body["headline"] == "ML 엔지니어" and body["skills"] == ["Python", "PyTorch"]


def test_role_owner_and_ids_cannot_be_assigned(app, api):
    seeker = api("seeker")
    other_id = api("seeker").user_id
    response = seeker.put("/api/v1/profile", json={"headline": "x", "role": "admin", "user_id": other_id, "id": 1})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"role", "user_id", "id"}
    with app.app_context():
        user = db.session.get(User, seeker.user_id)
        assert user.role == "seeker" and user.profile.headline == ""
        assert db.session.scalar(select(SeekerProfile.user_id).where(SeekerProfile.id == user.profile.id)) == user.id


def test_every_wrong_value_is_named(api):
    seeker = api("seeker")
    response = seeker.put("/api/v1/profile", json={
        "home_region": "Atlantis", "years_experience": -1, "kind": "overlord", "skills": ["a" * 121]})
    assert response.status_code == 422 and response.json["type"] == "about:blank"
    assert set(response.json["errors"]) == {"home_region", "years_experience", "kind", "skills"}
    response = seeker.put("/api/v1/profile", json={"desired_salary_min": 50_000_000, "desired_salary_max": 30_000_000})
    assert response.status_code == 422 and set(response.json["errors"]) == {"desired_salary_max"}
    assert response.json["type"] == "/api/docs#problem-conflicting-values"  # each value is valid, not together


def test_regions_are_their_slugs(api):
    """The document lists the 17 slugs; the names the web forms and CSV imports read are not API values."""
    response = api("seeker").put("/api/v1/profile", json={"home_region": "경상남도", "accepted_regions": ["Busan"]})
    assert response.status_code == 422 and set(response.json["errors"]) == {"home_region", "accepted_regions"}
    assert response.json["errors"]["home_region"][0].startswith("must be one of seoul, busan, daegu")


def test_every_value_of_the_wrong_json_type_is_named_before_any_value_is_judged(api):
    """Types come first, as unknown fields do: the values of a body with a wrong type are not looked at."""
    response = api("seeker").put("/api/v1/profile", json={
        "home_region": "Atlantis", "discoverable": "maybe", "skills": [1, 2], "years_experience": "3"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"discoverable", "skills", "years_experience"}


def test_body_must_be_a_json_object_of_acceptable_size(app, api):
    seeker = api("seeker")
    response = seeker.put("/api/v1/profile", data="headline=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    response = seeker.put("/api/v1/profile", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json["detail"] == "The body is not valid JSON."
    response = seeker.put("/api/v1/profile", data="[1, 2]", content_type="application/json")
    assert response.status_code == 422 and response.json["errors"] == {"_": ["the body must be a JSON object"]}
    big = json.dumps({"summary": "가" * (app.config["MAX_CONTENT_LENGTH"] // 2)})
    response = seeker.put("/api/v1/profile", data=big, content_type="application/json")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


def test_only_seekers_have_a_profile(api):
    assert api().get("/api/v1/profile").status_code == 401
    for role in ("employer", "institution"):
        response = api(role).put("/api/v1/profile", json={"headline": "x"})
        assert response.status_code == 403 and response.json["title"] == "Forbidden"


def test_absurdly_nested_json_is_a_bad_request_not_a_crash(api):
    response = api("seeker").put("/api/v1/profile", data="[" * 100_000 + "]" * 100_000,
                                 content_type="application/json")
    assert response.status_code == 400

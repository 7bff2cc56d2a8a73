"""Ranked matches over the API: a seeker's open postings in their regions; an employer's discoverable candidates,
with contact details only once the seeker applied."""
from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .jobs_support import posting_data

PROFILE = {"headline": "머신러닝 엔지니어", "summary": "Python 으로 불량 검출 모델을 만들었습니다.",
           "skills": ["Python", "머신러닝"], "discoverable": True}


def test_seeker_sees_ranked_postings_in_their_regions_with_reasons(api):
    employer, seeker = api("employer"), api("seeker")
    seeker.put("/api/v1/profile", json=PROFILE)
    local = employer.post("/api/v1/postings", json=posting_data(required_skills=["Python", "SQL"])).json
    employer.post("/api/v1/postings", json=posting_data(region="seoul"))
    body = seeker.get("/api/v1/matches").json
    assert [m["posting_id"] for m in body["items"]] == [local["id"]] and body["total"] == 1
    match = body["items"][0]
    assert match["region"] == "gyeongnam" and 0 < match["score"]
    assert "Python" in match["matched_skills"] and "SQL" in match["missing_skills"]
    assert match["score_parts"] and all(isinstance(v, (int, float)) for v in match["score_parts"].values())
    assert isinstance(body["degraded"], bool)


def test_match_filters_are_validated(api):
    seeker = api("seeker")
    response = seeker.get("/api/v1/matches?sort=luck&work_mode=moon&salary_min=-1")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"sort", "work_mode", "salary_min"}
    assert api("employer").get("/api/v1/matches").status_code == 403


def test_employer_sees_discoverable_candidates_and_contacts_only_after_they_apply(api):
    employer, seeker, hidden = api("employer"), api("seeker"), api("seeker")
    seeker.put("/api/v1/profile", json=PROFILE)
    hidden.put("/api/v1/profile", json={**PROFILE, "discoverable": False})
    posting_id = employer.post("/api/v1/postings", json=posting_data()).json["id"]
    url = f"/api/v1/postings/{posting_id}/matches"
    candidates = employer.get(url).json["items"]
    assert [c["profile_id"] for c in candidates] == [seeker.get("/api/v1/profile").json["id"]]
    assert candidates[0]["contact"] is None and candidates[0]["application"] is None
    assert "Python" in candidates[0]["matched_skills"]
    seeker.post("/api/v1/applications", json={"posting_id": posting_id})
    candidate = employer.get(url).json["items"][0]
    assert candidate["application"]["status"] == "applied"
    assert candidate["contact"]["email"].endswith("@example.kr")


def test_only_the_owning_employer_sees_a_postings_candidates(api):
    employer = api("employer")
    posting_id = employer.post("/api/v1/postings", json=posting_data()).json["id"]
    url = f"/api/v1/postings/{posting_id}/matches"
    assert api("employer").get(url).status_code == 404
    assert api("seeker").get(url).status_code == 403
    assert api().get(url).status_code == 401

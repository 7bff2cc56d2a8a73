"""/api/v1/applications: seekers apply and answer invitations, employers invite and decide, each only their own."""
from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .jobs_support import posting_data


def open_posting(employer, **overrides) -> int:
    response = employer.post("/api/v1/postings", json=posting_data(**overrides))
    assert response.status_code == 201, response.json
    return response.json["id"]


def discoverable(seeker):
    response = seeker.put("/api/v1/profile", json={"headline": "ML 엔지니어", "skills": ["Python"],
                                                   "discoverable": True})
    assert response.status_code == 200
    return response.json["id"]


def test_seeker_applies_and_the_employer_moves_it_on(api):
    employer, seeker = api("employer"), api("seeker")
    posting_id = open_posting(employer)
    response = seeker.post("/api/v1/applications", json={"posting_id": posting_id, "note": "지원합니다"})
    assert response.status_code == 201
    application = response.json
    assert (application["status"], application["initiated_by"], application["note"]) == ("applied", "seeker",
                                                                                         "지원합니다")
    assert seeker.get("/api/v1/applications").json["items"] == [application]
    listed = employer.get("/api/v1/applications").json
    assert [a["id"] for a in listed["items"]] == [application["id"]] and listed["total"] == 1
    url = f"/api/v1/applications/{application['id']}"
    assert employer.patch(url, json={"status": "reviewing"}).json["status"] == "reviewing"
    assert employer.patch(url, json={"status": "interview"}).json["status"] == "interview"


def test_applying_twice_is_a_conflict(api):
    employer, seeker = api("employer"), api("seeker")
    posting_id = open_posting(employer)
    assert seeker.post("/api/v1/applications", json={"posting_id": posting_id}).status_code == 201
    response = seeker.post("/api/v1/applications", json={"posting_id": posting_id})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"


def test_moves_belong_to_one_side_and_follow_the_order(api):
    employer, seeker = api("employer"), api("seeker")
    posting_id = open_posting(employer)
    application_id = seeker.post("/api/v1/applications", json={"posting_id": posting_id}).json["id"]
    url = f"/api/v1/applications/{application_id}"
    assert seeker.patch(url, json={"status": "reviewing"}).status_code == 403   # the employer's move
    assert employer.patch(url, json={"status": "hired"}).status_code == 409     # skips the steps
    assert employer.patch(url, json={"status": "promoted"}).status_code == 422
    assert employer.patch(url, json={"status": "reviewing", "posting_id": 9}).status_code == 422
    assert seeker.patch(url, json={"status": "withdrawn"}).json["status"] == "withdrawn"
    assert employer.patch(url, json={"status": "reviewing"}).status_code == 409  # final


def test_others_applications_are_not_found(api):
    employer, seeker = api("employer"), api("seeker")
    posting_id = open_posting(employer)
    application_id = seeker.post("/api/v1/applications", json={"posting_id": posting_id}).json["id"]
    url = f"/api/v1/applications/{application_id}"
    for outsider in (api("seeker"), api("employer")):
        assert outsider.patch(url, json={"status": "withdrawn"}).status_code == 404
        assert outsider.get("/api/v1/applications").json["total"] == 0
    assert api("employer").get(f"/api/v1/applications?posting_id={posting_id}").status_code == 404
    assert api("institution").get("/api/v1/applications").status_code == 403
    assert api().post("/api/v1/applications", json={"posting_id": posting_id}).status_code == 401


def test_employer_invites_a_discoverable_seeker_who_accepts(api):
    employer, seeker = api("employer"), api("seeker")
    posting_id = open_posting(employer)
    profile_id = discoverable(seeker)
    response = employer.post("/api/v1/applications", json={"posting_id": posting_id, "profile_id": profile_id,
                                                            "note": "면접 제안드립니다"})
    assert response.status_code == 201 and response.json["status"] == "invited"
    invitation = response.json
    assert seeker.get("/api/v1/applications").json["items"][0]["status"] == "invited"
    accepted = seeker.patch(f"/api/v1/applications/{invitation['id']}", json={"status": "applied"})
    assert accepted.status_code == 200 and accepted.json["status"] == "applied"


def test_invitations_need_a_discoverable_seeker_and_the_right_fields(api):
    employer, hidden = api("employer"), api("seeker")
    posting_id = open_posting(employer)
    hidden_profile = hidden.get("/api/v1/profile").json["id"]
    response = employer.post("/api/v1/applications", json={"posting_id": posting_id, "profile_id": hidden_profile})
    assert response.status_code == 404
    response = employer.post("/api/v1/applications", json={"posting_id": posting_id})
    assert response.status_code == 403 and "profile_id" in response.json["detail"]  # employers do not apply
    response = hidden.post("/api/v1/applications", json={"posting_id": posting_id, "profile_id": hidden_profile})
    assert response.status_code == 403 and "profile_id" in response.json["detail"]  # seekers do not invite
    response = hidden.post("/api/v1/applications", json={"posting_id": "first"})
    assert response.status_code == 422 and "posting_id" in response.json["errors"]
    assert hidden.post("/api/v1/applications", json={"posting_id": 999999}).status_code == 404

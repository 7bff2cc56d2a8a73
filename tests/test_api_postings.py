"""/api/v1/postings: anyone browses open postings; employers write and see their own company's."""
from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .jobs_support import posting_data


def create(client, **overrides):
    response = client.post("/api/v1/postings", json=posting_data(**overrides))
    assert response.status_code == 201, response.json
    return response


def test_employer_creates_a_posting_and_reads_it_back(api):
    employer = api("employer")
    response = create(employer, status="draft")
    posting = response.json
    assert response.headers["Location"] == f"/api/v1/postings/{posting['id']}"
    assert posting["status"] == "draft" and posting["region"] == "gyeongnam"
    assert posting["required_skills"] and posting["preferred_skills"] == ["PyTorch"]
    assert employer.get(f"/api/v1/postings/{posting['id']}").json == posting


def test_drafts_stay_with_their_company(api):
    employer, rival = api("employer"), api("employer")
    draft = create(employer, status="draft", title="초안 공고").json
    opened = create(employer, title="공개 공고").json
    for outsider in (api(), api("seeker"), rival):
        assert outsider.get(f"/api/v1/postings/{draft['id']}").status_code == 404
        listed = outsider.get("/api/v1/postings").json
        assert [p["id"] for p in listed["items"]] == [opened["id"]] and listed["total"] == 1
    own = employer.get("/api/v1/postings").json
    assert {p["id"] for p in own["items"]} == {draft["id"], opened["id"]}
    assert [p["id"] for p in employer.get("/api/v1/postings?status=draft").json["items"]] == [draft["id"]]
    assert api().get("/api/v1/postings?status=draft").json["total"] == 0


def test_list_filters_by_region_and_skill(api):
    employer = api("employer")
    changwon = create(employer, region="gyeongnam", required_skills=["컴퓨터 비전"]).json
    busan = create(employer, region="busan", required_skills=["데이터 엔지니어링"]).json
    anyone = api()
    assert [p["id"] for p in anyone.get("/api/v1/postings?region=busan").json["items"]] == [busan["id"]]
    assert [p["id"] for p in anyone.get("/api/v1/postings?skill=컴퓨터 비전").json["items"]] == [changwon["id"]]
    response = anyone.get("/api/v1/postings?region=atlantis")
    assert response.status_code == 422 and "region" in response.json["errors"]


def test_pages_are_at_most_100_and_link_to_their_neighbours(api):
    employer = api("employer")
    ids = [create(employer, title=f"공고 {n}").json["id"] for n in range(3)]
    page = api().get("/api/v1/postings?per_page=2")
    assert page.json["total"] == 3 and [p["id"] for p in page.json["items"]] == ids[::-1][:2]
    assert 'rel="next"' in page.headers["Link"] and "page=2" in page.headers["Link"]
    second = api().get("/api/v1/postings?per_page=2&page=2").json
    assert [p["id"] for p in second["items"]] == [ids[0]] and second["page"] == 2
    for bad in ("per_page=101", "per_page=0", "page=0", "page=x"):
        response = api().get(f"/api/v1/postings?{bad}")
        assert response.status_code == 422, bad


def test_only_the_owning_company_changes_a_posting(api):
    employer, rival = api("employer"), api("employer")
    posting = create(employer).json
    url = f"/api/v1/postings/{posting['id']}"
    assert rival.patch(url, json={"title": "가로채기"}).status_code == 404
    assert api("seeker").patch(url, json={"title": "x"}).status_code == 403
    assert api().patch(url, json={"title": "x"}).status_code == 401
    changed = employer.patch(url, json={"title": "MLOps 엔지니어", "status": "closed"})
    assert changed.status_code == 200
    assert (changed.json["title"], changed.json["status"]) == ("MLOps 엔지니어", "closed")
    assert api().get(url).json["status"] == "closed"
    assert api().get("/api/v1/postings").json["total"] == 0  # the list shows open postings only


def test_company_and_ids_cannot_be_assigned(api):
    employer = api("employer")
    response = employer.post("/api/v1/postings", json={**posting_data(), "company_id": 1, "id": 7})
    assert response.status_code == 422 and set(response.json["errors"]) == {"company_id", "id"}
    posting = create(employer).json
    response = employer.patch(f"/api/v1/postings/{posting['id']}", json={"company": {"id": 2}})
    assert response.status_code == 422 and set(response.json["errors"]) == {"company"}


def test_invalid_postings_are_refused_field_by_field(api):
    employer = api("employer")
    response = employer.post("/api/v1/postings", json={"title": " ", "employment_type": "gig", "region": "경남"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"title", "employment_type", "region"}
    assert response.json["errors"]["title"] == ["is required"]
    response = employer.post("/api/v1/postings", json={"title": "엔지니어", "salary_min": 5, "salary_max": 1})
    assert response.status_code == 422 and set(response.json["errors"]) == {"salary_max"}
    assert response.json["type"] == "/api/docs#problem-conflicting-values"


def test_only_employers_post(api):
    assert api("seeker").post("/api/v1/postings", json=posting_data()).status_code == 403
    assert api("institution").post("/api/v1/postings", json=posting_data()).status_code == 403
    assert api().post("/api/v1/postings", json=posting_data()).status_code == 401
    response = api("employer").post("/api/v1/postings", data="title=x")
    assert response.status_code == 415


def test_unknown_posting_is_404(api):
    assert api().get("/api/v1/postings/999999").status_code == 404
    assert api("employer").patch("/api/v1/postings/999999", json={"title": "x"}).status_code == 404


def test_ids_beyond_the_databases_integers_are_simply_not_found(api):
    """PostgreSQL integers stop at 2**31 - 1; a larger id must be a 404 or a 422, never a database error."""
    huge = 2**31
    assert api().get(f"/api/v1/postings/{huge}").status_code == 404
    assert api("employer").get(f"/api/v1/postings/{huge}/matches").status_code == 404
    seeker = api("seeker")
    assert seeker.patch(f"/api/v1/applications/{huge}", json={"status": "withdrawn"}).status_code == 404
    response = seeker.post("/api/v1/applications", json={"posting_id": huge})
    assert response.status_code == 422 and "posting_id" in response.json["errors"]
    assert seeker.get(f"/api/v1/applications?posting_id={huge}").status_code == 422

"""Reference data and the public regional figures: regions, skills, and /stats/regions with small counts hidden."""
from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .api_support import load
from .jobs_support import posting_data


def test_regions_are_listed_with_their_codes(api):
    body = api().get("/api/v1/regions").json
    assert body["total"] == 17 and len(body["items"]) == 17 and body["per_page"] == 20
    seoul = next(r for r in body["items"] if r["slug"] == "seoul")
    assert seoul["capital_area"] is True and seoul["name_ko"] == "서울특별시"
    page = api().get("/api/v1/regions?per_page=5&page=4")
    assert [len(page.json["items"]), page.json["page"]] == [2, 4]
    assert 'rel="prev"' in page.headers["Link"] and 'rel="next"' not in page.headers["Link"]


def test_skills_are_searched_in_korean_or_english(api):
    anyone = api()
    assert anyone.get("/api/v1/skills?q=파이썬").json["items"][0]["slug"] == "python"
    assert anyone.get("/api/v1/skills?q=Python").json["items"][0]["name_ko"] == "파이썬"
    everything = anyone.get("/api/v1/skills?per_page=100").json
    assert everything["total"] > 100 and len(everything["items"]) == 100
    assert anyone.get("/api/v1/skills?q=zzzzqqq").json == {"items": [], "page": 1, "per_page": 20, "total": 0}


def test_regional_figures_hide_small_counts(api):
    employer = api("employer")
    for region, count in (("gyeongnam", 7), ("busan", 5)):
        for _ in range(count):
            assert employer.post("/api/v1/postings", json=posting_data(region=region)).status_code == 201
    load(api("institution"))
    body = api().get("/api/v1/stats/regions").json
    assert body["threshold"] == 5 and len(body["regions"]) == 17
    by_slug = {row["region"]: row for row in body["regions"]}
    assert body["national"]["open_postings"] == 12
    # Gyeongnam's 7 and Busan's 5 are shown unless suppression (services.disclosure, services.releases) needs to
    # hide them to protect the fifteen regions without a posting: hidden, they read "hidden", not "<5".
    for slug, count in (("gyeongnam", 7), ("busan", 5)):
        assert by_slug[slug]["open_postings"] in (count, None)
        assert (by_slug[slug]["open_postings"] is None) == ("open_postings" in by_slug[slug]["suppressed"])
        assert "open_postings" not in by_slug[slug]["small"]
    assert "open_postings" in by_slug["seoul"]["small"]
    # One company, two trainees: fewer than 5 everywhere.
    assert body["national"]["smes_hiring"] is None and "smes_hiring" in body["national"]["suppressed"]
    assert by_slug["gyeongnam"]["trainees"] is None and "trainees" in by_slug["gyeongnam"]["suppressed"]
    for row in (*body["regions"], body["national"]):
        for name in ("open_postings", "smes_hiring", "discoverable_seekers", "placements", "trainees", "completers"):
            assert row[name] is None or row[name] >= 5, (row["region"] if "region" in row else "national", name)


def test_regional_figures_take_an_as_of_date(api):
    # Figures are published at quarter ends: any date shows the release of the last one on or before it.
    assert api().get("/api/v1/stats/regions?as_of=2026-01-31").json["as_of"] == "2025-12-31"
    assert api().get("/api/v1/stats/regions?as_of=2026-03-31").json["as_of"] == "2026-03-31"
    response = api().get("/api/v1/stats/regions?as_of=31/01/2026")
    assert response.status_code == 422 and "as_of" in response.json["errors"]

"""Institutions over the API: their own cohorts, trainees, placements and follow-ups; CSV imports all or nothing;
outcome figures as the `outcomes` command prints them."""
import io
import json

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .api_support import COHORTS, TRAINEES, load, send_csv


def test_institution_imports_and_reads_its_records(api):
    institution = load(api("institution"))
    cohorts = institution.get("/api/v1/cohorts").json
    assert cohorts["items"] == [{"cohort_code": "GN-2025-1", "programme_name": "AI 엔지니어 과정",
                                 "region": "gyeongnam", "start_date": "2025-01-06", "end_date": "2025-06-30",
                                 "capacity": None, "budget_krw": None, "funding_source": None}]
    trainees = institution.get("/api/v1/cohorts/GN-2025-1/trainees").json
    assert [t["trainee_ref"] for t in trainees["items"]] == ["T001", "T002"] and trainees["total"] == 2
    assert trainees["items"][1]["email"] is None and trainees["items"][0]["completion_date"] == "2025-06-30"
    placement = institution.get("/api/v1/placements").json["items"][0]
    assert (placement["employer_name"], placement["in_field"], placement["annual_wage_krw"]) == \
        ("창원정밀", True, 38_000_000)
    follow_up = institution.get("/api/v1/followups").json["items"][0]
    assert (follow_up["checkpoint_month"], follow_up["status"]) == (3, "employed_same_employer")


def test_importing_the_same_file_again_changes_nothing(api):
    institution = load(api("institution"))
    response = send_csv(institution, "trainees", TRAINEES)
    assert response.json == {"kind": "trainees", "dry_run": False,
                             "counts": {"created": 0, "updated": 0, "unchanged": 2}}


def test_a_file_with_one_bad_row_imports_nothing(api):
    institution = api("institution")
    send_csv(institution, "cohorts", COHORTS)
    bad = TRAINEES + "GN-2025-1,T003,박세리,not-an-email,completed,,\n"
    response = send_csv(institution, "trainees", bad)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {"row 4: email", "row 4: completion_date"} <= set(response.json["errors"])
    assert institution.get("/api/v1/cohorts/GN-2025-1/trainees").json["total"] == 0


def test_dry_run_counts_without_writing(api):
    institution = api("institution")
    response = send_csv(institution, "cohorts", COHORTS, dry_run="true")
    assert response.json == {"kind": "cohorts", "dry_run": True,
                             "counts": {"created": 1, "updated": 0, "unchanged": 0}}
    assert institution.get("/api/v1/cohorts").json["total"] == 0


def test_multipart_upload_works_like_a_csv_body(api):
    institution = api("institution")
    response = institution.post("/api/v1/imports/cohorts", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(COHORTS.encode("cp949")), "cohorts.csv")})
    assert response.status_code == 200 and response.json["counts"]["created"] == 1
    response = institution.post("/api/v1/imports/cohorts", content_type="multipart/form-data", data={"x": "1"})
    assert response.status_code == 422 and "file" in response.json["errors"]


def test_imports_take_csv_only_and_known_kinds(api):
    institution = api("institution")
    response = institution.post("/api/v1/imports/cohorts", json={"rows": []})
    assert response.status_code == 415
    response = send_csv(institution, "diplomas", COHORTS)
    assert response.status_code == 422 and response.json["errors"]["kind"] == [
        "must be one of cohorts, trainees, placements, followups"]


def test_institutions_see_only_their_own_records(api):
    load(api("institution"))
    other = api("institution")
    assert other.get("/api/v1/cohorts").json["total"] == 0
    assert other.get("/api/v1/placements").json["total"] == 0
    assert other.get("/api/v1/cohorts/GN-2025-1/trainees").status_code == 404
    assert other.get("/api/v1/outcomes?cohort=GN-2025-1").status_code == 404
    for role in ("seeker", "employer"):
        assert api(role).get("/api/v1/cohorts").status_code == 403
        assert send_csv(api(role), "cohorts", COHORTS).status_code == 403
    assert api().get("/api/v1/followups").status_code == 401


def test_outcomes_are_the_json_of_the_outcomes_command(app, api, runner):
    institution = load(api("institution"))
    response = institution.get("/api/v1/outcomes?as_of=2026-08-01")
    assert response.status_code == 200
    body = response.json
    assert body["metrics"]["completion_rate"] == {"numerator": 1, "denominator": 2, "rate": 0.5, "in_training": 0}
    slug = body["institution"]
    printed = runner.invoke(args=["outcomes", "--institution", slug, "--as-of", "2026-08-01", "--json"])
    assert json.loads(printed.output) == body
    public = institution.get("/api/v1/outcomes?as_of=2026-08-01&public=true&cohort=GN-2025-1").json
    printed = runner.invoke(args=["outcomes", "--institution", slug, "--as-of", "2026-08-01", "--json", "--public",
                                  "--cohort", "GN-2025-1"])
    assert json.loads(printed.output) == public
    assert public["metrics"]["completion_rate"]["numerator"] is None  # fewer than 5: suppressed
    response = institution.get("/api/v1/outcomes?as_of=someday")
    assert response.status_code == 422 and "as_of" in response.json["errors"]

"""Builders for institutions' training records, through the same services the pages and imports use."""
from __future__ import annotations

from pathlib import Path

from talent_match.models import Placement
from talent_match.services.training import followups, placements
from talent_match.services.training import records as training

DATA = Path(__file__).parent / "data"


def sample(kind: str) -> str:
    """The sample file of a kind in tests/data (cohorts, trainees, placements, followups): a valid import."""
    return (DATA / f"{kind}.csv").read_text(encoding="utf-8")


def cohort(session, institution, code, region="gyeongnam", start="2024-01-08", end="2024-06-28",
           programme="AI 엔지니어 양성과정"):
    return training.save_cohort(session, institution, {"cohort_code": code, "programme_name": programme,
                                                       "region": region, "start_date": start, "end_date": end})


def trainee(session, institution, cohort_code, ref, status="completed", completed="2024-06-28", excluded=None,
            name="훈련생"):
    return training.save_enrollment(session, institution, {
        "cohort_code": cohort_code, "trainee_ref": ref, "name": name, "status": status,
        "completion_date": completed if status == "completed" else None, "excluded_reason": excluded})


def job(session, institution, ref, start, region="gyeongnam", in_field=True, wage=None, employer="(주)경남정밀"):
    return placements.record_placement(session, institution, {
        "trainee_ref": ref, "employer_name": employer, "job_title": "ML 엔지니어", "region": region,
        "start_date": start, "annual_wage_krw": wage, "employment_type": "full_time", "in_field": in_field})


def platform_hire(session, enrollment, employer, start, job_title="ML 엔지니어") -> Placement:
    """The trainee's job at the employer's company, found through the platform (a hired application records one)."""
    placement = Placement(enrollment=enrollment, company_id=employer.company_id, employer_name=employer.company.name,
                          job_title=job_title, region_id=employer.company.region_id, start_date=start,
                          source="platform_hire")
    session.add(placement)
    session.flush()
    return placement


def check(session, institution, ref, month, status, region=None, on="2025-12-15", evidence="institution"):
    return followups.record_follow_up(session, institution, {
        "trainee_ref": ref, "checkpoint_month": month, "status": status, "region": region, "checked_on": on,
        "evidence": evidence})

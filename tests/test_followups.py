"""Due follow-ups and the employer's one-click "still employed?" for people it hired through the platform."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import FollowUp, Placement, User
from talent_match.services.errors import Conflict, NotFound
from talent_match.services.outcomes import ledger as outcomes
from talent_match.services.training import followups
from talent_match.services.training import records as training

from .training_world import check, cohort, job, trainee


@pytest.fixture
def hire(app_ctx, make_user):
    """Trainee T1 of inst-a, hired through the platform by an employer on 2025-01-31."""
    make_user("institution", institution="inst-a", region="gyeongnam")
    employer_id, _ = make_user("employer", company="(주)창원AI", region="gyeongnam")
    inst = training.institution_by_slug(db.session, "inst-a")
    employer = db.session.get(User, employer_id)
    cohort(db.session, inst, "GN-01")
    enrollment = trainee(db.session, inst, "GN-01", "T1")
    placement = Placement(enrollment=enrollment, company_id=employer.company_id, employer_name="(주)창원AI",
                          job_title="ML 엔지니어", region_id=employer.company.region_id,
                          start_date=date(2025, 1, 31), source="platform_hire")
    db.session.add(placement)
    db.session.commit()
    return inst, employer, placement


def follow_up_statuses():
    return {f.checkpoint_month: (f.status, f.evidence, f.region_id)
            for f in db.session.scalars(select(FollowUp))}


def test_employer_confirms_a_hire_still_employed_at_the_due_checkpoint(hire):
    inst, employer, placement = hire
    follow_up = followups.confirm_still_employed(db.session, employer, placement.id, True, date(2025, 5, 2))
    db.session.commit()
    assert follow_up.checkpoint_month == 3        # 2025-01-31 + 3 months = 2025-04-30
    assert follow_up_statuses() == {3: ("employed_same_employer", "employer", placement.region_id)}
    metrics = outcomes.report(db.session, date(2025, 5, 2), institution=inst).metrics
    assert (metrics["retention_3"]["numerator"], metrics["retention_3"]["denominator"]) == (1, 1)


def test_a_late_yes_fills_every_unanswered_checkpoint_since_the_hire(hire):
    _, employer, placement = hire
    latest = followups.confirm_still_employed(db.session, employer, placement.id, True, date(2025, 8, 1))
    assert latest.checkpoint_month == 6 and set(follow_up_statuses()) == {3, 6}


def test_no_longer_employed_is_recorded_at_the_latest_checkpoint_only(hire):
    _, employer, placement = hire
    followups.confirm_still_employed(db.session, employer, placement.id, False, date(2025, 8, 1))
    assert follow_up_statuses() == {6: ("not_employed", "employer", None)}


def test_an_answered_checkpoint_or_one_not_yet_due_is_a_conflict(hire):
    inst, employer, placement = hire
    with pytest.raises(Conflict):
        followups.confirm_still_employed(db.session, employer, placement.id, True, date(2025, 4, 29))
    check(db.session, inst, "T1", 3, "employed_same_employer", "gyeongnam")
    with pytest.raises(Conflict):
        followups.confirm_still_employed(db.session, employer, placement.id, False, date(2025, 5, 2))


def test_a_recorded_unknown_is_overwritten_by_the_employer(hire):
    inst, employer, placement = hire
    check(db.session, inst, "T1", 3, "unknown")
    followups.confirm_still_employed(db.session, employer, placement.id, True, date(2025, 5, 2))
    assert follow_up_statuses()[3][:2] == ("employed_same_employer", "employer")


def test_another_employer_cannot_confirm_someone_elses_hire(hire, make_user):
    _, _, placement = hire
    other_id, _ = make_user("employer", company="(주)다른회사", region="busan")
    seeker_id, _ = make_user("seeker", region="busan")
    for user_id in (other_id, seeker_id):
        with pytest.raises(NotFound):
            followups.confirm_still_employed(db.session, db.session.get(User, user_id), placement.id, True,
                                             date(2025, 5, 2))
    assert follow_up_statuses() == {}


def test_a_hire_after_a_first_job_elsewhere_counts_as_another_employer(hire):
    inst, employer, placement = hire
    job(db.session, inst, "T1", "2024-12-01", "busan", employer="부산AI")      # first placement: 2024-12-01
    latest = followups.confirm_still_employed(db.session, employer, placement.id, True, date(2025, 6, 5))
    # Checkpoints count from 2024-12-01: 3 months (2025-03-01) and 6 months (2025-06-01), both during this job.
    assert latest.checkpoint_month == 6 and latest.status == "employed_other_employer"
    assert set(follow_up_statuses()) == {3, 6}


def test_employers_see_the_hires_waiting_for_an_answer(hire):
    _, employer, placement = hire
    assert followups.employer_hires_to_confirm(db.session, employer, date(2025, 4, 29)) == []
    assert followups.employer_hires_to_confirm(db.session, employer, date(2025, 5, 2)) == [
        (placement, 3, date(2025, 4, 30))]


def test_institutions_see_due_follow_ups_oldest_first(hire):
    inst, _, _ = hire
    due = followups.due_follow_ups(db.session, inst, date(2025, 8, 15))
    assert [(d.enrollment.trainee_ref, d.checkpoint_month, d.due_on) for d in due] == [
        ("T1", 3, date(2025, 4, 30)), ("T1", 6, date(2025, 7, 31))]
    check(db.session, inst, "T1", 3, "employed_same_employer", "gyeongnam")
    check(db.session, inst, "T1", 6, "unknown")
    due = followups.due_follow_ups(db.session, inst, date(2025, 8, 15), horizon_days=90)
    assert [(d.checkpoint_month, d.follow_up is not None) for d in due] == [(6, True), (9, False)]

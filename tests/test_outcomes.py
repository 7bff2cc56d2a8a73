"""Outcome metrics on a hand-built world whose answers were worked out by hand (see the comments)."""
from __future__ import annotations

from datetime import date

import pytest

from talent_match.extensions import db
from talent_match.services.outcomes import ledger as outcomes
from talent_match.services.outcomes.ledger import DEFINITIONS, add_months, is_due
from talent_match.services.training import records as training

from .training_world import check, cohort, job, trainee

AS_OF = date(2025, 12, 31)


@pytest.fixture
def world(app_ctx, make_user):
    """Cohort A-2024 (Gyeongnam) and B-2024 (Seoul, capital area) of one institution.

    A-2024, completed 2024-06-28 unless said otherwise:
      t1 first job 2024-07-15 Gyeongnam, in field, 36M; same employer at 3, 6, 9 and 12 (Gyeongnam)
      t2 first job 2024-09-20 (84 days) Busan, in field, 40M; other employer at 3 and 6 (Busan), 9 missing,
         other employer in Seoul at 12: moved to the capital
      t3 first job 2024-11-01 (126 days) Gyeongnam, not in field, 30M (a later job 2025-03-01 does not count);
         not employed at 3, unknown at 6, 9 and 12 missing
      t4 first job 2025-02-01 (218 days) Gyeongnam, in field, 38M; same employer at 3 and 6, 9 missing,
         12 not due by 2025-12-31 (due 2026-02-01)
      t5 completed, never placed; t6 withdrawn; t7 completed and placed but excluded (military service);
      t8 withdrawn and excluded (health)
    B-2024 (Seoul), completed 2024-08-30:
      s1 first job 2024-09-02 Seoul, in field; same employer in Seoul at 12, nothing at 3, 6, 9
      s2 first job 2024-10-01 Gyeonggi, not in field; no follow-ups
    """
    make_user("institution", institution="inst-a", region="gyeongnam")
    session = db.session
    inst = training.institution_by_slug(session, "inst-a")
    cohort(session, inst, "A-2024", region="gyeongnam", start="2024-01-08", end="2024-06-28")
    cohort(session, inst, "B-2024", region="서울특별시", start="2024-03-04", end="2024-08-30", programme="서울 AI 과정")
    for ref in ("t1", "t2", "t3", "t4", "t5"):
        trainee(session, inst, "A-2024", ref)
    trainee(session, inst, "A-2024", "t6", status="withdrawn")
    trainee(session, inst, "A-2024", "t7", excluded="military_service")
    trainee(session, inst, "A-2024", "t8", status="withdrawn", excluded="health")
    job(session, inst, "t1", "2024-07-15", "gyeongnam", wage=36_000_000)
    job(session, inst, "t2", "2024-09-20", "부산", wage=40_000_000, employer="부산AI")
    job(session, inst, "t3", "2024-11-01", "gyeongnam", in_field=False, wage=30_000_000, employer="창원기계")
    job(session, inst, "t3", "2025-03-01", "seoul", in_field=True, wage=60_000_000, employer="서울AI")
    job(session, inst, "t4", "2025-02-01", "gyeongnam", wage=38_000_000)
    job(session, inst, "t7", "2024-07-01", "gyeongnam", wage=99_000_000)
    for month in (3, 6, 9, 12):
        check(session, inst, "t1", month, "employed_same_employer", "gyeongnam")
    check(session, inst, "t2", 3, "employed_other_employer", "busan")
    check(session, inst, "t2", 6, "employed_other_employer", "busan")
    check(session, inst, "t2", 12, "employed_other_employer", "seoul")
    check(session, inst, "t3", 3, "not_employed")
    check(session, inst, "t3", 6, "unknown")
    check(session, inst, "t4", 3, "employed_same_employer", "gyeongnam")
    check(session, inst, "t4", 6, "employed_same_employer", "gyeongnam")
    trainee(session, inst, "B-2024", "s1", completed="2024-08-30")
    trainee(session, inst, "B-2024", "s2", completed="2024-08-30")
    job(session, inst, "s1", "2024-09-02", "seoul", employer="서울AI")
    job(session, inst, "s2", "2024-10-01", "gyeonggi", in_field=False, employer="판교AI")
    check(session, inst, "s1", 12, "employed_same_employer", "seoul")
    session.commit()
    return inst


def figures(metrics):
    return {name: (m["numerator"], m["denominator"]) for name, m in metrics.items()}


def cohort_metrics(inst, code, as_of=AS_OF):
    chosen = training.cohort_by_code(db.session, inst, code)
    return outcomes.report(db.session, as_of, institution=inst, cohort=chosen).metrics


def test_every_metric_of_a_regional_cohort_matches_the_hand_count(world):
    got = figures(cohort_metrics(world, "A-2024"))
    assert got["completion_rate"] == (5, 6)          # t6 withdrawn stays in; t7 and t8 excluded
    assert got["placement_rate_90"] == (2, 5)        # t1, t2 (84 days)
    assert got["placement_rate_180"] == (3, 5)       # + t3 (126 days); t4 at 218 days is late
    assert got["in_field_rate"] == (3, 4)            # t3's first job is out of field; its later job does not count
    assert got["local_placement_rate"] == (3, 4)     # t2 started in Busan
    assert got["retention_3"] == (3, 4) and got["unknown_3"] == (0, 4)
    assert got["retention_6"] == (3, 4) and got["unknown_6"] == (1, 4)     # t3 recorded unknown
    assert got["retention_9"] == (1, 4) and got["unknown_9"] == (3, 4)     # missing follow-ups are unknown
    assert got["retention_12"] == (2, 3) and got["unknown_12"] == (1, 3)   # t4 not due yet
    assert got["same_employer_retention_6"] == (2, 4)
    assert got["same_employer_retention_12"] == (1, 3)
    assert got["local_retention_12"] == (1, 3)       # t2 works in Seoul at 12 months
    assert got["capital_outflow_12"] == (1, 3)
    median = cohort_metrics(world, "A-2024")["median_wage_krw"]
    assert median["denominator"] == 3 and median["value"] is None   # fewer than 10 in-field wages


def test_rates_are_numerator_over_denominator(world):
    metrics = cohort_metrics(world, "A-2024")
    assert metrics["completion_rate"]["rate"] == pytest.approx(5 / 6)
    assert metrics["retention_12"]["rate"] == pytest.approx(2 / 3)


def test_capital_area_cohort_has_no_capital_outflow(world):
    metrics = cohort_metrics(world, "B-2024")
    assert metrics["capital_outflow_12"] == {"numerator": None, "denominator": None, "rate": None,
                                             "answered": None, "verified": None}
    got = figures(metrics)
    assert got["placement_rate_90"] == (2, 2) and got["local_placement_rate"] == (1, 2)
    assert got["retention_12"] == (1, 2) and got["unknown_12"] == (1, 2) and got["local_retention_12"] == (1, 2)
    assert got["retention_3"] == (0, 2) and got["unknown_3"] == (2, 2)


def test_institution_figures_add_cohorts_and_count_outflow_only_outside_the_capital(world):
    report = outcomes.report(db.session, AS_OF, institution=world)
    got = figures(report.metrics)
    assert got["completion_rate"] == (7, 8)
    assert got["retention_12"] == (3, 5)
    assert got["capital_outflow_12"] == (1, 3)       # B-2024's trainees are left out of both
    assert report.unknowns == {"3": 2, "6": 3, "9": 5, "12": 2}


def test_as_of_decides_which_checkpoints_are_due(world):
    got = figures(cohort_metrics(world, "A-2024", as_of=date(2025, 6, 30)))
    assert got["retention_3"] == (0, 4)              # every follow-up was recorded later, on 2025-12-15
    assert got["retention_6"] == (0, 3)              # t4's 6 months fall on 2025-08-01
    assert got["retention_9"] == (0, 2) and got["unknown_9"] == (2, 2)
    assert got["retention_12"] == (0, 0)
    metrics = cohort_metrics(world, "A-2024", as_of=date(2025, 6, 30))
    assert metrics["retention_12"]["rate"] is None and metrics["capital_outflow_12"]["rate"] is None


def test_calendar_months_clamp_to_the_end_of_a_short_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert is_due(date(2024, 8, 31), 6, date(2025, 2, 28))
    assert not is_due(date(2024, 8, 31), 6, date(2025, 2, 27))


def _wage_cohort(inst, code, wages):
    cohort(db.session, inst, code, region="daegu", start="2023-03-02", end="2023-08-31")
    for index, wage in enumerate(wages):
        ref = f"{code}-{index}"
        trainee(db.session, inst, code, ref, completed="2023-08-31")
        job(db.session, inst, ref, "2023-09-15", "daegu", wage=wage, employer=f"대구AI{index}")
    trainee(db.session, inst, code, f"{code}-out", completed="2023-08-31")
    job(db.session, inst, f"{code}-out", "2023-09-15", "daegu", in_field=False, wage=90_000_000)
    trainee(db.session, inst, code, f"{code}-nowage", completed="2023-08-31")
    job(db.session, inst, f"{code}-nowage", "2023-09-15", "daegu", wage=None)


def test_median_wage_needs_ten_in_field_first_placements(app_ctx, make_user):
    make_user("institution", institution="inst-w", region="daegu")
    inst = training.institution_by_slug(db.session, "inst-w")
    _wage_cohort(inst, "ten", [30_000_000 + i * 1_000_000 for i in range(10)])
    _wage_cohort(inst, "nine", [30_000_000 + i * 1_000_000 for i in range(9)])
    _wage_cohort(inst, "eleven", [30_000_000 + i * 1_000_000 for i in range(11)])
    db.session.commit()
    ten = cohort_metrics(inst, "ten")["median_wage_krw"]
    assert ten["denominator"] == 10 and ten["value"] == ten["rate"] == 34_500_000     # mean of the 5th and 6th
    assert cohort_metrics(inst, "eleven")["median_wage_krw"]["value"] == 35_000_000
    nine = cohort_metrics(inst, "nine")["median_wage_krw"]
    assert nine["denominator"] == 9 and nine["value"] is None


def test_tables_group_by_cohort_programme_year_and_region_and_add_up(world):
    by_cohort = outcomes.table(db.session, "cohort", AS_OF, institution=world)
    assert [row.key for row in by_cohort.rows] == ["A-2024", "B-2024"]
    total = by_cohort.total.metrics["completion_rate"]
    assert (total["numerator"], total["denominator"]) == (7, 8)
    by_programme = outcomes.table(db.session, "programme", AS_OF, institution=world)
    assert sorted(row.key for row in by_programme.rows) == ["AI 엔지니어 양성과정", "서울 AI 과정"]
    by_year = outcomes.table(db.session, "year", AS_OF, institution=world)
    assert [row.key for row in by_year.rows] == ["2024"] and by_year.rows[0].metrics == by_year.total.metrics
    by_region = outcomes.table(db.session, "region", AS_OF)
    assert {row.key: row.metrics["completion_rate"]["denominator"] for row in by_region.rows} == {
        "gyeongnam": 6, "seoul": 2}


def test_another_institutions_cohort_is_not_reported(world, make_user):
    make_user("institution", institution="inst-b", region="busan")
    other = training.institution_by_slug(db.session, "inst-b")
    chosen = training.cohort_by_code(db.session, world, "A-2024")
    report = outcomes.report(db.session, AS_OF, institution=other, cohort=chosen)
    assert report.metrics["completion_rate"]["denominator"] == 0


def test_every_metric_has_korean_and_english_definitions(world):
    metrics = outcomes.report(db.session, AS_OF, institution=world).metrics
    assert set(metrics) == set(DEFINITIONS)
    for name, text in DEFINITIONS.items():
        assert text["ko"] and text["en"], name
    assert "12 months" in DEFINITIONS["retention_12"]["en"] and "{m}" not in DEFINITIONS["unknown_6"]["ko"]
    assert "start" in outcomes.NOTES["year"]["en"]


def test_cli_prints_exact_figures_for_the_institution_and_hides_small_ones_in_public(world, runner):
    import json

    args = ["outcomes", "--institution", "inst-a", "--cohort", "A-2024", "--as-of", "2025-12-31", "--json"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["institution"], body["cohort"], body["as_of"]) == ("inst-a", "A-2024", "2025-12-31")
    assert body["metrics"]["completion_rate"] == {"numerator": 5, "denominator": 6, "rate": pytest.approx(5 / 6),
                                                  "in_training": 0}
    assert body["unknowns"]["9"] == 3
    public = json.loads(runner.invoke(args=args + ["--public"]).output)
    # 5 of 6 is no small number, but the institution's 7/8 less A-2024 would give B-2024's hidden 2/2 away
    assert public["metrics"]["completion_rate"]["numerator"] is None
    assert public["metrics"]["retention_12"] | {"suppressed": None, "small": None} == {
        "numerator": None, "denominator": None, "rate": None, "answered": None, "verified": None, "suppressed": None,
        "small": None}
    assert public["unknowns"]["9"] is None
    whole = json.loads(runner.invoke(args=["outcomes", "--institution", "inst-a", "--json"]).output)
    assert whole["cohort"] is None and whole["metrics"]["completion_rate"]["denominator"] == 8
    assert runner.invoke(args=["outcomes", "--institution", "inst-a", "--cohort", "nope"]).exit_code != 0
    text = runner.invoke(args=["outcomes", "--institution", "inst-a", "--public"]).output
    assert "completion_rate" in text and "<5" in text


# ---- who answered, and whether the answer was verified ------------------------------------------------------------

def test_each_retention_figure_counts_who_answered_and_how_many_answers_were_verified(world):
    check(db.session, world, "t1", 3, "employed_same_employer", "gyeongnam", evidence="employer")
    check(db.session, world, "t2", 3, "employed_other_employer", "busan", evidence="insurance_record")
    check(db.session, world, "t3", 3, "not_employed", evidence="trainee")
    check(db.session, world, "t1", 12, "employed_same_employer", "gyeongnam", evidence="employer")
    db.session.commit()
    metrics = cohort_metrics(world, "A-2024")
    # 3 months: all four due answered; t1 by the employer and t2 by an insurance record verify, t3's own word does not
    assert (metrics["retention_3"]["answered"], metrics["retention_3"]["verified"]) == (4, 2)
    # 6 months: t3's recorded "unknown" is no answer; 9 months: only t1 was asked
    assert (metrics["retention_6"]["answered"], metrics["retention_6"]["verified"]) == (3, 0)
    assert (metrics["retention_9"]["answered"], metrics["retention_9"]["verified"]) == (1, 0)
    for name in ("retention_12", "same_employer_retention_12", "local_retention_12", "capital_outflow_12"):
        assert (metrics[name]["answered"], metrics[name]["verified"]) == (2, 1), name   # t1 and t2; t3 missing
    for m in (3, 6, 9, 12):   # answered and unknown split the due people between them
        assert metrics[f"retention_{m}"]["answered"] + metrics[f"unknown_{m}"]["numerator"] == \
            metrics[f"retention_{m}"]["denominator"]
    assert "answered" not in metrics["completion_rate"] and "answered" not in metrics["placement_rate_90"]


def test_capital_outflow_counts_answers_of_the_cohorts_outside_the_capital_only(world):
    report = outcomes.report(db.session, AS_OF, institution=world)
    assert report.metrics["retention_12"]["answered"] == 3          # t1, t2 and B-2024's s1
    assert report.metrics["capital_outflow_12"]["answered"] == 2    # s1's Seoul cohort is left out


# ---- as known on the as-of date ----------------------------------------------------------------------------------

def test_a_cohort_still_in_training_does_not_change_the_completion_rate(world):
    before = outcomes.report(db.session, AS_OF, institution=world).metrics["completion_rate"]
    cohort(db.session, world, "C-2025", start="2025-09-01", end="2026-02-27")
    for ref in ("c1", "c2", "c3"):
        trainee(db.session, world, "C-2025", ref, status="enrolled")
    db.session.commit()
    after = outcomes.report(db.session, AS_OF, institution=world).metrics["completion_rate"]
    assert (after["numerator"], after["denominator"], after["rate"]) == \
        (before["numerator"], before["denominator"], before["rate"]) == (7, 8, pytest.approx(7 / 8))
    assert (before["in_training"], after["in_training"]) == (0, 1)
    running = cohort_metrics(world, "C-2025")["completion_rate"]
    assert (running["denominator"], running["rate"], running["in_training"]) == (0, None, 1)
    ended = cohort_metrics(world, "C-2025", as_of=date(2026, 2, 27))["completion_rate"]
    assert (ended["numerator"], ended["denominator"], ended["in_training"]) == (0, 3, 0)


def test_completions_placements_and_follow_ups_dated_after_the_as_of_date_do_not_count(world):
    # As of 2025-01-31: t4's job (2025-02-01) has not started; follow-ups recorded on 2025-12-15 are not known yet.
    got = figures(cohort_metrics(world, "A-2024", as_of=date(2025, 1, 31)))
    assert got["in_field_rate"] == (2, 3) and got["local_placement_rate"] == (2, 3)
    assert got["retention_3"] == (0, 2) and got["unknown_3"] == (2, 2)   # t1 and t2 due; t3 due on 2025-02-01
    check(db.session, world, "t1", 3, "employed_same_employer", "gyeongnam", on="2024-10-20")
    db.session.commit()
    assert figures(cohort_metrics(world, "A-2024", as_of=date(2025, 1, 31)))["retention_3"] == (1, 2)
    # A completion dated after the as-of date: the trainee had not completed yet.
    cohort(db.session, world, "D-2024", start="2024-01-08", end="2024-06-28")
    trainee(db.session, world, "D-2024", "d1", completed="2024-06-28")
    trainee(db.session, world, "D-2024", "d2", completed="2024-07-10")
    db.session.commit()
    assert figures(cohort_metrics(world, "D-2024", as_of=date(2024, 7, 1)))["completion_rate"] == (1, 2)
    assert figures(cohort_metrics(world, "D-2024", as_of=date(2024, 7, 10)))["completion_rate"] == (2, 2)

"""Cost per retained local hire: cohort budgets, the ledger's figure, and who sees it (hand-computed worlds)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import Cohort, Institution, User
from talent_match.services.errors import ValidationFailed
from talent_match.services.outcomes import disclosure, regional_stats, releases
from talent_match.services.outcomes import ledger as outcomes
from talent_match.services.training import records as training
from talent_match.services.transfers import imports

from .conftest import login
from .regional_world import password_hash
from .training_world import check, job, trainee

AS_OF = date(2025, 12, 31)
COST = "cost_per_local_retained_12"


def budgeted(session, inst, code, budget, *, region="gyeongnam", end="2024-06-28", source="national"):
    return training.save_cohort(session, inst, {
        "cohort_code": code, "programme_name": f"과정 {code}", "region": region, "start_date": "2024-01-08",
        "end_date": end, "budget_krw": budget, "funding_source": source})


def retained(session, inst, code, refs, *, region="gyeongnam", worked_in=None, start="2024-07-15",
             completed="2024-06-28"):
    """Trainees of a cohort placed on `start`, each employed at 12 months in `worked_in` (default the region)."""
    for ref in refs:
        trainee(session, inst, code, ref, completed=completed)
        job(session, inst, ref, start, region)
        check(session, inst, ref, 12, "employed_same_employer", worked_in or region, on="2025-11-01")


@pytest.fixture
def world(app_ctx, make_user):
    """One Gyeongnam institution, as of 2025-12-31:
      C1 budget 120,000,000 (national), ended 2024-06-28: g1-g5 placed in Gyeongnam 2024-07-15 and there at 12
         months, g6 working in Seoul at 12 months, g7 never placed: 120,000,000 / 5 = 24,000,000
      C2 no budget, the same kind of trainees (h1-h5 local): no figure, and not in any total
      C3 budget 50,000,000, ended 2025-03-31: not 12 months past its end, so not counted yet
      C4 budget 80,000,000, ended 2024-06-28: k1 works in Busan at 12 months; nobody local: null, but the budget
         counts in the institution's total
      C5 budget 10,000,000, ended 2024-06-28: m1 placed 2025-03-01, due at 12 months only on 2026-03-01
    The institution: (120,000,000 + 80,000,000) / 5 = 40,000,000.
    """
    make_user("institution", institution="inst-cost", region="gyeongnam")
    session = db.session
    inst = training.institution_by_slug(session, "inst-cost")
    budgeted(session, inst, "C1", 120_000_000)
    retained(session, inst, "C1", ["g1", "g2", "g3", "g4", "g5"])
    retained(session, inst, "C1", ["g6"], worked_in="seoul")
    trainee(session, inst, "C1", "g7")
    training.save_cohort(session, inst, {"cohort_code": "C2", "programme_name": "과정 C2", "region": "gyeongnam",
                                         "start_date": "2024-01-08", "end_date": "2024-06-28"})
    retained(session, inst, "C2", ["h1", "h2", "h3", "h4", "h5"])
    budgeted(session, inst, "C3", 50_000_000, end="2025-03-31")
    retained(session, inst, "C3", ["j1"], start="2025-04-01", completed="2025-03-31")
    budgeted(session, inst, "C4", 80_000_000, source="regional_government")
    retained(session, inst, "C4", ["k1"], worked_in="busan")
    budgeted(session, inst, "C5", 10_000_000, source="employer")
    trainee(session, inst, "C5", "m1")
    job(session, inst, "m1", "2025-03-01", "gyeongnam")
    session.commit()
    return inst


def cost_of(inst, code=None, as_of=AS_OF):
    cohort = training.cohort_by_code(db.session, inst, code) if code else None
    metric = outcomes.report(db.session, as_of, institution=inst, cohort=cohort).metrics[COST]
    return metric["budget_krw"], metric["local_retained_12"], metric["value"]


def test_cost_per_retained_local_hire_matches_the_hand_count(world):
    assert cost_of(world, "C1") == (120_000_000, 5, 24_000_000)
    assert cost_of(world) == (200_000_000, 5, 40_000_000)


def test_cost_is_null_without_a_budget_nobody_retained_or_a_checkpoint_not_due(world):
    assert cost_of(world, "C2") == (None, 0, None)              # no budget recorded
    assert cost_of(world, "C4") == (80_000_000, 0, None)        # nobody works in the region at 12 months
    assert cost_of(world, "C3") == (None, 0, None)              # ended 2025-03-31: not a year yet
    assert cost_of(world, "C5") == (None, 0, None)              # m1's 12 months fall on 2026-03-01
    assert cost_of(world, "C5", as_of=date(2026, 3, 1)) == (10_000_000, 0, None)


def test_cost_per_programme_and_its_definition_in_both_languages(world):
    table = outcomes.table(db.session, "programme", AS_OF, institution=world)
    costs = {row.key: row.metrics[COST]["value"] for row in table.rows}
    assert costs == {"과정 C1": 24_000_000, "과정 C2": None, "과정 C3": None, "과정 C4": None, "과정 C5": None}
    assert table.total.metrics[COST]["value"] == 40_000_000
    assert {"en", "ko"} <= set(outcomes.DEFINITIONS[COST])


def test_outcomes_json_gives_the_cost(world, runner):
    printed = runner.invoke(args=["outcomes", "--institution", "inst-cost", "--cohort", "C1", "--as-of",
                                  "2025-12-31", "--json"])
    assert printed.exit_code == 0, printed.output
    cost = json.loads(printed.output)["metrics"][COST]
    assert (cost["budget_krw"], cost["local_retained_12"], cost["value"]) == (120_000_000, 5, 24_000_000)
    text = runner.invoke(args=["outcomes", "--institution", "inst-cost", "--as-of", "2025-12-31"]).output
    assert "200000000" in text and "40000000" in text


def test_others_see_no_cost_whose_count_is_small_or_could_be_worked_out(world):
    public = disclosure.public_outcomes(db.session, world, None, AS_OF)
    # The institution's 5 passes; but C1's 5 is the total less cohorts hidden as small (all 0): C1 is hidden too,
    # and with it its budget, so that budget / value cannot give its count back.
    assert public.metrics[COST]["value"] == 40_000_000
    c1 = disclosure.public_outcomes(db.session, world, training.cohort_by_code(db.session, world, "C1"), AS_OF)
    assert (c1.metrics[COST]["budget_krw"], c1.metrics[COST]["local_retained_12"], c1.metrics[COST]["value"]) == (
        None, None, None)
    c4 = disclosure.public_report(outcomes.report(db.session, AS_OF, institution=world,
                                                  cohort=training.cohort_by_code(db.session, world, "C4")))
    assert c4.metrics[COST]["value"] is None and disclosure.display(c4.metrics[COST], "local_retained_12") == "<5"


def test_budget_and_funding_source_are_checked_and_kept_when_an_import_leaves_them_out(world):
    with pytest.raises(ValidationFailed) as refused:
        budgeted(db.session, world, "C9", -1)
    assert "budget_krw" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        budgeted(db.session, world, "C9", 1, source="lottery")
    assert "funding_source" in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(Cohort).where(Cohort.code == "C9")) is None
    csv = ("cohort_code,programme_name,region,start_date,end_date,예산,재원\n"
           "C6,과정 C6,gyeongnam,2024-01-08,2024-06-28,\"30,000,000\",지자체\n")
    imports.commit(db.session, world, "cohorts", csv.encode())
    db.session.commit()
    c6 = training.cohort_by_code(db.session, world, "C6")
    assert (c6.budget_krw, c6.funding_source) == (30_000_000, "regional_government")
    imports.commit(db.session, world, "cohorts",
                       b"cohort_code,programme_name,region,start_date,end_date\n"
                       b"C6,\xea\xb3\xbc\xec\xa0\x95 C6,gyeongnam,2024-01-08,2024-06-30\n")
    db.session.commit()
    c6 = training.cohort_by_code(db.session, world, "C6")
    assert (c6.end_date, c6.budget_krw, c6.funding_source) == (date(2024, 6, 30), 30_000_000,
                                                               "regional_government")


def test_the_institution_records_a_budget_and_sees_the_cost_on_its_report(app, make_user):
    _, email = make_user("institution", institution="inst-form", region="gyeongnam")
    client = app.test_client()
    assert login(client, email).status_code == 302
    assert 'name="budget_krw"' in client.get("/institutions/").get_data(as_text=True)
    answer = client.post("/institutions/cohorts", data={
        "cohort_code": "F1", "programme_name": "과정", "region": "gyeongnam",
        "start_date": "2024-01-08", "end_date": "2024-06-28", "capacity": "", "budget_krw": "1,500,000",
        "funding_source": "institution"})
    assert answer.status_code == 302
    refused = client.post("/institutions/cohorts", data={
        "cohort_code": "F2", "programme_name": "과정", "region": "gyeongnam",
        "start_date": "2024-01-08", "end_date": "2024-06-28", "capacity": "", "budget_krw": "-5",
        "funding_source": ""})
    assert refused.status_code == 422
    with app.app_context():
        cohorts = {c.code: (c.budget_krw, c.funding_source) for c in db.session.scalars(select(Cohort))}
    assert cohorts == {"F1": (1_500_000, "institution")}
    report = client.get("/institutions/report?as_of=2025-12-31").get_data(as_text=True)
    assert 'id="cost"' in report


# ---- the regional figures -------------------------------------------------------------------------------------

SMALL_REGIONS = {"ulsan": 2, "busan": 2, "daegu": 2, "gwangju": 1, "daejeon": 1, "jeonbuk": 1}


def country(small_regions_send_to_seoul: bool):
    """Cohorts ended 2024-06-28, everyone placed 2024-07-15, follow-ups at 12 months checked 2025-08-01.
    Gyeongnam (budget 90,000,000): 6 working in the region at 12 months, 5 in Seoul, 5 unknown: every count 5 or
    more, cost 90,000,000 / 6 = 15,000,000. Six small regions (budget 30,000,000 each): 2 or 1 local, 1 unknown
    and, when they send people to Seoul, 1 there: all below 5, adding up to 5 or more in every column without
    fixing any one of them. When they send nobody to Seoul, Gyeongnam's 5 in the capital area is the country's 5
    less six hidden zeros: it is hidden, then its local count (11 retained less 6 would give it back), and so is
    its cost."""
    from .regional_world import region
    people = {"gyeongnam": (6, 5, 5, 90_000_000)}
    people.update({slug: (local, int(small_regions_send_to_seoul), 1, 30_000_000)
                   for slug, local in SMALL_REGIONS.items()})
    for slug, (local, capital, unknown, budget) in people.items():
        inst = Institution(slug=f"{slug}-academy", name=f"{slug} 아카데미", region=region(slug))
        db.session.add(User(email=f"inst@{slug}.example.kr", role="institution", name="담당자", institution=inst,
                            password_hash=password_hash()))
        db.session.flush()
        code = f"{slug}-1"
        budgeted(db.session, inst, code, budget, region=slug)
        for n in range(local + capital + unknown):
            ref = f"{slug}{n}"
            trainee(db.session, inst, code, ref)
            job(db.session, inst, ref, "2024-07-15", slug)
            if n < local + capital:
                check(db.session, inst, ref, 12, "employed_same_employer" if n < local else "employed_other_employer",
                      slug if n < local else "seoul", on="2025-08-01", evidence="employer")
    db.session.commit()


def region_row(slug):
    figures = regional_stats.regional_figures(db.session, AS_OF)
    return next(row for row in figures.regions if row["region"] == slug)


def test_the_public_sees_a_regions_cost_only_when_every_count_behind_it_is_shown(app_ctx, client):
    country(small_regions_send_to_seoul=True)
    gyeongnam = region_row("gyeongnam")
    assert gyeongnam["local_retention_12"]["numerator"] == 6
    assert gyeongnam[COST] == {"budget_krw": 90_000_000, "local_retained_12": 6, "value": 15_000_000}
    ulsan = region_row("ulsan")
    assert ulsan[COST] == {"budget_krw": None, "local_retained_12": None, "value": None}   # 2 is below 5
    assert COST in ulsan["suppressed"]
    assert "15,000,000" in client.get("/regions/gyeongnam").get_data(as_text=True)
    assert 'id="cost"' not in client.get("/regions/ulsan").get_data(as_text=True)


def test_a_regions_cost_is_hidden_while_its_local_retention_is(app_ctx, client):
    country(small_regions_send_to_seoul=False)
    gyeongnam = region_row("gyeongnam")
    assert gyeongnam["local_retention_12"]["numerator"] is None
    assert gyeongnam[COST]["value"] is None and COST in gyeongnam["suppressed"]
    assert 'id="cost"' not in client.get("/regions/gyeongnam").get_data(as_text=True)


def test_the_regions_office_sees_the_cost_per_funding_programme_and_another_region_sees_nothing(app, make_user):
    with app.app_context():
        country(small_regions_send_to_seoul=True)
        published = releases.release(db.session, AS_OF)
        from .regional_world import region
        table = releases.programme_costs(db.session, published, region("gyeongnam"))
        assert [row.metrics[COST]["value"] for row in table.rows] == [15_000_000]
        assert table.total.metrics[COST]["value"] == 15_000_000
        db.session.remove()
    _, email = make_user("operator", region="gyeongnam")
    operator = app.test_client()
    assert login(operator, email).status_code == 302
    page = operator.get("/admin/regions/gyeongnam?as_of=2025-12-31").get_data(as_text=True)
    assert 'id="programme-costs"' in page and "15,000,000" in page
    assert operator.get("/admin/regions/ulsan?as_of=2025-12-31").status_code == 404

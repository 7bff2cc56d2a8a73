"""Small counts are hidden from everyone but the institution, and cannot be worked out from totals."""
from __future__ import annotations

import json
from datetime import date

import pytest

from talent_match.extensions import db
from talent_match.services.outcomes import disclosure
from talent_match.services.outcomes import ledger as outcomes
from talent_match.services.outcomes.disclosure import display, suppress_metrics, suppress_table
from talent_match.services.training import records as training

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .training_world import check, cohort, job, trainee


def metric(numerator, denominator):
    return {"numerator": numerator, "denominator": denominator,
            "rate": numerator / denominator if denominator else None}


def test_a_numerator_below_five_is_hidden_with_its_rate():
    shown = suppress_metrics({"placement_rate_90": metric(3, 20)})["placement_rate_90"]
    assert shown["numerator"] is None and shown["rate"] is None and shown["denominator"] == 20
    assert display(shown, "numerator") == "<5" and display(shown, "denominator") == 20


def test_a_denominator_below_five_hides_the_whole_figure():
    shown = suppress_metrics({"retention_12": metric(4, 4)})["retention_12"]
    assert shown["numerator"] is None and shown["denominator"] is None and shown["rate"] is None


def test_zero_is_a_small_count_and_five_is_not():
    shown = suppress_metrics({"a": metric(0, 12), "b": metric(5, 5)})
    assert shown["a"]["numerator"] is None and shown["a"]["denominator"] == 12
    assert shown["b"] == {**metric(5, 5), "suppressed": []}


def test_hidden_zeros_alone_do_not_protect_a_column():
    rows = [{"m": metric(0, 10)}, {"m": metric(0, 12)}, {"m": metric(8, 20)}, {"m": metric(9, 30)}]
    shown, _ = suppress_table(rows, {"m": metric(17, 72)})
    assert [row["m"]["numerator"] for row in shown] == [None, None, None, 9]


def test_not_applicable_stays_null_without_a_suppression_mark():
    na = {"numerator": None, "denominator": None, "rate": None}
    shown = suppress_metrics({"capital_outflow_12": na})["capital_outflow_12"]
    assert shown["suppressed"] == [] and display(shown, "numerator") is None


def test_the_median_goes_with_its_count():
    median = {"numerator": None, "denominator": 3, "rate": None, "value": 30_000_000}
    assert suppress_metrics({"median_wage_krw": median})["median_wage_krw"]["value"] is None


def test_original_figures_are_left_untouched():
    figures = {"placement_rate_90": metric(3, 20)}
    suppress_metrics(figures)
    assert figures["placement_rate_90"]["numerator"] == 3


def test_one_hidden_cell_in_a_column_hides_the_next_smallest():
    rows = [{"placement_rate_90": metric(3, 20)}, {"placement_rate_90": metric(10, 25)},
            {"placement_rate_90": metric(12, 30)}]
    total = {"placement_rate_90": metric(25, 75)}
    shown, shown_total = suppress_table(rows, total, ["placement_rate_90"])
    numerators = [row["placement_rate_90"]["numerator"] for row in shown]
    assert numerators == [None, None, 12]         # 3 = 25 - 10 - 12 otherwise
    assert [row["placement_rate_90"]["denominator"] for row in shown] == [20, 25, 30]
    assert shown[1]["placement_rate_90"]["rate"] is None
    assert shown_total["placement_rate_90"]["numerator"] == 25


def test_hidden_cells_adding_up_to_less_than_five_hide_one_more():
    rows = [{"m": metric(1, 10)}, {"m": metric(2, 10)}, {"m": metric(30, 40)}, {"m": metric(40, 50)}]
    shown, _ = suppress_table(rows, {"m": metric(73, 110)})
    assert [row["m"]["numerator"] for row in shown] == [None, None, None, 40]


def test_a_region_row_that_sums_institutions_protects_their_denominators():
    rows = [{"retention_12": metric(2, 4)}, {"retention_12": metric(6, 9)}, {"retention_12": metric(8, 12)}]
    shown, total = suppress_table(rows, {"retention_12": metric(16, 25)})
    assert [row["retention_12"]["denominator"] for row in shown] == [None, None, 12]
    assert [row["retention_12"]["numerator"] for row in shown] == [None, None, 8]
    assert total["retention_12"]["denominator"] == 25


def test_a_count_hidden_in_one_metric_is_hidden_where_it_repeats_in_the_row():
    # A is a capital-area cohort: no outflow figure; for B and C the outflow denominator is their due_12 again.
    na = {"numerator": None, "denominator": None, "rate": None}
    rows = [{"retention_12": metric(3, 3), "capital_outflow_12": na},
            {"retention_12": metric(7, 10), "capital_outflow_12": metric(5, 10)},
            {"retention_12": metric(15, 20), "capital_outflow_12": metric(6, 20)}]
    total = {"retention_12": metric(25, 33), "capital_outflow_12": metric(11, 30)}
    shown, _ = suppress_table(rows, total)
    # B's 10 would otherwise show as its outflow denominator, and A's 3 = 33 - 10 - 20;
    # then C's outflow 20 must go (else B's = 30 - 20), and with it C's due_12 (the same 20).
    assert shown[1]["capital_outflow_12"]["denominator"] is None
    assert shown[2]["capital_outflow_12"]["denominator"] is None
    assert [row["retention_12"]["denominator"] for row in shown] == [None, None, None]
    assert shown[0]["capital_outflow_12"]["suppressed"] == []


def test_public_figures_of_a_small_cohort_are_hidden_but_the_institution_sees_them(app_ctx, make_user):
    make_user("institution", institution="inst-s", region="jeju")
    inst = training.institution_by_slug(db.session, "inst-s")
    cohort(db.session, inst, "J-1", region="jeju", start="2024-01-08", end="2024-06-28")
    for index in range(6):
        trainee(db.session, inst, "J-1", f"j{index}")
    for index in range(3):
        job(db.session, inst, f"j{index}", "2024-07-15", "jeju", employer=f"제주AI{index}")
        check(db.session, inst, f"j{index}", 3, "employed_same_employer", "jeju")
    db.session.commit()
    own = outcomes.report(db.session, date(2025, 12, 31), institution=inst)
    public = disclosure.public_outcomes(db.session, inst, None, date(2025, 12, 31))
    assert own.metrics["placement_rate_90"]["numerator"] == 3
    assert public.metrics["placement_rate_90"]["numerator"] is None
    assert public.metrics["completion_rate"]["numerator"] == 6
    table = disclosure.public_table(outcomes.table(db.session, "cohort", date(2025, 12, 31), institution=inst))
    assert table.rows[0].metrics["placement_rate_90"]["numerator"] is None


# ---- one checkpoint's counts: retained, unknown and the counts inside retained share the same due people ---------

def checkpoint(retained, unknown, due, same_employer=None, local=None, outflow=None, outflow_due=None, m=12):
    """The figures of one checkpoint as outcomes.compute names them."""
    figures = {f"retention_{m}": metric(retained, due), f"unknown_{m}": metric(unknown, due)}
    if same_employer is not None:
        figures[f"same_employer_retention_{m}"] = metric(same_employer, due)
    if local is not None:
        figures[f"local_retention_{m}"] = metric(local, due)
    if outflow is not None:
        figures[f"capital_outflow_{m}"] = metric(outflow, due if outflow_due is None else outflow_due)
    return figures


def hidden(shown, name, part="numerator"):
    return part in shown[name]["suppressed"]


def test_a_hidden_retained_count_hides_an_unknown_count_that_fills_the_due():
    # The reviewer's report: "<5 / 11" retained beside "11 / 11" unknown says that none of the 11 was retained.
    shown = suppress_metrics(checkpoint(retained=0, unknown=11, due=11, m=3))
    assert hidden(shown, "retention_3") and hidden(shown, "unknown_3")
    assert display(shown["retention_3"], "numerator") == "<5" and shown["unknown_3"]["denominator"] == 11
    assert display(shown["unknown_3"], "numerator") == disclosure.HIDDEN    # 11 is hidden, but not small


def test_a_hidden_unknown_count_hides_a_retained_count_that_fills_the_due():
    # 12 of 12 retained beside "<5" unknown says that no one is unknown; so would 12 of 12 with the same employer.
    shown = suppress_metrics(checkpoint(retained=12, unknown=0, due=12, same_employer=12, local=9, outflow=3))
    assert all(hidden(shown, name) for name in ("unknown_12", "retention_12", "same_employer_retention_12"))
    # 9 local leaves retained anywhere from 9 to 12, so it stays; the 3 in the capital are hidden as small.
    assert shown["local_retention_12"]["numerator"] == 9 and hidden(shown, "capital_outflow_12")
    assert [shown[name]["denominator"] for name in shown] == [12, 12, 12, 12, 12]


def test_capital_outflow_that_fills_retained_is_hidden_beside_a_hidden_local_count():
    # Local and capital-area jobs are different people: 10 retained, 10 of them in the capital, leaves 0 local.
    shown = suppress_metrics(checkpoint(retained=10, unknown=6, due=20, local=0, outflow=10, outflow_due=15))
    assert hidden(shown, "local_retention_12") and hidden(shown, "capital_outflow_12")
    assert shown["retention_12"]["numerator"] == 10 and shown["capital_outflow_12"]["denominator"] == 15


def test_bounds_that_leave_more_than_one_possible_count_are_shown():
    # 18 of 20 retained tells that 2 were not, as any shown figure tells its complement; unknown stays "<5"
    # (0, 1 or 2: people no figure counts, those not employed, are in the rest).
    shown = suppress_metrics(checkpoint(retained=18, unknown=1, due=20) | checkpoint(3, 16, 20, m=3))
    assert shown["retention_12"]["numerator"] == 18 and hidden(shown, "unknown_12")
    assert shown["unknown_3"]["numerator"] == 16 and hidden(shown, "retention_3")


def test_n_of_n_is_shown_when_no_hidden_count_depends_on_it():
    shown = suppress_metrics({"completion_rate": metric(12, 12), "placement_rate_90": metric(12, 12),
                              **checkpoint(retained=12, unknown=6, due=18)})
    assert shown["completion_rate"] == {**metric(12, 12), "suppressed": []}
    assert shown["placement_rate_90"]["numerator"] == 12 and shown["retention_12"]["numerator"] == 12


def test_the_checkpoint_rule_protects_the_rows_of_a_table_and_their_total():
    # Every due person of A and B was retained: the total's and each row's unknowns are 0, and "<5".
    rows = [checkpoint(retained=10, unknown=0, due=10), checkpoint(retained=8, unknown=0, due=8)]
    shown_rows, shown_total = suppress_table(rows, checkpoint(retained=18, unknown=0, due=18))
    assert all(hidden(row, "retention_12") for row in [*shown_rows, shown_total])
    assert shown_total["retention_12"]["denominator"] == 18


def test_a_cell_hidden_by_its_column_is_checked_again_within_its_row():
    # B's 3 retained hides A's 10; A's 5 local and 5 in the capital (different people) then say at least 10, and
    # its 15 due less 5 unknown at most 10: A's unknown goes too.
    rows = [checkpoint(retained=10, unknown=5, due=15, local=5, outflow=5),
            checkpoint(retained=3, unknown=5, due=10, local=2, outflow=1),
            checkpoint(retained=20, unknown=6, due=30, local=4, outflow=4)]
    total = checkpoint(retained=33, unknown=16, due=55, local=11, outflow=10)
    shown_rows, _ = suppress_table(rows, total)
    assert hidden(shown_rows[0], "retention_12") and hidden(shown_rows[0], "unknown_12")


# ---- every public view of an institution is cut from one table ------------------------------------------------

AS_OF = "2025-12-31"


@pytest.fixture
def two_cohorts(app, make_user):
    """The reviewer's example: cohort A with 7 trainees and 5 completers, cohort B with 3 trainees, all completed."""
    make_user("institution", institution="inst-ab")
    with app.app_context():
        inst = training.institution_by_slug(db.session, "inst-ab")
        for code, trainees, completers in (("A", 7, 5), ("B", 3, 3)):
            cohort(db.session, inst, code)
            for index in range(trainees):
                trainee(db.session, inst, code, f"{code}{index}",
                        status="completed" if index < completers else "withdrawn")
        db.session.commit()
        db.session.remove()
    return "inst-ab"


def public_json(runner, slug, code=None):
    args = ["outcomes", "--institution", slug, "--as-of", AS_OF, "--public", "--json"]
    result = runner.invoke(args=args + (["--cohort", code] if code else []))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["metrics"]["completion_rate"]


def test_a_small_cohort_cannot_be_worked_out_from_the_institution_less_its_other_cohorts(runner, two_cohorts):
    whole, a, b = (public_json(runner, two_cohorts, code) for code in (None, "A", "B"))
    assert (whole["numerator"], whole["denominator"]) == (8, 10)
    assert (b["numerator"], b["denominator"]) == (None, None)
    # 8 - 5 and 10 - 7 would give B away: A is hidden with it.
    assert (a["numerator"], a["denominator"]) == (None, None)


def test_the_api_shows_the_same_public_cohort_as_the_command(runner, api, two_cohorts):
    institution = api("institution", institution=two_cohorts)
    for code in ("A", "B"):
        body = institution.get(f"/api/v1/outcomes?as_of={AS_OF}&public=true&cohort={code}").json
        assert body["metrics"]["completion_rate"] == public_json(runner, two_cohorts, code)
        assert body["metrics"]["completion_rate"]["numerator"] is None
    exact = institution.get(f"/api/v1/outcomes?as_of={AS_OF}&cohort=A").json
    assert exact["metrics"]["completion_rate"]["numerator"] == 5


def test_the_printed_public_report_is_the_cohorts_row_of_the_public_table(runner, two_cohorts):
    text = runner.invoke(args=["outcomes", "--institution", two_cohorts, "--cohort", "A", "--as-of", AS_OF,
                               "--public"]).output
    line = next(line for line in text.splitlines() if line.split()[:1] == ["completion_rate"])
    # A's 5 and 7 are hidden to protect B, and are not below 5: they read "hidden", not "<5".
    assert line.split()[1:] == ["hidden", "/", "hidden", "-"]


def test_a_public_cohort_is_exactly_its_row_in_the_institutions_public_table(app_ctx, two_cohorts):
    inst = training.institution_by_slug(db.session, two_cohorts)
    day = date.fromisoformat(AS_OF)
    table = disclosure.public_table(outcomes.table(db.session, "cohort", day, institution=inst))
    for row in table.rows:
        one = disclosure.public_outcomes(db.session, inst, training.cohort_by_code(db.session, inst, row.key), day)
        assert (one.key, one.metrics) == (row.key, row.metrics)
    assert disclosure.public_outcomes(db.session, inst, None, day).metrics == table.total.metrics


# ---- who answered: answered and unknown split the due people ------------------------------------------------------

def answered(figures, answered, verified, m=12):
    """The checkpoint's figures with `answered` and `verified` on each metric of its due people."""
    for name in (f"retention_{m}", f"same_employer_retention_{m}", f"local_retention_{m}"):
        if name in figures:
            figures[name] |= {"answered": answered, "verified": verified}
    return figures


def test_answered_is_hidden_with_a_hidden_unknown_count_it_would_give_away():
    # 12 answered of 15 due says 3 unknown; the unknown count is small, so answered goes too, in every copy.
    shown = suppress_metrics(answered(checkpoint(retained=10, unknown=3, due=15, same_employer=8), 12, 8))
    assert hidden(shown, "unknown_12")
    assert all(hidden(shown, name, "answered") for name in ("retention_12", "same_employer_retention_12"))
    assert shown["retention_12"]["verified"] == 8 and shown["retention_12"]["rate"] == pytest.approx(10 / 15)
    assert display(shown["retention_12"], "answered") == disclosure.HIDDEN and display(shown["unknown_12"],
                                                                                         "numerator") == "<5"


def test_a_small_answered_count_hides_the_unknown_count_beside_it():
    shown = suppress_metrics(answered(checkpoint(retained=0, unknown=16, due=20, m=6), 4, 0, m=6))
    assert hidden(shown, "retention_6", "answered") and hidden(shown, "retention_6", "verified")
    assert hidden(shown, "unknown_6")


def test_a_verified_count_that_fills_the_due_is_hidden_beside_a_hidden_answered_count():
    # 12 verified of 12 due says everyone answered, so the hidden unknown would be 0.
    shown = suppress_metrics(answered(checkpoint(retained=3, unknown=0, due=12), 12, 12))
    assert hidden(shown, "retention_12", "answered") and hidden(shown, "retention_12", "verified")
    assert hidden(shown, "unknown_12") and shown["retention_12"]["denominator"] == 12


def test_answered_counts_are_protected_across_the_rows_of_a_table():
    rows = [answered(checkpoint(retained=8, unknown=6, due=20), 14, 3),
            answered(checkpoint(retained=9, unknown=7, due=22), 15, 9)]
    total = answered(checkpoint(retained=17, unknown=13, due=42), 29, 12)
    shown_rows, shown_total = suppress_table(rows, total)
    assert hidden(shown_rows[0], "retention_12", "verified") and hidden(shown_rows[1], "retention_12", "verified")
    assert shown_total["retention_12"]["verified"] == 12 and shown_rows[0]["retention_12"]["answered"] == 14

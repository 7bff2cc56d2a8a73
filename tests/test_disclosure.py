"""Small counts are hidden from everyone but the institution, and cannot be worked out from totals."""
from __future__ import annotations

from datetime import date

from talent_match.extensions import db
from talent_match.services import disclosure, outcomes, training
from talent_match.services.disclosure import display, suppress_metrics, suppress_table

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
    public = disclosure.public_report(own)
    assert own.metrics["placement_rate_90"]["numerator"] == 3
    assert public.metrics["placement_rate_90"]["numerator"] is None
    assert public.metrics["completion_rate"]["numerator"] == 6
    table = disclosure.public_table(outcomes.table(db.session, "cohort", date(2025, 12, 31), institution=inst))
    assert table.rows[0].metrics["placement_rate_90"]["numerator"] is None

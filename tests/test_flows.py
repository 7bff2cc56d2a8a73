"""Where trained people go (services.outcomes.flows), on hand-built cohorts whose flows were counted by hand."""
from __future__ import annotations

import re
from collections import Counter, namedtuple
from datetime import date

from talent_match.services.outcomes import flows, ledger
from talent_match.services.outcomes.flows import HIDDEN, SMALL, Flow, FlowTable
from talent_match.services.outcomes.ledger import CohortFacts, TraineeFacts

SEOUL, GYEONGGI, GYEONGNAM, BUSAN = 1, 3, 10, 11
CAPITAL = {1, 2, 3}
AS_OF = date(2025, 6, 30)
Job = namedtuple("Job", "id start_date in_field region_id annual_wage_krw")
Answer = namedtuple("Answer", "checkpoint_month status region_id checked_on evidence")


def person(job_region=None, start=date(2024, 2, 1), at_12=None, status="completed", excluded=None,
           checked_on=date(2025, 3, 1)):
    """A completer; `job_region` their first job's region (None: no job); `at_12` (status, region) at 12 months."""
    placements = [Job(1, start, True, job_region, None)] if job_region else []
    answers = [Answer(12, at_12[0], at_12[1], checked_on, "institution")] if at_12 else []
    return TraineeFacts(status, date(2023, 12, 29) if status == "completed" else None, excluded, placements, answers)


def cohort(code, start, end, trainees, region=GYEONGNAM, institution="gn-academy"):
    return CohortFacts(hash(code) % 1000, code, region, start, end, "AI 과정", institution, institution, "gyeongnam",
                       "경상남도", trainees=trainees)


def gyeongnam_2023():
    """G-2023 (Gyeongnam, ended 2023-12-29), first jobs from 2024-02-01 (12 months due 2025-02-01):
    6 stayed and still in Gyeongnam at 12; 1 stayed then moved to Seoul; 1 stayed, no 12-month answer; 1 stayed,
    answered only after the as-of date (unknown); 2 placed in Seoul, still there; 1 placed in Busan, not employed at
    12; 1 placed in Gyeonggi, employed at 12 with no region recorded (unknown); 3 never placed; 1 whose first job
    starts after the as-of date (not employed at placement); 1 withdrawn and 1 excluded (not counted)."""
    employed = "employed_same_employer"
    people = [person(GYEONGNAM, at_12=(employed, GYEONGNAM)) for _ in range(6)]
    people += [person(GYEONGNAM, at_12=("employed_other_employer", SEOUL)), person(GYEONGNAM),
               person(GYEONGNAM, at_12=(employed, GYEONGNAM), checked_on=date(2025, 7, 1))]
    people += [person(SEOUL, at_12=(employed, SEOUL)) for _ in range(2)]
    people += [person(BUSAN, at_12=("not_employed", None)), person(GYEONGGI, at_12=(employed, None))]
    people += [person() for _ in range(3)] + [person(GYEONGNAM, start=date(2025, 7, 1))]
    people += [person(status="withdrawn"), person(GYEONGNAM, excluded="military_service")]
    return cohort("G-2023", date(2023, 3, 2), date(2023, 12, 29), people)


def test_flow_counts_completers_at_placement_and_the_due_at_twelve_months():
    result = flows.flow([gyeongnam_2023()], AS_OF, CAPITAL)
    assert result.counts["placement"] == {"stayed": 9, "capital": 3, "elsewhere": 1, "not_employed": 4,
                                          "unknown": 0, "total": 17}
    assert result.counts["month_12"] == {"stayed": 6, "capital": 3, "elsewhere": 0, "not_employed": 1,
                                         "unknown": 3, "total": 13}
    assert result.moves == Counter({("stayed", "stayed"): 6, ("stayed", "capital"): 1, ("stayed", "unknown"): 2,
                                    ("capital", "capital"): 2, ("capital", "unknown"): 1,
                                    ("elsewhere", "not_employed"): 1})


def test_flow_agrees_with_the_ledger():
    cohorts = [gyeongnam_2023()]
    metrics = ledger.compute(cohorts, AS_OF, CAPITAL)
    result = flows.flow(cohorts, AS_OF, CAPITAL)
    assert result.counts["placement"]["total"] == metrics["completion_rate"]["numerator"]
    assert result.counts["month_12"]["total"] == metrics["retention_12"]["denominator"]
    assert result.counts["month_12"]["stayed"] == metrics["local_retention_12"]["numerator"]
    assert result.counts["month_12"]["capital"] == metrics["capital_outflow_12"]["numerator"]
    assert result.counts["placement"]["stayed"] == metrics["local_placement_rate"]["numerator"]


def test_cohorts_not_ended_and_checkpoints_not_due_do_not_count():
    later = cohort("G-2024", date(2024, 3, 4), date(2024, 12, 27),
                   [person(GYEONGNAM, start=date(2025, 2, 3)) for _ in range(5)])
    running = cohort("G-2025", date(2025, 3, 3), date(2025, 12, 26), [person(GYEONGNAM) for _ in range(4)])
    table = flows.by_year([gyeongnam_2023(), later, running], AS_OF, CAPITAL)
    assert [row.key for row in table.rows] == ["2023", "2024", "2025"]
    assert table.rows[1].counts["placement"]["stayed"] == 5
    assert table.rows[1].counts["month_12"]["total"] == 0          # due 2026-02-03
    assert table.rows[2].counts["placement"]["total"] == 0         # still in training on the as-of date
    assert table.total.counts["placement"]["total"] == 17 + 5


def _flow(key, placement):
    counts = {"placement": dict(zip((*flows.CATEGORIES, "total"), (*placement, sum(placement)))),
              "month_12": dict.fromkeys((*flows.CATEGORIES, "total"), 0)}
    return Flow(key, key, counts)


def test_a_small_cell_reads_small_and_its_complement_is_hidden():
    table = FlowTable(AS_OF, [], _flow("total", (20, 3, 7, 9, 6)))
    flows.suppress([table], 5)
    shown = [table.cell(table.total, "placement", c) for c in (*flows.CATEGORIES, "total")]
    assert shown == [20, SMALL, 7, 9, HIDDEN, 45]


def test_small_cells_adding_up_to_less_than_the_threshold_hide_one_more():
    table = FlowTable(AS_OF, [], _flow("total", (12, 3, 6, 8, 0)))
    flows.suppress([table], 5)
    shown = [table.cell(table.total, "placement", c) for c in (*flows.CATEGORIES, "total")]
    assert shown == [12, SMALL, HIDDEN, 8, SMALL, 29]


def test_years_adding_up_to_the_total_are_protected_in_both_directions():
    """2023 (10, 6, 5, 7, 0) and 2024 (8, 2, 6, 9, 0) add up to (18, 8, 11, 16, 0). 2023: unknown 0 alone ->
    elsewhere 5 hidden; 2024: capital 2 + unknown 0 < 5 -> elsewhere 6 hidden; total: unknown 0 alone -> capital 8
    hidden. The columns then each hide two cells or none."""
    table = FlowTable(AS_OF, [_flow("2023", (10, 6, 5, 7, 0)), _flow("2024", (8, 2, 6, 9, 0))],
                      _flow("total", (18, 8, 11, 16, 0)))
    flows.suppress([table], 5)

    def row(flow):
        return [table.cell(flow, "placement", c) for c in (*flows.CATEGORIES, "total")]

    assert row(table.rows[0]) == [10, 6, HIDDEN, 7, SMALL, 28]
    assert row(table.rows[1]) == [8, SMALL, HIDDEN, 9, SMALL, 25]
    assert row(table.total) == [18, HIDDEN, 11, 16, SMALL, 53]
    assert all(table.cell(table.total, "month_12", c) == SMALL for c in flows.CATEGORIES)
    document = flows.as_dict(table)
    assert document["total"]["placement"]["capital"] is None
    assert document["total"]["suppressed"]["placement"]["capital"] == HIDDEN


def test_pinned_cells_are_hidden_with_the_release_or_never_chosen():
    """Stayed at 12 months is the release's local retention: hidden there, hidden here; shown there, it protects
    nothing here, so the next smallest cell is hidden instead."""
    counts = (20, 3, 7, 9, 6)
    hidden_there = FlowTable(AS_OF, [], _flow("total", counts))
    flows.suppress([hidden_there], 5, pinned={("total", "placement", "stayed"): False})
    assert hidden_there.cell(hidden_there.total, "placement", "stayed") == HIDDEN
    shown_there = FlowTable(AS_OF, [], _flow("total", counts))
    flows.suppress([shown_there], 5, pinned={("total", "placement", "unknown"): True})
    assert [shown_there.cell(shown_there.total, "placement", c) for c in flows.CATEGORIES] == [
        20, SMALL, HIDDEN, 9, 6]


def test_the_flow_chart_draws_both_columns_on_one_scale_and_hidden_cells_as_text():
    from talent_match.web.charts import Value, flow_chart

    left = [("stayed", Value(20, "20")), ("capital", Value(None, "<5")), ("elsewhere", Value(10, "10"))]
    right = [("stayed", Value(10, "10")), ("capital", Value(5, "5")), ("elsewhere", Value(None, "hidden"))]
    svg = str(flow_chart("flow", ("at placement", "at 12 months"), (left, right)))
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="18" height="([\d.]+)"', svg)]
    assert len(heights) == 4                                       # the hidden cells draw no block
    unit = heights[0] / 20                                        # 20, 10 | 10, 5 people on one scale
    assert [round(h / unit, 1) for h in heights] == [20, 10, 10, 5]
    assert "capital: &lt;5" in svg and "<path" not in svg          # no bands without moves
    with_moves = str(flow_chart("flow", ("a", "b"), (left, right), {(0, 0): 10}))
    assert with_moves.count("<path") == 1 and "stayed → stayed: 10" in with_moves

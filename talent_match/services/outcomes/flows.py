"""Where trained people go: at their first placement and 12 months on, did they stay in the cohort's region, move
to the capital area, go to another region, not work, or is it unknown; per cohort start year and in total.

Who counts is the ledger's (services.outcomes.ledger.compute): a cohort counts once it has ended by the as-of date,
and completions, placements and follow-ups dated after it are not known yet. The placement stage counts every
completer (no placement by then: not employed); the 12-month stage counts the placed completers due at 12 months
(retention_12's denominator) by their 12-month follow-up (none, or "unknown": unknown). So the 12-month "stayed" is
local_retention_12's numerator and, for cohorts outside the capital area, "capital area" is capital_outflow_12's.

The institution sees its exact flows; anyone else sees them through `suppress`, the rules of
services.outcomes.disclosure applied to a table whose categories add up to each stage's total and whose rows
(years, institutions) add up to the total row.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from ...models import Region
from .. import figure_cache
from .ledger import EMPLOYED, CohortFacts, capital_region_ids, first_placement, group_key, is_due, load_cohorts

STAGES = ("placement", "month_12")
CATEGORIES = ("stayed", "capital", "elsewhere", "not_employed", "unknown")
TOTAL = "total"
SMALL, HIDDEN = "small", "hidden"     # why a shown cell is hidden: below the threshold, or to protect one that is

DEFINITIONS = {
    "en": "At placement: every completer of the cohorts that had ended by the as-of date, by the region of their "
          "first job (none by then: not employed). At 12 months: the placed completers whose 12-month checkpoint "
          "was due, by their 12-month follow-up (none recorded, or unknown: unknown). Stayed: the cohort's region; "
          "capital area: Seoul, Incheon or Gyeonggi when that is not the cohort's region; another region: any "
          "other. Years are the cohorts' start years.",
    "ko": "취업 시점: 기준일까지 종료된 기수의 모든 수료자를 첫 취업 지역으로 나눕니다(그때까지 취업 없음: 미취업). 12개월 시점: "
          "12개월 추적 시점이 도래한 취업 수료자를 12개월 추적 결과로 나눕니다(기록 없음 또는 미확인: 미확인). 지역 잔류: 기수 "
          "지역, 수도권: 기수 지역이 아닌 서울·인천·경기, 타 지역: 그 밖의 지역. 연도는 기수 시작 연도입니다.",
}


@dataclass
class Flow:
    """One group's people per stage and category (each stage also has its TOTAL), and, for the exact flow, how
    many went from each placement category to each 12-month category."""

    key: str
    label: str
    counts: dict[str, dict[str, int]]
    moves: Counter = field(default_factory=Counter)      # (placement category, 12-month category) -> people


@dataclass
class FlowTable:
    """Flows per row (cohort start years, or institutions) and their total; `shown` is filled by `suppress`:
    {row key: {stage: {category: SMALL | HIDDEN}}} for the hidden cells (None: exact, nothing hidden)."""

    as_of: date
    rows: list[Flow]
    total: Flow
    shown: dict | None = None
    threshold: int | None = None

    def cell(self, flow: Flow, stage: str, category: str) -> int | str | None:
        """What a page shows: the count, SMALL or HIDDEN."""
        if self.shown is not None and category in self.shown.get(flow.key, {}).get(stage, {}):
            return self.shown[flow.key][stage][category]
        return flow.counts[stage][category]


def where(region_id: int | None, cohort_region_id: int, capital: set[int]) -> str:
    if region_id is None:
        return "unknown"
    if region_id == cohort_region_id:
        return "stayed"
    return "capital" if region_id in capital else "elsewhere"


def flow(cohorts: list[CohortFacts], as_of: date, capital: set[int], key: str = TOTAL, label: str = "") -> Flow:
    """The flow of these cohorts' completers as known on `as_of`."""
    return combined([_cohort_flow(cohort, as_of, capital) for cohort in cohorts], key, label)


def _cohort_flow(cohort: CohortFacts, as_of: date, capital: set[int]) -> Flow:
    counts = {stage: dict.fromkeys((*CATEGORIES, TOTAL), 0) for stage in STAGES}
    moves: Counter = Counter()
    if cohort.end_date > as_of:
        return Flow(cohort.code, cohort.code, counts, moves)
    for trainee in cohort.trainees:
        completed = trainee.completion_date is None or trainee.completion_date <= as_of
        if trainee.excluded_reason or trainee.status != "completed" or not completed:
            continue
        job = first_placement([p for p in trainee.placements if p.start_date <= as_of])
        placed = "not_employed" if job is None else where(job.region_id, cohort.region_id, capital)
        _add(counts["placement"], placed)
        if job is None or not is_due(job.start_date, 12, as_of):
            continue
        answer = next((f for f in trainee.follow_ups if f.checkpoint_month == 12 and f.checked_on <= as_of), None)
        if answer is None or answer.status == "unknown":
            later = "unknown"
        elif answer.status in EMPLOYED:
            later = where(answer.region_id, cohort.region_id, capital)
        else:
            later = "not_employed"
        _add(counts["month_12"], later)
        moves[placed, later] += 1
    return Flow(cohort.code, cohort.code, counts, moves)


def _add(stage: dict, category: str) -> None:
    stage[category] += 1
    stage[TOTAL] += 1


def combined(parts: list[Flow], key: str, label: str) -> Flow:
    """Flows of disjoint groups of people added up."""
    counts = {stage: dict.fromkeys((*CATEGORIES, TOTAL), 0) for stage in STAGES}
    moves: Counter = Counter()
    for part in parts:
        for stage in STAGES:
            for category, people in part.counts[stage].items():
                counts[stage][category] += people
        moves.update(part.moves)
    return Flow(key, label, counts, moves)


def by_year(cohorts: list[CohortFacts], as_of: date, capital: set[int], label: str = "") -> FlowTable:
    """One row per cohort start year and the total over them (the rows add up to it)."""
    return tables(cohorts, as_of, capital, label, "year")[0]


def by_institution(cohorts: list[CohortFacts], as_of: date, capital: set[int], label: str = "") -> FlowTable:
    return tables(cohorts, as_of, capital, label, "institution")[0]


def tables(cohorts: list[CohortFacts], as_of: date, capital: set[int], label: str, *groupings: str
           ) -> list[FlowTable]:
    """One table per grouping ("year", "institution", ...) with one total, each cohort counted once: 50,000
    synthetic trainees in 100 cohorts by year and by institution took 2.1 s counted per table and row, 0.7-0.9 s
    counted once (2 shared cores, December 2026)."""
    per_cohort = [(cohort, _cohort_flow(cohort, as_of, capital)) for cohort in cohorts]
    total = combined([part for _, part in per_cohort], TOTAL, label)
    result = []
    for group_by in groupings:
        groups: dict[str, list[Flow]] = {}
        labels: dict[str, str] = {}
        for cohort, part in per_cohort:
            key, name = group_key(cohort, group_by, True)
            groups.setdefault(key, []).append(part)
            labels[key] = name
        rows = [combined(parts, key, labels[key]) for key, parts in sorted(groups.items())]
        result.append(FlowTable(as_of, rows, total))
    return result


def in_group(cohorts: list[CohortFacts], group_by: str, key: str) -> list[CohortFacts]:
    """The cohorts of one programme, cohort or year of an institution (the institution's own report's groups)."""
    return [cohort for cohort in cohorts if group_key(cohort, group_by, True)[0] == key]


def suppress(flow_tables: list[FlowTable], threshold: int, pinned: dict | None = None) -> list[FlowTable]:
    """Hide what others may not see, in place: tables sharing one total row (a region by year and by institution)
    are protected together, so that no view works out what another hides.

    Rule 1: a count below `threshold`, zero included, reads SMALL. Rule 2, in every line that adds up (a stage's
    categories to its total; a column of rows to the total row): while exactly one member is hidden, or the hidden
    parts add up to less than `threshold`, the smallest shown member (a part before the whole) is hidden too.
    `pinned` names cells ({(row key, stage, category): True | False}) that other public figures of the same date
    already show (True: hiding them here protects nothing, so they are never chosen) or hide (False: hidden here too).
    """
    pinned = pinned or {}
    values: dict[tuple, int] = {}
    for table in flow_tables:
        for row in [*table.rows, table.total]:
            for stage in STAGES:
                for category in (*CATEGORIES, TOTAL):
                    values[row.key, stage, category] = row.counts[stage][category]
    hidden = {cell: SMALL for cell, value in values.items() if value < threshold}
    hidden.update({cell: HIDDEN for cell, shows in pinned.items() if not shows and cell in values
                   and cell not in hidden})
    lines = []
    for cell_row in dict.fromkeys(cell[0] for cell in values):
        for stage in STAGES:
            lines.append(((cell_row, stage, TOTAL), [(cell_row, stage, c) for c in CATEGORIES]))
    total_key = flow_tables[0].total.key if flow_tables else TOTAL
    for table in flow_tables:
        for stage in STAGES:
            for category in (*CATEGORIES, TOTAL):
                lines.append(((total_key, stage, category), [(row.key, stage, category) for row in table.rows]))
    changed = True
    while changed:
        changed = False
        for whole, parts in lines:
            members = [*parts, whole]
            while True:
                secret = [cell for cell in members if cell in hidden]
                hidden_parts = [cell for cell in parts if cell in hidden]
                weak = len(secret) == 1 or (hidden_parts and whole not in hidden
                                            and sum(values[c] for c in hidden_parts) < threshold)
                candidates = [cell for cell in members if cell not in hidden and pinned.get(cell) is not True]
                if not weak or not candidates:
                    break
                choice = min(candidates, key=lambda cell: (cell == whole, values[cell], cell))
                hidden[choice] = HIDDEN
                changed = True
    for table in flow_tables:
        table.shown, table.threshold = {}, threshold
        for (row_key, stage, category), why in hidden.items():
            if any(row.key == row_key for row in [*table.rows, table.total]):
                table.shown.setdefault(row_key, {}).setdefault(stage, {})[category] = why
    return flow_tables


# The flow's cells that a public release also shows, as (metric, part) of the release's rows (services.releases).
IN_RELEASE = {("placement", TOTAL): ("completion_rate", "numerator"),
              ("month_12", TOTAL): ("retention_12", "denominator"),
              ("month_12", "stayed"): ("local_retention_12", "numerator"),
              ("month_12", "capital"): ("capital_outflow_12", "numerator"),
              ("month_12", "unknown"): ("unknown_12", "numerator")}


def regional(session: Session, published, region: Region) -> tuple[FlowTable, FlowTable]:
    """A region's flows as others may see them, as of a public release's date: by cohort year (the public page)
    and by institution (the programme office's pages), suppressed together so the two views share one total.

    The release itself does not hold the flows: they are computed for its date from today's records and kept in
    step with what it shows and hides of the same counts (`IN_RELEASE`); unlike the release's own figures they are
    not checked against earlier releases. Memoised like the release (services.figure_cache): treat as read-only.
    """
    return figure_cache.cached(session, ("region_flows", region.slug, published.as_of, published.threshold),
                               lambda: _regional(session, published, region))


def _regional(session: Session, published, region: Region) -> tuple[FlowTable, FlowTable]:
    cohorts = load_cohorts(session, region=region)
    years, institutions = tables(cohorts, published.as_of, capital_region_ids(session), region.name_ko, "year",
                                 "institution")
    rows = {TOTAL: next(row for row in published.regions if row.key[1] == region.slug)}
    rows.update({row.key[2]: row for row in published.institutions.get(region.slug, [])})
    pinned = {}
    for flow_row in [*institutions.rows, institutions.total]:
        release_row = rows.get(flow_row.key)
        for (stage, category), (metric, part) in IN_RELEASE.items() if release_row else ():
            raw = release_row.raw.get(metric, {}).get(part)
            if raw is not None and raw == flow_row.counts[stage][category]:
                pinned[flow_row.key, stage, category] = part not in release_row.shown[metric].get("suppressed", ())
    suppress([years, institutions], published.threshold, pinned)
    return years, institutions


def as_dict(table: FlowTable) -> dict:
    """The table as JSON: counts (null when hidden) and, per hidden cell, why ("small" or "hidden")."""
    def row(flow_row: Flow) -> dict:
        return {"key": flow_row.key, "label": flow_row.label,
                **{stage: {category: _number(table.cell(flow_row, stage, category))
                           for category in (*CATEGORIES, TOTAL)} for stage in STAGES},
                "suppressed": (table.shown or {}).get(flow_row.key, {})}

    return {"as_of": table.as_of.isoformat(), "rows": [row(r) for r in table.rows], "total": row(table.total)}


def _number(value):
    return value if isinstance(value, int) else None

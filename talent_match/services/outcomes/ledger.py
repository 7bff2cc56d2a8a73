"""The metric ledger: completion, placement and retention figures, each with its numerator and denominator.

Every figure is computed in one place, `compute(cohorts, as_of)`, from the trainees of a set of cohorts; each
grouping (cohort, programme, institution, region, year) is a set of cohorts. The institution sees these exact
figures; anything shown to others goes through services.disclosure first. DEFINITIONS holds the text to show
beside each number, in Korean and English.
"""
from __future__ import annotations

import calendar
import functools
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...config import Defaults
from ...models import Cohort, Enrollment, FollowUp, Institution, Placement, Programme, Region
from ...models.outcomes import VERIFYING_EVIDENCE

EMPLOYED = ("employed_same_employer", "employed_other_employer")
# The retention metrics: each also counts, among its denominator, who answered at the checkpoint and how many of
# those answers an employer or an insurance record gave (`answered`, `verified`).
RETENTION_FAMILIES = ("retention", "same_employer_retention", "local_retention", "capital_outflow")
GROUPINGS = ("cohort", "programme", "institution", "region", "year")
COST = "cost_per_local_retained_12"
MEDIAN_MIN_COUNT = 10

# Definitions per metric; "{m}" stands for the checkpoint month of the retention and unknown families.
_TEXTS: dict[str, dict[str, str]] = {
    "completion_rate": {
        "en": "Completers (status completed, no exclusion reason) / trainees without an exclusion reason "
              "(withdrawn and still enrolled trainees count in the denominator). Only cohorts whose end date is on "
              "or before the as-of date count; a cohort still in training has no completion rate yet.",
        "ko": "수료자(수료 상태, 제외 사유 없음) / 제외 사유가 없는 훈련생(중도탈락·훈련 중 포함). 종료일이 기준일과 같거나 이전인 "
              "기수만 셉니다. 아직 훈련 중인 기수에는 수료율이 없습니다.",
    },
    "placement_rate_90": {
        "en": "Completers whose first placement started no later than 90 days after their completion date "
              "(starts before completion count) / completers. The first placement is the earliest by start date.",
        "ko": "첫 취업 시작일이 수료일로부터 90일 이내(수료 전 취업 포함)인 수료자 / 수료자. 첫 취업은 시작일이 가장 이른 취업입니다.",
    },
    "placement_rate_180": {
        "en": "Completers whose first placement started no later than 180 days after their completion date "
              "(starts before completion count) / completers. The first placement is the earliest by start date.",
        "ko": "첫 취업 시작일이 수료일로부터 180일 이내(수료 전 취업 포함)인 수료자 / 수료자. 첫 취업은 시작일이 가장 이른 취업입니다.",
    },
    "in_field_rate": {
        "en": "Placed completers (completers with at least one placement) whose first placement is in the trained "
              "field / placed completers.",
        "ko": "첫 취업이 훈련 분야와 일치하는 취업 수료자 / 취업 수료자(취업이 한 건 이상인 수료자).",
    },
    "local_placement_rate": {
        "en": "Placed completers whose first placement is in the cohort's region / placed completers.",
        "ko": "첫 취업 지역이 기수(코호트) 지역과 같은 취업 수료자 / 취업 수료자.",
    },
    "retention_{m}": {
        "en": "Placed completers due at {m} months whose {m}-month follow-up says employed (same or other "
              "employer) / placed completers due at {m} months. A checkpoint is due when the first placement's "
              "start date plus {m} calendar months is on or before the as-of date (a day the target month lacks "
              "becomes its last day: 31 January + 1 month = 28 or 29 February). A missing follow-up counts as "
              "unknown, and unknown counts as not retained.",
        "ko": "{m}개월 시점이 도래한 취업 수료자 중 {m}개월 추적 결과가 재직(같은 회사 또는 다른 회사)인 사람 / {m}개월 시점이 "
              "도래한 취업 수료자. 첫 취업 시작일에 {m}개월(달력 기준)을 더한 날이 기준일과 같거나 이전이면 도래한 것으로 봅니다(해당 "
              "월에 없는 날은 그 달 말일: 1월 31일 + 1개월 = 2월 28·29일). 추적 결과가 없으면 미확인이며, 미확인은 유지되지 않은 "
              "것으로 셉니다.",
    },
    "same_employer_retention_{m}": {
        "en": "Placed completers due at {m} months who are still with the employer of their first placement "
              "(employed_same_employer) / placed completers due at {m} months.",
        "ko": "{m}개월 시점에 첫 취업 회사에 계속 재직 중인 사람 / {m}개월 시점이 도래한 취업 수료자.",
    },
    "local_retention_12": {
        "en": "Placed completers due at 12 months who are employed at 12 months in the cohort's region / placed "
              "completers due at 12 months.",
        "ko": "12개월 시점에 기수 지역에서 재직 중인 사람 / 12개월 시점이 도래한 취업 수료자.",
    },
    "capital_outflow_12": {
        "en": "Placed completers due at 12 months who are employed at 12 months in the capital area (Seoul, "
              "Incheon, Gyeonggi) / placed completers due at 12 months. Not applicable (null) to cohorts in the "
              "capital area; where capital-area and other cohorts are counted together, only the other cohorts' "
              "trainees count, in both numerator and denominator.",
        "ko": "12개월 시점에 수도권(서울·인천·경기)에서 재직 중인 사람 / 12개월 시점이 도래한 취업 수료자. 수도권 기수에는 해당하지 "
              "않으며(null), 수도권과 비수도권 기수를 함께 집계할 때는 비수도권 기수의 훈련생만 분자와 분모에 셉니다.",
    },
    "median_wage_krw": {
        "en": "Median annual wage (KRW) of in-field first placements with a reported wage (the mean of the two "
              "middle wages when their number is even), in `value` (and `rate`); the denominator is how many there "
              f"are. Null when fewer than {MEDIAN_MIN_COUNT}.",
        "ko": "훈련 분야와 일치하는 첫 취업 중 연봉이 보고된 경우의 연봉 중앙값(원, 짝수 건이면 가운데 두 값의 평균)이며 `value`에 "
              f"있습니다(`rate`에도 같은 값). 분모는 그 건수이고, {MEDIAN_MIN_COUNT}건 미만이면 null입니다.",
    },
    "cost_per_local_retained_12": {
        "en": "Training budget (KRW) / trainees employed in the cohort's region at 12 months, in `value`, over the "
              "cohorts with a recorded budget whose 12-month checkpoint is due: the cohort ended 12 months or more "
              "before the as-of date and every placed completer of it is due at 12 months. `budget_krw` is their "
              "budgets together, `local_retained_12` their trainees counted as in local_retention_12. Null when no "
              "such cohort has a budget or none of their trainees works in the region at 12 months.",
        "ko": "훈련 예산(원) / 12개월 시점에 기수 지역에서 재직 중인 훈련생 수이며 `value`에 있습니다. 예산이 기록되고 12개월 "
              "시점이 도래한 기수만 셉니다: 기준일보다 12개월 이상 전에 종료되었고 그 기수의 취업 수료자 모두가 12개월 시점에 "
              "도달한 기수입니다. `budget_krw`는 그 기수들의 예산 합계, `local_retained_12`는 local_retention_12와 같이 센 "
              "그 기수들의 훈련생 수입니다. 그런 기수에 예산이 없거나 12개월 시점에 지역에서 재직 중인 훈련생이 없으면 "
              "null입니다.",
    },
    "unknown_{m}": {
        "en": "Placed completers due at {m} months whose {m}-month status is unknown or not recorded / placed "
              "completers due at {m} months.",
        "ko": "{m}개월 시점이 도래했으나 추적 결과가 미확인이거나 기록되지 않은 사람 / {m}개월 시점이 도래한 취업 수료자.",
    },
}

# How the groupings and the as-of date are read, to show beside grouped figures.
NOTES: dict[str, dict[str, str]] = {
    "year": {
        "en": "Years group cohorts by the year the cohort started (start_date), so every trainee of a cohort, "
              "withdrawn ones included, falls in one year.",
        "ko": "연도별 집계는 기수 시작일(start_date)의 연도 기준이며, 한 기수의 모든 훈련생(중도탈락 포함)이 같은 연도에 속합니다.",
    },
    "region": {
        "en": "Regions group cohorts by the cohort's region, not the institution's.",
        "ko": "지역별 집계는 기관 소재지가 아니라 기수(코호트)의 지역 기준입니다.",
    },
    "as_of": {
        "en": "Figures are as known on the as-of date: only cohorts that had ended by then count, and completions, "
              "placements and follow-ups dated after it do not; it also decides which checkpoints are due. Beside "
              "each retention figure, \"answered\" counts the people due whose status was recorded at that "
              "checkpoint, and \"verified\" those of them confirmed by the employer or an insurance record.",
        "ko": "기준일에 알려진 대로 셉니다. 그때까지 종료된 기수만 세고, 기준일 이후 날짜의 수료·취업·추적 기록은 세지 않으며, "
              "어느 추적 시점이 도래했는지도 기준일로 정합니다. 유지율 옆의 \"응답\"은 해당 시점이 도래한 사람 중 상태가 기록된 "
              "사람 수이고, \"검증\"은 그중 고용주나 고용보험 기록으로 확인된 사람 수입니다.",
    },
}


def metric_names(checkpoints=Defaults.CHECKPOINT_MONTHS) -> list[str]:
    names = ["completion_rate", "placement_rate_90", "placement_rate_180", "in_field_rate", "local_placement_rate"]
    names += [f"retention_{m}" for m in checkpoints]
    names += [f"same_employer_retention_{m}" for m in (6, 12) if m in checkpoints]
    if 12 in checkpoints:
        names += ["local_retention_12", "capital_outflow_12"]
    names += ["median_wage_krw"] + [f"unknown_{m}" for m in checkpoints]
    if 12 in checkpoints:
        names.append(COST)
    return names


def _definitions(checkpoints) -> dict[str, dict[str, str]]:
    texts = {}
    for name in metric_names(checkpoints):
        family, _, months = name.rpartition("_")
        template = _TEXTS.get(name) or _TEXTS[f"{family}_{{m}}"]
        texts[name] = {locale: text.replace("{m}", months) for locale, text in template.items()}
    return texts


DEFINITIONS: dict[str, dict[str, str]] = _definitions(Defaults.CHECKPOINT_MONTHS)


@functools.lru_cache(maxsize=65536)  # the ledgers ask for the same (start, checkpoint) pairs thousands of times
def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's last day (as dateutil.relativedelta does)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_due(first_start: date, months: int, as_of: date) -> bool:
    return add_months(first_start, months) <= as_of


def first_placement(placements):
    """The placement that counts: the earliest start date (the earlier recorded on a tie); None when none."""
    return min(placements, key=lambda p: (p.start_date, p.id or 0), default=None)


@dataclass
class TraineeFacts:
    """What one trainee contributes: plain rows rather than ORM objects, so 50,000 trainees load in seconds."""

    status: str
    completion_date: date | None
    excluded_reason: str | None
    placements: list = field(default_factory=list)    # rows: id, start_date, in_field, region_id, annual_wage_krw
    follow_ups: list = field(default_factory=list)    # rows: checkpoint_month, status, region_id, checked_on,
    #                                                   evidence


@dataclass
class CohortFacts:
    id: int
    code: str
    region_id: int
    start_date: date
    end_date: date
    programme: str
    institution_slug: str
    institution_name: str
    region_slug: str
    region_name: str
    budget_krw: int | None = None
    funding_programme: str = ""
    trainees: list[TraineeFacts] = field(default_factory=list)


def compute(cohorts: list[CohortFacts], as_of: date, capital_region_ids: set[int],
            checkpoints=Defaults.CHECKPOINT_MONTHS) -> dict[str, dict]:
    """Every metric for the trainees of these cohorts as known on `as_of`: {name: {numerator, denominator, rate}}.

    A cohort counts once it has ended by `as_of` (completion_rate's "in_training" counts those that have not);
    completions, placements and follow-ups dated after `as_of` are not known yet. Retention metrics also carry
    "answered" and "verified" (see RETENTION_FAMILIES); median_wage_krw carries its figure in "value"; unknown_m
    counts missing or unknown follow-ups; cost_per_local_retained_12 is `cost_per_retained`'s shape.
    """
    n: Counter = Counter()
    wages: list[int] = []
    names = {m: (f"due_{m}", f"retained_{m}", f"same_employer_{m}", f"unknown_{m}") for m in checkpoints}
    for cohort in cohorts:
        if cohort.end_date > as_of:
            n["in_training"] += 1
            continue
        capital_cohort = cohort.region_id in capital_region_ids
        # The cost counts a cohort with a budget once nobody of it can still join its local retained count.
        cost_due = cohort.budget_krw is not None and 12 in checkpoints and is_due(cohort.end_date, 12, as_of)
        cohort_local_12 = 0
        for trainee in cohort.trainees:
            if trainee.excluded_reason:
                continue
            n["trainees"] += 1
            completed = trainee.completion_date is None or trainee.completion_date <= as_of
            if trainee.status != "completed" or not completed:
                continue
            n["completers"] += 1
            job = first_placement([p for p in trainee.placements if p.start_date <= as_of])
            if job is None:
                continue
            n["placed"] += 1
            if trainee.completion_date is not None:
                n["placed_90"] += job.start_date <= trainee.completion_date + timedelta(days=90)
                n["placed_180"] += job.start_date <= trainee.completion_date + timedelta(days=180)
            n["in_field"] += job.in_field
            n["local"] += job.region_id == cohort.region_id
            if job.in_field and job.annual_wage_krw is not None:
                wages.append(job.annual_wage_krw)
            cost_due = cost_due and is_due(job.start_date, 12, as_of)
            follow_ups = {f.checkpoint_month: f for f in trainee.follow_ups if f.checked_on <= as_of}
            for m in checkpoints:
                if not is_due(job.start_date, m, as_of):
                    continue
                follow_up = follow_ups.get(m)
                status = follow_up.status if follow_up else "unknown"
                region_id = follow_up.region_id if follow_up else None
                employed = status in EMPLOYED
                answered = status != "unknown"
                verified = answered and follow_up.evidence in VERIFYING_EVIDENCE
                due, retained, same_employer, unknown = names[m]
                n[due] += 1
                n[retained] += employed
                n[same_employer] += status == "employed_same_employer"
                n[unknown] += not answered
                n[f"answered_{m}"] += answered
                n[f"verified_{m}"] += verified
                if m == 12:
                    n["local_retained_12"] += employed and region_id == cohort.region_id
                    cohort_local_12 += employed and region_id == cohort.region_id
                    if not capital_cohort:
                        n["outflow_due_12"] += 1
                        n["outflow_12"] += employed and region_id in capital_region_ids
                        n["outflow_answered_12"] += answered
                        n["outflow_verified_12"] += verified
        if cost_due:
            n["cost_cohorts"] += 1
            n["budget_krw"] += cohort.budget_krw
            n["cost_local_retained_12"] += cohort_local_12

    def ratio(numerator: str, denominator: str) -> dict:
        return _metric(n[numerator], n[denominator])

    def retention(numerator: str, m: int, prefix: str = "") -> dict:
        return {**ratio(numerator, f"{prefix}due_{m}"), "answered": n[f"{prefix}answered_{m}"],
                "verified": n[f"{prefix}verified_{m}"]}

    metrics = {
        "completion_rate": {**ratio("completers", "trainees"), "in_training": n["in_training"]},
        "placement_rate_90": ratio("placed_90", "completers"),
        "placement_rate_180": ratio("placed_180", "completers"),
        "in_field_rate": ratio("in_field", "placed"),
        "local_placement_rate": ratio("local", "placed"),
    }
    for m in checkpoints:
        metrics[f"retention_{m}"] = retention(f"retained_{m}", m)
    for m in (6, 12):
        if m in checkpoints:
            metrics[f"same_employer_retention_{m}"] = retention(f"same_employer_{m}", m)
    if 12 in checkpoints:
        metrics["local_retention_12"] = retention("local_retained_12", 12)
        applicable = any(cohort.region_id not in capital_region_ids for cohort in cohorts)
        metrics["capital_outflow_12"] = (retention("outflow_12", 12, "outflow_") if applicable
                                         else {"numerator": None, "denominator": None, "rate": None,
                                               "answered": None, "verified": None})
    median = statistics.median(wages) if len(wages) >= MEDIAN_MIN_COUNT else None
    median = int(median) if median is not None and median == int(median) else median
    # The figure is a wage, not a ratio: it is the metric's `value`, and its `rate` too, so that every metric
    # reads the same way ("rate" is the figure) wherever the JSON is consumed.
    metrics["median_wage_krw"] = {"numerator": None, "denominator": len(wages), "rate": median, "value": median}
    for m in checkpoints:
        metrics[f"unknown_{m}"] = ratio(f"unknown_{m}", f"due_{m}")
    if 12 in checkpoints:
        metrics[COST] = cost_per_retained(n["budget_krw"] if n["cost_cohorts"] else None, n["cost_local_retained_12"])
    return metrics


def cost_per_retained(budget_krw: int | None, local_retained_12: int) -> dict:
    """The cost figure: KRW per local hire retained, whole won (null without a budget or anyone retained).

    Its count is also its `denominator` (`numerator` stays null: a budget is no count of people), so that
    disclosure protects it like every other count and hides the figure with it.
    """
    value = round(budget_krw / local_retained_12) if budget_krw is not None and local_retained_12 else None
    return {"budget_krw": budget_krw, "local_retained_12": local_retained_12, "value": value,
            "numerator": None, "denominator": local_retained_12, "rate": value}


def _metric(numerator: int, denominator: int) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "rate": numerator / denominator if denominator else None}


@dataclass
class OutcomeReport:
    """The metrics of one group of cohorts (a cohort, programme, institution, region or year) as of a date."""

    group: str
    key: str
    label: str
    as_of: date
    metrics: dict[str, dict]
    cohort_count: int = 0

    @property
    def unknowns(self) -> dict[str, int | None]:
        return {name.split("_")[1]: metric["numerator"] for name, metric in self.metrics.items()
                if name.startswith("unknown_")}

    def to_dict(self) -> dict:
        return {"group": self.group, "key": self.key, "label": self.label, "as_of": self.as_of.isoformat(),
                "metrics": self.metrics, "unknowns": self.unknowns}


@dataclass
class OutcomeTable:
    """One row per group and the total over all of them (rows add up to the total)."""

    group_by: str
    as_of: date
    rows: list[OutcomeReport] = field(default_factory=list)
    total: OutcomeReport | None = None


def capital_region_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Region.id).where(Region.capital_area.is_(True))))


def load_cohorts(session: Session, *, institution: Institution | None = None, region: Region | None = None,
                 cohort: Cohort | None = None) -> list[CohortFacts]:
    """The cohorts in scope with their trainees, placements and follow-ups, in four queries."""
    scope = []
    if institution is not None:
        scope.append(Cohort.institution_id == institution.id)
    if region is not None:
        scope.append(Cohort.region_id == region.id)
    if cohort is not None:
        scope.append(Cohort.id == cohort.id)
    rows = session.execute(
        select(Cohort.id, Cohort.code, Cohort.region_id, Cohort.start_date, Cohort.end_date, Cohort.budget_krw,
               Programme.name.label("programme"), Programme.funding_programme,
               Institution.slug.label("institution_slug"), Institution.name.label("institution_name"),
               Region.slug.label("region_slug"), Region.name_ko.label("region_name"))
        .join(Programme, Cohort.programme_id == Programme.id).join(Institution, Cohort.institution_id == Institution.id)
        .join(Region, Cohort.region_id == Region.id).where(*scope).order_by(Cohort.start_date, Cohort.code))
    cohorts = {row.id: CohortFacts(**row._mapping) for row in rows}
    trainees: dict[int, TraineeFacts] = {}
    for row in session.execute(select(Enrollment.id, Enrollment.cohort_id, Enrollment.status,
                                      Enrollment.completion_date, Enrollment.excluded_reason)
                               .join(Cohort, Enrollment.cohort_id == Cohort.id).where(*scope)):
        trainees[row.id] = TraineeFacts(row.status, row.completion_date, row.excluded_reason)
        cohorts[row.cohort_id].trainees.append(trainees[row.id])
    for row in session.execute(select(Placement.enrollment_id, Placement.id, Placement.start_date, Placement.in_field,
                                      Placement.region_id, Placement.annual_wage_krw)
                               .join(Enrollment, Placement.enrollment_id == Enrollment.id)
                               .join(Cohort, Enrollment.cohort_id == Cohort.id).where(*scope)):
        trainees[row.enrollment_id].placements.append(row)
    for row in session.execute(select(FollowUp.enrollment_id, FollowUp.checkpoint_month, FollowUp.status,
                                      FollowUp.region_id, FollowUp.checked_on, FollowUp.evidence)
                               .join(Enrollment, FollowUp.enrollment_id == Enrollment.id)
                               .join(Cohort, Enrollment.cohort_id == Cohort.id).where(*scope)):
        trainees[row.enrollment_id].follow_ups.append(row)
    return list(cohorts.values())


def report(session: Session, as_of: date, *, institution: Institution | None = None, cohort: Cohort | None = None,
           region: Region | None = None, checkpoints=Defaults.CHECKPOINT_MONTHS) -> OutcomeReport:
    """One cohort's, one institution's (optionally within a region) or one region's figures.

    Pass the institution with its cohort: a cohort of another institution is not looked at.
    """
    if cohort is not None and institution is not None and cohort.institution_id != institution.id:
        cohorts: list[CohortFacts] = []
    else:
        cohorts = load_cohorts(session, institution=institution, region=region, cohort=cohort)
    if cohort is not None:
        group, key, label = "cohort", cohort.code, cohort.code
    elif institution is not None:
        group, key, label = "institution", institution.slug, institution.name
    elif region is not None:
        group, key, label = "region", region.slug, region.name_ko
    else:
        group, key, label = "all", "all", "전국"
    return OutcomeReport(group, key, label, as_of, compute(cohorts, as_of, capital_region_ids(session), checkpoints),
                         len(cohorts))


def table(session: Session, group_by: str, as_of: date, *, institution: Institution | None = None,
          region: Region | None = None, checkpoints=Defaults.CHECKPOINT_MONTHS) -> OutcomeTable:
    """Figures per cohort, programme, institution, region or year (cohort start year), with their total.

    Scope with `institution` (its own pages) and/or `region` (a regional page); the total covers the scope.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}")
    cohorts = load_cohorts(session, institution=institution, region=region)
    capital = capital_region_ids(session)
    groups: dict[str, list[CohortFacts]] = {}
    labels: dict[str, str] = {}
    for cohort in cohorts:
        key, label = group_key(cohort, group_by, institution is not None)
        groups.setdefault(key, []).append(cohort)
        labels[key] = label
    rows = [OutcomeReport(group_by, key, labels[key], as_of, compute(members, as_of, capital, checkpoints),
                          len(members)) for key, members in sorted(groups.items())]
    if institution is not None:
        scope = ("institution", institution.slug, institution.name)
    elif region is not None:
        scope = ("region", region.slug, region.name_ko)
    else:
        scope = ("all", "all", "전국")
    total = OutcomeReport(*scope, as_of, compute(cohorts, as_of, capital, checkpoints), len(cohorts))
    return OutcomeTable(group_by, as_of, rows, total)


def group_key(cohort: CohortFacts, group_by: str, within_institution: bool) -> tuple[str, str]:
    """The group's key and label; cohort codes and programme names are only unique within an institution."""
    prefix = "" if within_institution else f"{cohort.institution_slug}/"
    if group_by == "cohort":
        return prefix + cohort.code, prefix + cohort.code
    if group_by == "programme":
        return prefix + cohort.programme, prefix + cohort.programme
    if group_by == "institution":
        return cohort.institution_slug, cohort.institution_name
    if group_by == "region":
        return cohort.region_slug, cohort.region_name
    return str(cohort.start_date.year), str(cohort.start_date.year)

"""The regional dashboard's figures: demand, supply, training and whether trained people stay, per region.

Everything here is for others than the institutions themselves, so every figure goes through services.disclosure:
counts below the threshold are hidden, and complementary cells too, since the regions add up to the national row.
Training and retention figures come from services.outcomes (cohorts grouped by the cohort's region); the rest are
counts of what is on the platform today.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, desc, distinct, func, or_, select
from sqlalchemy.orm import Session

from ...models import (Cohort, Company, Enrollment, Placement, Posting, PostingSkill, ProfileSkill, Region,
                       SeekerProfile, Skill)
from .. import figure_cache
from ..hiring.postings import open_filter, today_in_korea
from . import disclosure
from . import ledger as outcomes

LARGE_COMPANY_SIZE = "300+"  # Company.size; 300 people and more is not an SME (중소기업)

# Counts of what is on the platform, by the region they belong to (a posting's, a seeker's home, a job's).
COUNTS = ("open_postings", "smes_hiring", "discoverable_seekers", "placements")
# From the outcome ledger, by cohort region: (figure, metric, part). Rates keep the metric's three parts.
TRAINING = (("trainees", "completion_rate", "denominator"), ("completers", "completion_rate", "numerator"))
RATES = ("local_retention_12", "capital_outflow_12")
RATE_PARTS = ("numerator", "denominator", "rate", "answered", "verified")

DEFINITIONS = {
    "open_postings": "Open postings (not past their deadline) located in the region.",
    "smes_hiring": "SMEs (companies of fewer than 300 people) with at least one open posting in the region (a "
                   "company hiring in two regions counts in each).",
    "discoverable_seekers": "Seekers whose home region this is and who chose to be discoverable by employers.",
    "placements": "Placements recorded with a job in the region that started by the as-of date: institution "
                  "reports and platform hires.",
    "trainees": "Trainees of the region's cohorts that had ended by the as-of date, without an exclusion reason.",
    "completers": "Trainees of the region's cohorts that had ended by the as-of date who completed by then.",
    "local_retention_12": outcomes.DEFINITIONS["local_retention_12"]["en"],
    "capital_outflow_12": outcomes.DEFINITIONS["capital_outflow_12"]["en"],
}


# DEFINITIONS in each locale, keyed like outcomes.DEFINITIONS, for pages that show a definition beside each figure.
DEFINITIONS_BY_LOCALE = {
    "open_postings": {"en": DEFINITIONS["open_postings"], "ko": "지역에 있는 공고 중 마감되지 않은 공개 공고 수."},
    "smes_hiring": {"en": DEFINITIONS["smes_hiring"],
                    "ko": "지역에 공개 공고가 한 건 이상 있는 중소기업(300인 미만) 수(두 지역에서 채용하는 기업은 각 지역에 "
                          "셉니다)."},
    "discoverable_seekers": {"en": DEFINITIONS["discoverable_seekers"],
                             "ko": "거주 지역이 이 지역이고 기업에 프로필 공개를 선택한 구직자 수."},
    "placements": {"en": DEFINITIONS["placements"],
                   "ko": "이 지역 일자리로 기록되고 기준일까지 시작된 취업 수: 기관 보고와 플랫폼 채용."},
    "trainees": {"en": DEFINITIONS["trainees"],
                 "ko": "기준일까지 종료된 지역 기수(코호트)의 훈련생 중 제외 사유가 없는 사람 수."},
    "completers": {"en": DEFINITIONS["completers"],
                   "ko": "기준일까지 종료된 지역 기수(코호트)의 훈련생 중 그때까지 수료한 사람 수."},
    "local_retention_12": outcomes.DEFINITIONS["local_retention_12"],
    "capital_outflow_12": outcomes.DEFINITIONS["capital_outflow_12"],
}

@dataclass
class RegionalFigures:
    as_of: date
    threshold: int
    regions: list[dict]   # one row per region, in the regions' official order
    national: dict        # the same figures for the whole country


def regional_figures(session: Session, as_of: date | None = None,
                     threshold: int = disclosure.THRESHOLD) -> RegionalFigures:
    """Every region's figures and the national total, with small counts suppressed (memoised: figure_cache)."""
    as_of = as_of or today_in_korea()
    return figure_cache.cached(session, ("regional_figures", as_of, threshold),
                               lambda: _regional_figures(session, as_of, threshold))


def _regional_figures(session: Session, as_of: date, threshold: int) -> RegionalFigures:
    regions = list(session.scalars(select(Region).order_by(Region.admin_code)))
    counts = _counts(session, as_of)
    count_rows = [{name: _count(counts[name].get(region.id, 0)) for name in COUNTS} for region in regions]
    count_total = {name: _count(sum(counts[name].values())) for name in COUNTS}
    shown_counts, shown_count_total = disclosure.suppress_table(count_rows, count_total, threshold=threshold)

    table = outcomes.table(session, "region", as_of)
    by_slug = {row.key: row.metrics for row in table.rows}
    empty = outcomes.compute([], as_of, outcomes.capital_region_ids(session))
    ledger_rows = [by_slug.get(region.slug, empty) for region in regions]
    shown_ledger, shown_ledger_total = disclosure.suppress_table(ledger_rows, table.total.metrics,
                                                                 threshold=threshold)
    rows = [{"region": region.slug, "name_ko": region.name_ko, "name_en": region.name_en,
             "capital_area": region.capital_area, **_flatten(counted, ledger)}
            for region, counted, ledger in zip(regions, shown_counts, shown_ledger)]
    return RegionalFigures(as_of, threshold, rows, _flatten(shown_count_total, shown_ledger_total))


def _counts(session: Session, as_of: date) -> dict[str, dict[int, int]]:
    def by_region(query) -> dict[int, int]:
        return dict(session.execute(query).all())

    open_now = open_filter(as_of)
    return {
        "open_postings": by_region(select(Posting.region_id, func.count()).where(open_now)
                                   .group_by(Posting.region_id)),
        "smes_hiring": by_region(select(Posting.region_id, func.count(distinct(Posting.company_id)))
                                 .join(Company, Posting.company_id == Company.id)
                                 .where(open_now, Company.size != LARGE_COMPANY_SIZE).group_by(Posting.region_id)),
        "discoverable_seekers": by_region(select(SeekerProfile.home_region_id, func.count())
                                          .where(SeekerProfile.discoverable.is_(True))
                                          .group_by(SeekerProfile.home_region_id)),
        "placements": by_region(select(Placement.region_id, func.count()).where(Placement.start_date <= as_of)
                                .group_by(Placement.region_id)),
    }


def _count(value: int) -> dict:
    """A plain count in the shape disclosure protects: the number is the numerator."""
    return {"numerator": value, "denominator": None, "rate": None}


def _flatten(counted: dict, ledger: dict) -> dict:
    """Counts as numbers (None when hidden), rates as {numerator, denominator, rate}; `suppressed` names what
    is hidden ("trainees", "local_retention_12.numerator") so a page can show "<5" rather than "none"."""
    row: dict = {}
    suppressed: list[str] = []
    for name in COUNTS:
        row[name] = counted[name]["numerator"]
        if "numerator" in counted[name].get("suppressed", ()):
            suppressed.append(name)
    for name, metric, part in TRAINING:
        row[name] = ledger[metric][part]
        if part in ledger[metric].get("suppressed", ()):
            suppressed.append(name)
    for name in RATES:
        row[name] = {part: ledger[name][part] for part in RATE_PARTS}
        suppressed += [f"{name}.{part}" for part in ledger[name].get("suppressed", ())]
    row["suppressed"] = suppressed
    return row


# ---- skill gap (added for the regional dashboards) ---------------------------------------------------------------

def skill_gap(session: Session, region: Region | None = None, as_of: date | None = None, limit: int = 10,
              threshold: int = disclosure.THRESHOLD) -> list[dict]:
    """The skills open postings ask for most, beside how many people hold them; the whole country without a region.

    Demand counts the open postings located in the region that name the skill (required or preferred). Supply
    counts people once each: the region's discoverable seekers (home region) and the trainees of the region's
    cohorts linked to a seeker account who agreed to share their outcomes. Counts below the threshold are hidden
    (None, named in `suppressed`); the rows do not add up to a shown total, so primary suppression is enough.
    """
    as_of = as_of or today_in_korea()
    postings = func.count(distinct(PostingSkill.posting_id)).label("postings")
    demand = session.execute(
        select(PostingSkill.skill_id, postings).join(Posting, PostingSkill.posting_id == Posting.id)
        .where(open_filter(as_of), PostingSkill.skill_id.is_not(None),
               *([Posting.region_id == region.id] if region is not None else []))
        .group_by(PostingSkill.skill_id).order_by(desc(postings), PostingSkill.skill_id).limit(limit)).all()
    skill_ids = [row.skill_id for row in demand]
    supply = dict(session.execute(
        select(ProfileSkill.skill_id, func.count(distinct(ProfileSkill.profile_id)))
        .where(ProfileSkill.skill_id.in_(skill_ids), ProfileSkill.profile_id.in_(_people(region)))
        .group_by(ProfileSkill.skill_id)).all()) if skill_ids else {}
    skills = {skill.id: skill for skill in session.scalars(select(Skill).where(Skill.id.in_(skill_ids)))}
    rows = []
    for row in demand:
        skill = skills[row.skill_id]
        counts = {"postings": row.postings, "people": supply.get(row.skill_id, 0)}
        hidden = sorted(name for name, value in counts.items() if value < threshold)
        rows.append({"skill": skill.slug, "name_ko": skill.name_ko, "name_en": skill.name_en,
                     **{name: None if name in hidden else value for name, value in counts.items()},
                     "suppressed": hidden})
    return rows


def _people(region: Region | None):
    """Profile ids of the people whose skills count as the region's supply (see `skill_gap`)."""
    trainees = (select(Enrollment.seeker_user_id).join(Cohort, Enrollment.cohort_id == Cohort.id)
                .where(Enrollment.shares_outcomes.is_(True), Enrollment.seeker_user_id.is_not(None),
                       *([Cohort.region_id == region.id] if region is not None else [])))
    seekers = SeekerProfile.discoverable.is_(True)
    if region is not None:
        seekers = and_(seekers, SeekerProfile.home_region_id == region.id)
    return select(SeekerProfile.id).where(or_(seekers, SeekerProfile.user_id.in_(trainees)))

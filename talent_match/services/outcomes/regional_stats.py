"""The regional dashboard's figures: demand, supply, training and whether trained people stay, per region.

Everything here is for others than the institutions themselves: the figures are a public release
(services.releases), published at reporting dates and suppressed so that no date or view gives a hidden count away.
Training and retention figures come from services.outcomes (cohorts grouped by the cohort's region); the rest are
counts of what is on the platform.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import desc, distinct, func, select, union
from sqlalchemy.orm import Session

from ...models import Cohort, Enrollment, Posting, PostingSkill, ProfileSkill, Region, SeekerProfile, Skill
from .. import figure_cache
from ..hiring.postings import open_filter, today_in_korea
from . import disclosure, releases
from . import ledger as outcomes

COUNTS = releases.COUNTS
# From the outcome ledger, by cohort region: (figure, metric, part). Rates keep the metric's three parts.
TRAINING = (("trainees", "completion_rate", "denominator"), ("completers", "completion_rate", "numerator"))
RATES = ("local_retention_12", "capital_outflow_12")
RATE_PARTS = ("numerator", "denominator", "rate", "answered", "verified")
COST_PARTS = ("budget_krw", "local_retained_12", "value")

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
    outcomes.COST: outcomes.DEFINITIONS[outcomes.COST]["en"],
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
    outcomes.COST: outcomes.DEFINITIONS[outcomes.COST],
}

@dataclass
class RegionalFigures:
    as_of: date
    threshold: int
    regions: list[dict]   # one row per region, in the regions' official order
    national: dict        # the same figures for the whole country


def regional_figures(session: Session, as_of: date | None = None,
                     threshold: int = disclosure.THRESHOLD) -> RegionalFigures:
    """Every region's figures and the national total as published at the last reporting date on or before
    `as_of` (services.releases: suppressed, and checked against every earlier release)."""
    published = releases.release(session, as_of or today_in_korea(), threshold)
    regions = {region.slug: region for region in session.scalars(select(Region))}
    rows = [{"region": row.key[1], "name_ko": regions[row.key[1]].name_ko, "name_en": regions[row.key[1]].name_en,
             "capital_area": regions[row.key[1]].capital_area, **_flatten(row.shown)} for row in published.regions]
    return RegionalFigures(published.as_of, threshold, rows, _flatten(published.national.shown))


def _flatten(shown: dict) -> dict:
    """Counts as numbers (None when hidden), rates as {numerator, denominator, rate, answered, verified};
    `suppressed` names what is hidden ("trainees", "local_retention_12.numerator") and `small` those of them
    hidden for being below the threshold, so a page can show "<5" or "hidden" rather than "none"."""
    row: dict = {}
    suppressed: list[str] = []
    small: list[str] = []

    def note(entry: str, metric: dict, part: str) -> None:
        if part in metric.get("suppressed", ()):
            suppressed.append(entry)
            if part in metric.get("small", ()):
                small.append(entry)

    for name in COUNTS:
        row[name] = shown[name]["numerator"]
        note(name, shown[name], "numerator")
    for name, metric, part in TRAINING:
        row[name] = shown[metric][part]
        note(name, shown[metric], part)
    for name in RATES:
        row[name] = {part: shown[name][part] for part in RATE_PARTS}
        for part in RATE_PARTS:
            note(f"{name}.{part}", shown[name], part)
    if outcomes.COST in shown:    # regions only, and releases published before the figure existed lack it
        row[outcomes.COST] = {part: shown[outcomes.COST][part] for part in COST_PARTS}
        if "denominator" in shown[outcomes.COST].get("suppressed", ()):
            suppressed.append(outcomes.COST)
    row["suppressed"] = suppressed
    row["small"] = small
    return row


# ---- skill gap (added for the regional dashboards) ---------------------------------------------------------------

def skill_gap(session: Session, region: Region | None = None, as_of: date | None = None, limit: int = 10,
              threshold: int = disclosure.THRESHOLD, watched=()) -> list[dict]:
    """The skills open postings ask for most, beside how many people hold them; the whole country without a region.
    The `watched` skills (ids: services.outcomes.watch_list) follow the top ones, however few postings name them;
    each row says whether it is watched.

    Demand counts the open postings located in the region that name the skill (required or preferred). Supply
    counts people once each: the region's discoverable seekers (home region) and the trainees of the region's
    cohorts linked to a seeker account who agreed to share their outcomes. Counts below the threshold are hidden
    (None, named in `suppressed`); the rows do not add up to a shown total, so primary suppression is enough.
    Kept as a figure (services.figure_cache): every view of a region page shows it, so the rows are shared between
    requests and are read-only.
    """
    as_of = as_of or today_in_korea()
    key = ("skill_gap", region.id if region is not None else None, as_of, limit, threshold, tuple(watched))
    return figure_cache.cached(session, key, lambda: _skill_gap(session, region, as_of, limit, threshold, watched))


def _skill_gap(session: Session, region: Region | None, as_of: date, limit: int, threshold: int,
               watched) -> list[dict]:
    postings = func.count(distinct(PostingSkill.posting_id)).label("postings")
    asked = (select(PostingSkill.skill_id, postings).join(Posting, PostingSkill.posting_id == Posting.id)
             .where(open_filter(as_of), PostingSkill.skill_id.is_not(None),
                    *([Posting.region_id == region.id] if region is not None else []))
             .group_by(PostingSkill.skill_id))
    demand = dict(session.execute(asked.order_by(desc(postings), PostingSkill.skill_id).limit(limit)).all())
    extra = [skill_id for skill_id in dict.fromkeys(watched) if skill_id not in demand]
    if extra:
        demand.update(session.execute(asked.where(PostingSkill.skill_id.in_(extra))).all())
    skill_ids = [*(skill_id for skill_id in demand if skill_id not in extra), *extra]
    people = _people(region).subquery()
    supply = dict(session.execute(  # from the region's people to their skills: the few asked-for skills are held
        select(ProfileSkill.skill_id, func.count(distinct(ProfileSkill.profile_id)))  # by most of the country
        .join(people, ProfileSkill.profile_id == people.c.id)
        .where(ProfileSkill.skill_id.in_(skill_ids))
        .group_by(ProfileSkill.skill_id)).all()) if skill_ids else {}
    skills = {skill.id: skill for skill in session.scalars(select(Skill).where(Skill.id.in_(skill_ids)))}
    rows = []
    for skill_id in skill_ids:
        skill = skills[skill_id]
        counts = {"postings": demand.get(skill_id, 0), "people": supply.get(skill_id, 0)}
        hidden = sorted(name for name, value in counts.items() if value < threshold)
        rows.append({"skill": skill.slug, "name_ko": skill.name_ko, "name_en": skill.name_en,
                     **{name: None if name in hidden else value for name, value in counts.items()},
                     "suppressed": hidden, "watched": skill_id in watched})
    return rows


def _people(region: Region | None):
    """Profile ids of the people whose skills count as the region's supply (see `skill_gap`). A union of the two
    groups, each found by its own index."""
    trainees = (select(Enrollment.seeker_user_id).join(Cohort, Enrollment.cohort_id == Cohort.id)
                .where(Enrollment.shares_outcomes.is_(True), Enrollment.seeker_user_id.is_not(None),
                       *([Cohort.region_id == region.id] if region is not None else [])))
    seekers = select(SeekerProfile.id).where(SeekerProfile.discoverable.is_(True),
                                             *([SeekerProfile.home_region_id == region.id] if region else []))
    return union(seekers, select(SeekerProfile.id).where(SeekerProfile.user_id.in_(trainees)))

"""Institutions, their programmes and cohorts (2023 on), trainees, placements and follow-ups.

Retention follows each region's profile in geography.py: a placed trainee stays with the employer from one
checkpoint to the next with the region's `stay` chance; those who move go to the capital area with its
`capital_pull`. Programme cohorts of the region-led AI transformation keep a little more. Who answered each
checkpoint, and who was asked by email, is decided in responses.py; what employers said of readiness in
readiness.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .common import Context, weighted
from .companies import CompanyInfo
from .geography import CAPITAL, REGIONS, SLUGS
from .institutions import AI_TRANSFORMATION, ProgrammeSpec, add_months, institutions_for, programmes_for
from .industries import INDUSTRIES
from .people import TRACK_ROLE
from .readiness import Readiness, programme_skills
from .responses import Responses
from .seekers import SeekerInfo

SEEKER_KIND_OF = {"university": "university", "bootcamp": "bootcamp_graduate", "technopark": "incumbent_worker"}
COMPLETION = {"university": 0.9, "bootcamp": 0.82, "technopark": 0.93}
PLACEMENT = {"university": 0.62, "bootcamp": 0.68, "technopark": 0.95}
BASE_WAGE = {"university": 3500, "bootcamp": 3200, "technopark": 4300}   # 만원 a year
EXCLUSIONS = (("further_study", 45), ("military_service", 25), ("health", 10), ("emigration", 5), ("other", 15))
OUT_OF_FIELD = ("생산관리", "품질관리", "영업지원", "IT 헬프데스크", "사무행정")
CAPITAL_SPLIT = (("seoul", 60), ("gyeonggi", 35), ("incheon", 5))
# Who pays for each funding programme and what a place costs (KRW per trainee, low and high); some cohorts leave
# their budget unrecorded, so the cost figure shows its "not computable" case too.
FUNDING = {"대학혁신지원사업": ("national", 4_000_000, 6_000_000), "LINC 3.0 산학협력": ("national", 3_000_000, 5_000_000),
           "K-디지털 트레이닝 (고용노동부)": ("national", 9_000_000, 13_000_000),
           "지역산업 재직자 교육": ("regional_government", 2_000_000, 4_000_000),
           AI_TRANSFORMATION: ("regional_government", 10_000_000, 15_000_000)}
UNRECORDED_BUDGET = 0.08


@dataclass
class CohortInfo:
    id: int
    institution_id: int
    kind: str
    region: str
    code: str
    programme: ProgrammeSpec
    start: date
    end: date
    capacity: int


def generate_institutions(ctx: Context, demo_login: dict | None) -> tuple[list[CohortInfo], int | None]:
    """Every region's institutions with programmes and cohorts; returns the cohorts and the demo institution id."""
    rng = ctx.rng("institutions")
    cohorts: list[CohortInfo] = []
    demo_id = None
    for slug in SLUGS:
        industries = [INDUSTRIES[key].label for key, _ in REGIONS[slug].industries]
        for inst_slug, name, kind in institutions_for(slug):
            created = ctx.moment(rng, date(2023, 1, rng.randint(2, 27)))
            inst_id = ctx.sink.new_id("institution")
            ctx.sink.add("institution", {"id": inst_id, "slug": inst_slug, "name": name, "kind": kind,
                                         "region_id": ctx.region_ids[slug], "created_at": created,
                                         "updated_at": created})
            if demo_login is not None and demo_id is None and slug == "gyeongnam" and kind == "bootcamp":
                demo_id = inst_id
                ctx.user(role="institution", email=demo_login["email"], name=demo_login["name"], created=created,
                         password_hash=demo_login["password_hash"], institution_id=inst_id)
            else:
                person, roman = ctx.person(rng)
                ctx.user(role="institution", email=f"{roman}.{inst_id}@staff.example.com", name=person,
                         created=created, institution_id=inst_id)
            for code_index, spec in enumerate(programmes_for(slug, kind, industries)):
                cohorts += _programme(ctx, rng, inst_id, kind, slug, spec, code_index, created)
    return cohorts, demo_id


def _programme(ctx, rng, inst_id, kind, slug, spec: ProgrammeSpec, code_index: int, created) -> list[CohortInfo]:
    programme_id = ctx.sink.new_id("programme")
    ctx.sink.add("programme", {"id": programme_id, "institution_id": inst_id, "name": spec.name,
                               "field": spec.field, "funding_programme": spec.funding, "created_at": created,
                               "updated_at": created})
    programme_skills(ctx, programme_id, spec.field)
    cohorts = []
    budgets = ctx.rng(f"budgets:{inst_id}:{code_index}")   # its own stream: the other rows stay as they were
    for year in range(spec.first_year, ctx.today.year + 1):
        for term, (month, day, length) in enumerate(spec.terms, start=1):
            start = date(year, month, day)
            if start > ctx.today + timedelta(days=45):
                continue
            code = f"{'ABCDEFG'[code_index]}{year}-{term}"
            cohort_id = ctx.sink.new_id("cohort")
            capacity = rng.randint(*spec.capacity)
            end = add_months(start, length) - timedelta(days=1)
            at = ctx.moment(rng, start - timedelta(days=30))
            ctx.sink.add("cohort", {"id": cohort_id, "institution_id": inst_id, "programme_id": programme_id,
                                    "code": code, "region_id": ctx.region_ids[slug], "start_date": start,
                                    "end_date": end, "capacity": capacity, **_budget(budgets, spec, capacity),
                                    "created_at": at, "updated_at": at})
            cohorts.append(CohortInfo(cohort_id, inst_id, kind, slug, code, spec, start, end, capacity))
    return cohorts


def _budget(rng, spec: ProgrammeSpec, capacity: int) -> dict:
    source, low, high = FUNDING.get(spec.funding, ("other", 5_000_000, 10_000_000))
    if rng.random() < UNRECORDED_BUDGET:
        return {"budget_krw": None, "funding_source": None}
    return {"budget_krw": capacity * int(round(rng.uniform(low, high), -5)), "funding_source": source}


def generate_outcomes(ctx: Context, cohorts: list[CohortInfo], seekers: list[SeekerInfo],
                      companies: list[CompanyInfo], scale: float, demo_institution: int | None,
                      demo_seeker: SeekerInfo | None) -> None:
    """Trainees for every cohort (fewer at small scales), with placements and follow-ups once due."""
    rng, responses, readiness = ctx.rng("outcomes"), Responses(ctx), Readiness(ctx)
    pools: dict[tuple[str, str], list[SeekerInfo]] = {}
    for seeker in seekers:
        if seeker is not demo_seeker:
            pools.setdefault((seeker.region, seeker.kind), []).append(seeker)
    local_companies: dict[str, list[CompanyInfo]] = {}
    for company in companies:
        local_companies.setdefault(company.region, []).append(company)
    demo_cohort = None
    if demo_seeker is not None:
        finished = [c for c in cohorts if c.institution_id == demo_institution and c.end < ctx.today]
        demo_cohort = max(finished, key=lambda c: (c.end, -c.id)) if finished else None
    for cohort in cohorts:
        full = cohort.institution_id == demo_institution
        size = max(6, round(cohort.capacity * rng.uniform(0.8, 1.0) * (1.0 if full else scale)))
        for number in range(1, size + 1):
            seeker = demo_seeker if (cohort is demo_cohort and number == 1) else None
            _trainee(ctx, rng, (responses, readiness), cohort, number, pools, local_companies, seeker)


def _trainee(ctx, rng, answering: tuple[Responses, Readiness], cohort: CohortInfo, number: int, pools,
             local_companies, fixed: SeekerInfo | None):
    kind, responses = cohort.kind, answering[0]
    at = ctx.moment(rng, cohort.start - timedelta(days=rng.randint(3, 30)))
    if cohort.end < ctx.today:
        status = "completed" if fixed or rng.random() < COMPLETION[kind] else "withdrawn"
    else:
        status = "withdrawn" if rng.random() < 0.05 and cohort.start < ctx.today else "enrolled"
    excluded = None
    if status == "completed" and not fixed and rng.random() < (0.08 if kind == "university" else 0.03):
        excluded = weighted(rng, EXCLUSIONS)
    seeker = fixed
    if seeker is None and status != "withdrawn" and rng.random() < 0.25:
        pool = pools.get((cohort.region, SEEKER_KIND_OF[kind]))
        seeker = pool.pop() if pool else None
    shares = seeker is not None and (fixed is not None or rng.random() < 0.7)
    if seeker is not None:
        name, email = seeker.name, seeker.email
        if shares:
            ctx.consent(seeker.user_id, "share_outcomes", True, at)
    else:
        name, roman = ctx.person(rng)
        email = f"{roman}.t{cohort.id}.{number}@mail.example.com" if rng.random() < 0.7 else None
    enrollment_id, agreed = ctx.sink.new_id("enrollment"), responses.agreed(email)
    ctx.sink.add("enrollment", {
        "id": enrollment_id, "institution_id": cohort.institution_id, "cohort_id": cohort.id,
        "trainee_ref": f"{cohort.code}-{number:03d}", "name": name, "email": email, "status": status,
        "completion_date": cohort.end if status == "completed" else None, "excluded_reason": excluded,
        "seeker_user_id": seeker.user_id if seeker else None, "shares_outcomes": shares,
        "contact_consent": agreed, "created_at": at, "updated_at": at})
    if status == "completed" and excluded is None and fixed is None:
        _placement(ctx, rng, answering, cohort, enrollment_id, email if agreed else None, seeker, local_companies)


def _placement(ctx, rng, answering: tuple[Responses, Readiness], cohort: CohortInfo, enrollment_id: int,
               trainee_email: str | None, seeker, local_companies) -> None:
    (responses, readiness), kind, home = answering, cohort.kind, cohort.region
    programme = cohort.programme.funding == AI_TRANSFORMATION
    if rng.random() > PLACEMENT[kind] * (1.08 if programme else 1.0):
        return
    delay = rng.randint(0, 14) if kind == "technopark" else rng.randint(15, 170)
    start = cohort.end + timedelta(days=delay)
    if start > ctx.today:
        return
    outside = 0.02 if kind == "technopark" else REGIONS[home].first_outside - (0.05 if programme else 0.0)
    region = _elsewhere(rng, home) if rng.random() < outside else home
    company = None
    if rng.random() < (0.75 if region == home else 0.4) and local_companies.get(region):
        company = rng.choice(local_companies[region])
    employer = company.name if company else _external_employer(rng, region)
    in_field = rng.random() < 0.86
    wage = BASE_WAGE[kind] * rng.uniform(0.9, 1.2) * (1.12 if region in CAPITAL else 1.0)
    at = ctx.moment(rng, min(start + timedelta(days=rng.randint(0, 20)), ctx.today))
    placement_id = ctx.sink.new_id("placement")
    contact = responses.employer_contact(company.id if company else None, placement_id)
    ctx.sink.add("placement", {
        "id": placement_id, "enrollment_id": enrollment_id, "employer_email": contact,
        "seeker_user_id": seeker.user_id if seeker else None, "application_id": None,
        "company_id": company.id if company else None, "employer_name": employer,
        "job_title": rng.choice(list(TRACK_ROLE.values())) if in_field else rng.choice(OUT_OF_FIELD),
        "region_id": ctx.region_ids[region], "start_date": start,
        "annual_wage_krw": round(wage / 10) * 100_000, "employment_type": rng.choices(
            ("full_time", "contract", "internship"), weights=(84, 12, 4))[0], "in_field": in_field,
        "source": "employer_confirmed" if kind == "technopark" and rng.random() < 0.6 else rng.choices(
            ("institution", "trainee", "employer_confirmed"), weights=(75, 10, 15))[0],
        "created_at": at, "updated_at": at})
    readiness.hire(enrollment_id, placement_id, cohort.programme.field, kind, start, contact)
    _follow_ups(ctx, rng, responses, cohort, enrollment_id, start, region, programme,
                (placement_id, contact, trainee_email))


def _follow_ups(ctx, rng, responses: Responses, cohort: CohortInfo, enrollment_id: int, start: date, region: str,
                programme: bool, asked: tuple[int, str | None, str | None]):
    profile = REGIONS[cohort.region]
    stay = min(0.98, profile.stay + (0.025 if programme else 0.0) + (0.03 if cohort.kind == "technopark" else 0.0))
    pull = max(0.0, profile.capital_pull - (0.1 if programme else 0.0))
    state, where = "employed_same_employer", region
    for month in ctx.checkpoint_months:
        due = add_months(start, month)
        if due > ctx.today:
            break
        if state == "employed_same_employer":
            if rng.random() > stay:
                state, where = ("not_employed", None) if rng.random() < 0.25 else (
                    "employed_other_employer", _mover_region(rng, cohort.region, pull))
        elif state == "employed_other_employer":
            if rng.random() < 0.06:
                where = _mover_region(rng, cohort.region, pull)
        elif rng.random() < 0.4:
            state, where = "employed_other_employer", _mover_region(rng, cohort.region, pull)
        placement_id, employer_email, trainee_email = asked
        responses.checkpoint(cohort.id, enrollment_id, placement_id, month, due, state, where, employer_email,
                             trainee_email)


def _capital(rng) -> str:
    return weighted(rng, CAPITAL_SPLIT)


def _elsewhere(rng, home: str) -> str:
    if home in CAPITAL:
        return rng.choice([s for s in CAPITAL if s != home])
    return _capital(rng) if rng.random() < 0.8 else rng.choice(REGIONS[home].neighbours)


def _mover_region(rng, home: str, pull: float) -> str:
    if home in CAPITAL:
        return home if rng.random() < 0.7 else _elsewhere(rng, home)
    if rng.random() < pull:
        return _capital(rng)
    return home if rng.random() < 0.8 else rng.choice(REGIONS[home].neighbours)


def _external_employer(rng, region: str) -> str:
    industry = INDUSTRIES[weighted(rng, REGIONS[region].industries)]
    return f"(주){rng.choice(REGIONS[region].place_words)}{rng.choice(industry.stems)}"

"""AI job postings written the way Korean SMEs write them: a bracketed place tag, 주요업무/자격요건/우대사항,
English tool names inside Korean sentences, pay in 만원 and a deadline (or 상시채용)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .common import Context, josa, weighted
from .companies import CompanyInfo
from .geography import CAPITAL, PROGRAMME_YEAR, REGIONS
from .industries import INDUSTRIES, MANUFACTURING
from .roles import (EMPLOYMENT_LABELS, MANUFACTURING_TITLES, PERKS, PROCESSES, SALARY_BANDS, SENIORITY, TRACKS,
                    WORK_MODE_LABELS)

STATUSES = (("open", 76), ("closed", 10), ("filled", 5), ("draft", 9))
EMPLOYMENT = (("full_time", 85), ("contract", 8), ("internship", 6), ("part_time", 1))
WORK_MODES = (("onsite", 62), ("hybrid", 32), ("remote", 6))
SIZE_PAY = {"1-9": 0.92, "10-49": 0.97, "50-299": 1.0, "300+": 1.1}


@dataclass
class PostingInfo:
    id: int
    company: CompanyInfo
    status: str
    track: str
    salary: tuple[int | None, int | None]
    opened: date
    title: str


@dataclass(frozen=True)
class Spec:
    """What to write; anything left None is drawn at random."""
    use_case: tuple[str, str, str] | None = None
    seniority: str | None = None
    status: str | None = None
    role_title: str | None = None


def generate_postings(ctx: Context, companies: list[CompanyInfo], count: int,
                      demo_specs: tuple[Spec, ...] = ()) -> list[PostingInfo]:
    """The demo company's postings first, then one per region, then the rest by company size."""
    rng = ctx.rng("postings")
    postings = [write_posting(ctx, rng, companies[0], spec) for spec in demo_specs]
    first_per_region = list({c.region: c for c in reversed(companies)}.values())
    size_weight = {"1-9": 1, "10-49": 2, "50-299": 4, "300+": 6}
    weights = [size_weight[c.size] for c in companies]
    while len(postings) < count:
        company = (first_per_region.pop() if first_per_region
                   else rng.choices(companies, weights=weights)[0])
        postings.append(write_posting(ctx, rng, company, Spec()))
    return postings


def write_posting(ctx: Context, rng, company: CompanyInfo, spec: Spec) -> PostingInfo:
    industry = INDUSTRIES[company.industry]
    track_key, focus, main_duty = spec.use_case or rng.choice(industry.use_cases)
    track = TRACKS[track_key]
    seniority = spec.seniority or weighted(rng, SENIORITY)
    _, _, experience_choices, suffixes = next(s for s in SENIORITY if s[0] == seniority)
    min_experience = rng.choice(experience_choices)
    status = spec.status or weighted(rng, STATUSES)
    employment = "full_time" if spec.use_case else weighted(rng, EMPLOYMENT)
    if employment == "internship":
        seniority, min_experience = "entry", 0
    work_mode = weighted(rng, WORK_MODES)
    salary = _salary(rng, company, seniority, employment)
    opened, deadline = _dates(ctx, rng, status)
    suffix = rng.choice(suffixes) if employment != "internship" else "인턴"
    titles = track.titles + (MANUFACTURING_TITLES.get(track_key, ()) if company.industry in MANUFACTURING else ())
    title = f"[{company.tag}] {spec.role_title or rng.choice(titles)} ({focus})"
    title += f" - {suffix}" if suffix else ""
    posting_id = ctx.sink.new_id("posting")
    created = ctx.moment(rng, opened)
    ctx.sink.add("posting", {
        "id": posting_id, "company_id": company.id, "title": title,
        "description": _description(rng, company, track, main_duty, min_experience, employment, work_mode, salary,
                                     deadline),
        "min_experience": min_experience, "salary_min": salary[0], "salary_max": salary[1],
        "employment_type": employment, "work_mode": work_mode, "region_id": ctx.region_ids[company.region],
        "city": company.city, "openings": rng.choice((1, 1, 1, 2, 2, 3)), "deadline": deadline, "status": status,
        "created_at": created, "updated_at": created})
    required = [s for s in track.required_skills if rng.random() < 0.85] or list(track.required_skills[:2])
    preferred = rng.sample(track.preferred_skills, k=min(len(track.preferred_skills), rng.randint(2, 4)))
    seen: set[str] = set()
    for labels, is_required in ((required, True), (preferred, False)):
        for raw in labels:
            label, skill_id = ctx.skills.resolve(raw)
            if label.casefold() in seen:
                continue
            seen.add(label.casefold())
            ctx.sink.add("posting_skill", {"id": ctx.sink.new_id("posting_skill"), "posting_id": posting_id,
                                           "skill_id": skill_id, "label": label, "required": is_required})
    return PostingInfo(posting_id, company, status, track_key, salary, opened, title)


def _salary(rng, company: CompanyInfo, seniority: str, employment: str) -> tuple[int | None, int | None]:
    if rng.random() < 0.08:
        return None, None  # 회사 내규에 따름
    low, high = SALARY_BANDS["entry" if employment == "internship" else seniority]
    factor = SIZE_PAY[company.size] * (1.08 if company.region in CAPITAL else 1.0)
    floor = round(rng.uniform(low, (low + high) / 2) * factor / 100) * 100
    if employment in ("internship", "part_time"):
        floor = round(floor * 0.75 / 100) * 100
    ceiling = floor + rng.choice((300, 500, 800, 1000, 1500))
    return floor * 10_000, ceiling * 10_000


def _dates(ctx: Context, rng, status: str) -> tuple[date, date | None]:
    today = ctx.today
    if status == "open":
        deadline = None if rng.random() < 0.12 else today + timedelta(days=rng.randint(5, 60))
        opened = today - timedelta(days=rng.randint(1, 45))
    elif status == "draft":
        opened, deadline = today - timedelta(days=rng.randint(0, 10)), today + timedelta(days=rng.randint(20, 60))
    else:
        deadline = today - timedelta(days=rng.randint(1, 150))
        opened = deadline - timedelta(days=rng.randint(20, 60))
    return opened, deadline


def _won(amount: int) -> str:
    return f"{amount // 10_000:,}만원"


def _description(rng, company: CompanyInfo, track, main_duty: str, min_experience: int, employment: str,
                 work_mode: str, salary, deadline: date | None) -> str:
    industry = INDUSTRIES[company.industry]
    region = REGIONS[company.region]
    lines = [f"{josa(company.name, '은', '는')} {region.short} {company.city}에 위치한 {industry.label} 기업으로, "
             f"{rng.choice(industry.products)} 분야에서 AI 도입을 확대하고 있습니다."]
    if company.region in PROGRAMME_YEAR and rng.random() < 0.4:
        lines.append("본 포지션은 지역 주도형 AI 대전환 사업과 연계된 채용으로, 지역 인재를 우대합니다.")
    duties = [main_duty, *rng.sample(track.duties, k=min(3, len(track.duties)))]
    requirements = list(track.requirements)
    if min_experience:
        requirements.insert(0, f"관련 경력 {min_experience}년 이상")
    else:
        requirements.insert(0, "신입 지원 가능 (관련 프로젝트 경험 필수)")
    preferred = rng.sample(track.preferred, k=min(3, len(track.preferred)))
    if rng.random() < 0.35:
        preferred.append(f"{region.short} 지역 거주자 또는 연고자")
    pay = (f"연봉 {_won(salary[0])} ~ {_won(salary[1])} (경력에 따라 협의)" if salary[0]
           else "회사 내규에 따름 (면접 후 결정)")
    sections = [
        ("주요업무", duties), ("자격요건", requirements), ("우대사항", preferred),
        ("근무조건", [f"고용형태: {EMPLOYMENT_LABELS[employment]}",
                  f"근무지: {region.short} {company.city} ({WORK_MODE_LABELS[work_mode]})", f"급여: {pay}",
                  "복리후생: " + ", ".join(rng.sample(PERKS, k=4))]),
    ]
    body = "\n".join(lines)
    for heading, items in sections:
        body += f"\n\n[{heading}]\n" + "\n".join(f"• {item}" for item in dict.fromkeys(items))
    closing = f"{deadline:%Y.%m.%d} 마감 (적합한 인재 채용 시 조기 마감)" if deadline else "상시채용"
    return body + f"\n\n[전형절차]\n{rng.choice(PROCESSES)}\n\n[접수기간]\n{closing}"

"""Invented SMEs in each region's industries, each with one recruiter account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ...models import Company
from .common import Context, weighted
from .geography import PROGRAMME_YEAR, REGIONS, SLUGS
from .industries import INDUSTRIES

PREFIXES = ("한빛", "대성", "세진", "미래", "동양", "신성", "태광", "우진", "삼원", "대원", "한솔", "성진", "동일", "유니",
            "에이스", "케이", "제이엠", "넥스", "하이", "그린", "블루", "스마트", "뉴", "이노", "비전", "퓨처", "새한", "금강",
            "백두", "은하", "다온", "나래", "가온", "온누리", "아라", "해솔", "빛나", "큐브", "딥", "알파", "오메가", "에스엠",
            "디케이", "지엔", "씨엔", "티에스", "엘림", "일진", "화신", "명성", "영신", "대한", "한국", "코리아", "인피니", "제일",
            "선진", "정우", "청우", "현진")
SIZES = (("1-9", 18), ("10-49", 45), ("50-299", 31), ("300+", 6))
DEMO_COMPANY = "(주)한빛정밀"


@dataclass
class CompanyInfo:
    id: int
    name: str
    region: str
    city: str
    tag: str
    industry: str
    size: str
    recruiter_id: int


def company_count(postings: int) -> int:
    return max(len(SLUGS) * 2, round(postings / 3))


def generate_companies(ctx: Context, count: int, demo_employer: dict | None) -> list[CompanyInfo]:
    """`count` companies, at least two per region, more where people and programmes are; the demo company first."""
    rng = ctx.rng("companies")
    taken = set(ctx.session.scalars(select(Company.name)))
    weights = [REGIONS[s].population ** 0.8 * (1.5 if s in PROGRAMME_YEAR else 1.0) for s in SLUGS]
    regions = [s for s in SLUGS for _ in range(2)]
    regions += rng.choices(SLUGS, weights=weights, k=max(0, count - len(regions)))
    companies: list[CompanyInfo] = []
    if demo_employer is not None:
        companies.append(_add(ctx, rng, DEMO_COMPANY, "gyeongnam", "machinery", 0, "50-299", demo_employer))
        taken.add(DEMO_COMPANY)
    for slug in regions[len(companies):]:
        industry = weighted(rng, REGIONS[slug].industries)
        name = _name(rng, slug, industry, taken)
        companies.append(_add(ctx, rng, name, slug, industry, None, weighted(rng, SIZES), None))
    return companies


def _name(rng, slug: str, industry: str, taken: set[str]) -> str:
    stems = INDUSTRIES[industry].stems
    prefixes = PREFIXES + REGIONS[slug].place_words
    for attempt in range(50):
        name = rng.choice(prefixes) + rng.choice(stems)
        if attempt > 10:
            name += rng.choice(("코리아", "테크놀로지", "인더스트리", "앤컴퍼니", "글로벌"))
        if attempt > 30:
            name += str(rng.randrange(2, 100))
        name = ("(주)" + name) if rng.random() < 0.3 else name
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of company names")  # pragma: no cover - 60 x 4 x 5 x 100 names per industry


def _add(ctx: Context, rng, name: str, slug: str, industry: str, city_index: int | None, size: str,
         recruiter: dict | None) -> CompanyInfo:
    profile = REGIONS[slug]
    city, tag = profile.cities[city_index if city_index is not None else rng.randrange(len(profile.cities))]
    created = ctx.moment(rng, ctx.day_between(rng, ctx.today - timedelta(days=730), ctx.today))
    company_id = ctx.sink.new_id("company")
    ctx.sink.add("company", {"id": company_id, "name": name, "region_id": ctx.region_ids[slug],
                             "industry": INDUSTRIES[industry].label, "size": size,
                             "verified": recruiter is not None or rng.random() < 0.7,
                             "created_at": created, "updated_at": created})
    if recruiter is not None:
        user_id = ctx.user(role="employer", email=recruiter["email"], name=recruiter["name"], created=created,
                           password_hash=recruiter["password_hash"], company_id=company_id)
    else:
        person, roman = ctx.person(rng)
        user_id = ctx.user(role="employer", email=f"{roman}.{company_id}@recruit.example.com", name=person,
                           created=created, company_id=company_id)
    return CompanyInfo(company_id, name, slug, city, tag, industry, size, user_id)

"""Training providers per region and the programmes they run. Every name here is invented for the demo.

Universities run a yearly AI track, bootcamps two cohorts a year, technoparks short courses for incumbent workers;
in the programme regions the technopark also runs the domain-AI course of the region-led AI transformation from the
year its grant began.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date

from .geography import CAPITAL, PROGRAMME_YEAR, REGIONS

AI_TRANSFORMATION = "지역 주도형 AI 대전환 (중소벤처기업부·KOSME)"


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    field: str
    funding: str
    first_year: int
    # (start month, start day, length in months) of each cohort in a year
    terms: tuple[tuple[int, int, int], ...]
    capacity: tuple[int, int]


@lru_cache(maxsize=None)
def institutions_for(slug: str) -> tuple[tuple[str, str, str], ...]:
    """(slug, name, kind) of the institutions in a region."""
    profile = REGIONS[slug]
    words = profile.place_words
    big = slug in CAPITAL or slug in ("busan", "daegu")
    rows = [(f"{slug}-univ-1", f"{words[0]}미래대학교", "university"),
            (f"{slug}-univ-2", f"{words[1]}AI융합대학교", "university")]
    if big:
        rows.append((f"{slug}-univ-3", f"{words[2]}과학기술대학교", "university"))
    rows.append((f"{slug}-bootcamp-1", f"{profile.short} AI 아카데미", "bootcamp"))
    if big:
        rows.append((f"{slug}-bootcamp-2", f"런업 데이터스쿨 {profile.short}캠퍼스", "bootcamp"))
    rows.append((f"{slug}-technopark", f"{profile.short}AI혁신파크", "technopark"))
    return tuple(rows)


def programmes_for(region_slug: str, kind: str, industries: list[str]) -> list[ProgrammeSpec]:
    if kind == "university":
        return [ProgrammeSpec("AI융합 전공 트랙", "AI", "대학혁신지원사업", 2023, ((3, 2, 10),), (25, 40)),
                ProgrammeSpec("산학연계 AI 현장실습", "AI", "LINC 3.0 산학협력", 2023, ((7, 1, 6),), (15, 25))]
    if kind == "bootcamp":
        terms = ((3, 4, 6), (9, 1, 6))
        return [ProgrammeSpec("AI 엔지니어 부트캠프", "AI", "K-디지털 트레이닝 (고용노동부)", 2023, terms, (25, 35)),
                ProgrammeSpec("데이터 분석·MLOps 실무과정", "Data", "K-디지털 트레이닝 (고용노동부)", 2023, terms, (20, 30))]
    specs = [ProgrammeSpec("제조 AI 재직자 역량강화", "Manufacturing AI", "지역산업 재직자 교육", 2023,
                           ((4, 1, 3), (9, 1, 3)), (15, 25))]
    if region_slug in PROGRAMME_YEAR:
        focus = "·".join(industries[:3])
        specs.append(ProgrammeSpec(f"{focus} 도메인 AI 인력양성", "Domain AI", AI_TRANSFORMATION,
                                   PROGRAMME_YEAR[region_slug], ((3, 3, 5), (8, 1, 5)), (20, 30)))
    return specs


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))

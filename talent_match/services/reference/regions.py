"""Regions: lookup by any of the names people use, and the reference list shipped with the package."""
from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Region
from ..errors import ValidationFailed
from ..messages import msg

REGIONS_CSV = Path(__file__).resolve().parents[2] / "data" / "regions.csv"

# Other names seen in spreadsheets beside the official ones: short Korean forms ("경남", "서울시"), official
# romanisations ("Gyeongsangnam-do", "Busan Metropolitan City") and older names (강원도 before 2023).
_SHORT_KO = {
    "seoul": ["서울", "서울시"], "busan": ["부산", "부산시"], "daegu": ["대구", "대구시"], "incheon": ["인천", "인천시"],
    "gwangju": ["광주", "광주시"], "daejeon": ["대전", "대전시"], "ulsan": ["울산", "울산시"], "sejong": ["세종", "세종시"],
    "gyeonggi": ["경기"], "gangwon": ["강원", "강원도"], "chungbuk": ["충북", "충청북도"], "chungnam": ["충남"],
    "jeonbuk": ["전북", "전라북도"], "jeonnam": ["전남"], "gyeongbuk": ["경북"], "gyeongnam": ["경남"],
    "jeju": ["제주", "제주도"],
}
_CITY_KINDS = {"seoul": "Special City", "sejong": "Special Self-Governing City"}
_OFFICIAL_EN = {
    "gyeonggi": ["Gyeonggi-do", "Gyeonggi Province"],
    "gangwon": ["Gangwon-do", "Gangwon Province", "Gangwon State", "Gangwon Special Self-Governing Province"],
    "chungbuk": ["Chungcheongbuk-do", "North Chungcheong Province", "Chungbuk"],
    "chungnam": ["Chungcheongnam-do", "South Chungcheong Province", "Chungnam"],
    "jeonbuk": ["Jeollabuk-do", "North Jeolla Province", "Jeonbuk State", "Jeonbuk",
                "Jeonbuk Special Self-Governing Province"],
    "jeonnam": ["Jeollanam-do", "South Jeolla Province", "Jeonnam"],
    "gyeongbuk": ["Gyeongsangbuk-do", "North Gyeongsang Province", "Gyeongbuk"],
    "gyeongnam": ["Gyeongsangnam-do", "South Gyeongsang Province", "Gyeongnam"],
    "jeju": ["Jeju-do", "Jeju Province", "Jeju Special Self-Governing Province"],
}


def _english_names(row: dict) -> list[str]:
    """Official romanisations of a city ("Busan Metropolitan City", "Busan-si") or a province (_OFFICIAL_EN)."""
    slug, name = row["slug"], row["name_en"]
    if row["kind"].endswith("city"):
        return [f"{name} {_CITY_KINDS.get(slug, 'Metropolitan City')}", f"{name}-si", f"{name} City"]
    return _OFFICIAL_EN.get(slug, [])


def reference_rows() -> list[dict]:
    """The 17 regions as shipped in data/regions.csv."""
    with REGIONS_CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold().replace(" ", "")


@lru_cache(maxsize=1)
def _handles() -> dict[str, str]:
    handles: dict[str, str] = {}
    for row in reference_rows():
        slug = row["slug"]
        for name in (slug, row["name_ko"], row["name_en"], row["admin_code"], row["iso_3166_2"],
                     *_SHORT_KO.get(slug, []), *_english_names(row)):
            handles[_key(name)] = slug
    return handles


def slug_for(value: str) -> str | None:
    """The slug for a slug, Korean or English name, or short Korean form; None when unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _handles().get(_key(value))


def region_by_handle(session: Session, value, field: str = "region") -> Region:
    slug = slug_for(value) if isinstance(value, str) else None
    if slug is None and (value is None or (isinstance(value, str) and not value.strip())):
        raise ValidationFailed({field: [msg("is required: a region slug such as 'gyeongnam' or a name such as "
                                            "'경상남도'")]})
    if slug is None:
        raise ValidationFailed({field: [unknown_region(str(value))]})
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:  # the data migration has not run
        raise ValidationFailed({field: [msg("region {region} is not loaded; run `flask db upgrade`", region=slug)]})
    return region


def unknown_region(text: str):
    """What to say about a region name nobody knows, the same wherever regions are read."""
    return msg("unknown region {value}; use a slug such as 'gyeongnam' or a Korean or English name such as "
               "'경상남도'", value=repr(text[:40]))


def all_regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.admin_code)))

"""Where demo people and firms are: population, cities, neighbours, industries and how well each region keeps talent.

Population is the 2024 resident count in units of 10,000. Retention figures are invented but shaped by the story
the platform exists to measure: non-capital regions lose some trainees to Seoul and Gyeonggi within a year, and
regions with strong programmes (Gyeongnam, Ulsan) keep more of them at home.
"""
from __future__ import annotations

from dataclasses import dataclass

CAPITAL = ("seoul", "gyeonggi", "incheon")
# Regions of the region-led AI transformation programme, by the year their two-year grant began.
PROGRAMME_YEAR = {"gyeongnam": 2025, "daegu": 2025, "ulsan": 2025, "jeonnam": 2025, "jeju": 2025,
                  "gangwon": 2026, "chungnam": 2026}


@dataclass(frozen=True)
class RegionProfile:
    short: str                      # how Korean postings abbreviate the region: 경남, 서울
    population: int                 # 10,000 residents
    cities: tuple[tuple[str, str], ...]   # (city as written in an address, tag used in titles)
    neighbours: tuple[str, ...]
    industries: tuple[tuple[str, int], ...]   # (industry key in industries.INDUSTRIES, weight)
    stay: float                     # chance a placed trainee is with the same employer three months on
    capital_pull: float             # share of those who move who go to the capital area
    first_outside: float            # share placed outside the region straight after training
    place_words: tuple[str, ...]    # local words for invented company and institution names


REGIONS: dict[str, RegionProfile] = {
    "seoul": RegionProfile(
        "서울", 935, (("강남구", "서울 강남"), ("서초구", "서울 서초"), ("마포구", "서울 마포"), ("성동구", "서울 성수"),
                    ("구로구", "서울 구로"), ("금천구", "서울 가산")),
        ("gyeonggi", "incheon"),
        (("it_services", 4), ("ai_startup", 3), ("finance", 2), ("healthcare", 1), ("beauty", 1)),
        0.89, 0.0, 0.05, ("한강", "남산", "북악", "청계")),
    "busan": RegionProfile(
        "부산", 327, (("해운대구", "부산 센텀"), ("강서구", "부산 강서"), ("사상구", "부산 사상"), ("영도구", "부산 영도"),
                    ("부산진구", "부산 서면")),
        ("ulsan", "gyeongnam"),
        (("logistics", 3), ("shipbuilding", 2), ("marine", 2), ("tourism", 1), ("it_services", 1)),
        0.89, 0.40, 0.25, ("해운", "동백", "금정", "오륙도")),
    "daegu": RegionProfile(
        "대구", 236, (("동구", "대구 신서"), ("달서구", "대구 성서"), ("북구", "대구 북구"), ("수성구", "대구 수성알파시티")),
        ("gyeongbuk", "gyeongnam"),
        (("ai_startup", 3), ("robotics", 2), ("medical_devices", 2), ("automotive", 1), ("machinery", 1)),
        0.90, 0.40, 0.22, ("달구벌", "팔공", "신천")),
    "incheon": RegionProfile(
        "인천", 302, (("연수구", "인천 송도"), ("서구", "인천 서구"), ("남동구", "인천 남동"), ("중구", "인천 영종")),
        ("seoul", "gyeonggi"),
        (("bio", 3), ("logistics", 2), ("aviation", 2), ("it_services", 1)),
        0.88, 0.0, 0.05, ("송도", "미추홀", "월미")),
    "gwangju": RegionProfile(
        "광주", 141, (("북구", "광주 첨단"), ("광산구", "광주 하남"), ("남구", "광주 남구")),
        ("jeonnam", "jeonbuk"),
        (("ai_startup", 3), ("automotive", 2), ("energy", 2), ("it_services", 1)),
        0.88, 0.50, 0.28, ("무등", "빛고을", "첨단")),
    "daejeon": RegionProfile(
        "대전", 144, (("유성구", "대전 대덕"), ("대덕구", "대전 대덕구"), ("서구", "대전 둔산")),
        ("sejong", "chungnam", "chungbuk"),
        (("research", 3), ("semiconductors", 2), ("defence", 2), ("it_services", 1)),
        0.89, 0.45, 0.25, ("한밭", "대덕", "갑천")),
    "ulsan": RegionProfile(
        "울산", 110, (("남구", "울산 남구"), ("북구", "울산 북구"), ("동구", "울산 동구"), ("울주군", "울산 울주")),
        ("busan", "gyeongnam", "gyeongbuk"),
        (("automotive", 3), ("shipbuilding", 3), ("petrochemicals", 3), ("machinery", 1)),
        0.94, 0.25, 0.12, ("태화", "문수", "처용")),
    "sejong": RegionProfile(
        "세종", 39, (("세종시", "세종"),),
        ("daejeon", "chungnam", "chungbuk"),
        (("smart_city", 3), ("public_admin", 2), ("it_services", 1)),
        0.88, 0.50, 0.30, ("금강", "조치원", "호수")),
    "gyeonggi": RegionProfile(
        "경기", 1370, (("성남시", "판교"), ("수원시", "수원"), ("화성시", "화성"), ("용인시", "용인"), ("평택시", "평택"),
                     ("안산시", "안산"), ("이천시", "이천")),
        ("seoul", "incheon", "gangwon", "chungbuk", "chungnam"),
        (("semiconductors", 3), ("it_services", 3), ("machinery", 2), ("electronics", 1), ("bio", 1),
         ("logistics", 1)),
        0.89, 0.0, 0.05, ("판교", "광교", "한내", "수원")),
    "gangwon": RegionProfile(
        "강원", 152, (("춘천시", "춘천"), ("원주시", "원주"), ("강릉시", "강릉")),
        ("gyeonggi", "chungbuk", "gyeongbuk"),
        (("healthcare", 3), ("bio", 2), ("medical_devices", 2), ("tourism", 1)),
        0.86, 0.60, 0.35, ("설악", "치악", "소양")),
    "chungbuk": RegionProfile(
        "충북", 159, (("청주시", "청주 오창"), ("충주시", "충주"), ("음성군", "음성"), ("진천군", "진천")),
        ("daejeon", "sejong", "chungnam", "gyeonggi", "gangwon", "gyeongbuk"),
        (("batteries", 3), ("semiconductors", 2), ("bio", 2)),
        0.89, 0.50, 0.28, ("청풍", "오송", "미호")),
    "chungnam": RegionProfile(
        "충남", 214, (("천안시", "천안"), ("아산시", "아산 탕정"), ("당진시", "당진"), ("서산시", "서산")),
        ("daejeon", "sejong", "chungbuk", "gyeonggi", "jeonbuk"),
        (("display", 3), ("semiconductors", 3), ("automotive", 1), ("petrochemicals", 1), ("machinery", 1)),
        0.90, 0.45, 0.25, ("계룡", "온양", "예당")),
    "jeonbuk": RegionProfile(
        "전북", 173, (("전주시", "전주"), ("익산시", "익산"), ("군산시", "군산"), ("완주군", "완주")),
        ("chungnam", "jeonnam", "gwangju", "gyeongnam"),
        (("agrifood", 3), ("bio", 2), ("carbon_materials", 2), ("automotive", 1)),
        0.86, 0.55, 0.35, ("모악", "만경", "새만금")),
    "jeonnam": RegionProfile(
        "전남", 179, (("나주시", "나주 혁신도시"), ("여수시", "여수"), ("순천시", "순천"), ("광양시", "광양"), ("목포시", "목포")),
        ("gwangju", "jeonbuk", "gyeongnam"),
        (("materials", 3), ("energy", 3), ("bio", 2), ("petrochemicals", 1), ("steel", 1)),
        0.88, 0.50, 0.30, ("영산", "순천만", "다도해")),
    "gyeongbuk": RegionProfile(
        "경북", 253, (("포항시", "포항"), ("구미시", "구미"), ("경산시", "경산"), ("안동시", "안동")),
        ("daegu", "ulsan", "gangwon", "chungbuk", "gyeongnam"),
        (("steel", 3), ("electronics", 3), ("batteries", 2)),
        0.90, 0.40, 0.22, ("금오", "형산", "낙동")),
    "gyeongnam": RegionProfile(
        "경남", 324, (("창원시", "창원"), ("김해시", "김해"), ("진주시", "진주"), ("사천시", "사천"), ("거제시", "거제"),
                     ("양산시", "양산")),
        ("busan", "ulsan", "daegu", "jeonnam", "gyeongbuk"),
        (("machinery", 3), ("aerospace", 3), ("defence", 2), ("shipbuilding", 1)),
        0.94, 0.25, 0.12, ("가야", "창원", "남강", "지리산")),
    "jeju": RegionProfile(
        "제주", 67, (("제주시", "제주"), ("서귀포시", "서귀포")),
        ("jeonnam",),
        (("bio", 2), ("healthcare", 1), ("agrifood", 2), ("beauty", 2), ("tourism", 2)),
        0.85, 0.60, 0.35, ("한라", "탐라", "올레")),
}

SLUGS = tuple(REGIONS)


def accepted_regions(rng, home: str) -> list[str]:
    """Regions a seeker from `home` will also work in: neighbours often, the capital sometimes, rarely far away."""
    profile = REGIONS[home]
    accepted = [n for n in profile.neighbours if rng.random() < (0.6 if home not in CAPITAL else 0.75)]
    if home not in CAPITAL:
        if rng.random() < 0.25:
            accepted.append("seoul")
        if rng.random() < 0.15 and "gyeonggi" not in accepted:
            accepted.append("gyeonggi")
    else:
        for slug in PROGRAMME_YEAR:
            if rng.random() < 0.03:
                accepted.append(slug)
    return [slug for slug in dict.fromkeys(accepted) if slug != home]


def region_weights(programme_boost: float = 1.3) -> list[float]:
    """Population weights, a little higher where the programme draws people onto the platform."""
    return [REGIONS[s].population * (programme_boost if s in PROGRAMME_YEAR else 1.0) for s in SLUGS]

"""Job seekers of every kind: bootcamp graduates, university students and graduates, incumbent workers reskilling.

Home regions follow population; accepted regions are neighbours, sometimes the capital. About half opt in to being
discoverable, and each of those has the consent row that makes it lawful.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from .common import Context, josa, weighted
from .geography import REGIONS, SLUGS, accepted_regions, region_weights
from .industries import INDUSTRIES
from .institutions import institutions_for
from .people import (CERTIFICATIONS, FREE_TEXT_SKILLS, INCUMBENT_JOBS, INCUMBENT_SKILLS, KIND_SHARES, MAJORS,
                     PROJECTS, TRACK_ROLE, TRACK_ROLES_ALT, TRACKS_BY_KIND)
from .roles import TRACKS

DISCOVERABLE_SHARE = {"bootcamp_graduate": 0.6, "university": 0.45, "incumbent_worker": 0.4}
ANCHOR_TRACKS = ("vision", "mlops", "data_eng", "vision", "predictive")
COMMON_SKILLS = ("Git", "SQL", "Linux", "Python")


@dataclass(slots=True)
class SeekerInfo:
    user_id: int
    profile_id: int
    name: str
    email: str
    region: str
    kind: str
    track: str
    discoverable: bool
    regions: tuple[str, ...]   # home first, then accepted


@dataclass(frozen=True)
class Draft:
    """A seeker to write; the demo seeker is one with every field chosen."""
    kind: str
    home: str
    track: str
    name: str = ""
    email: str = ""
    password_hash: str | None = None
    accepted: tuple[str, ...] | None = None
    discoverable: bool | None = None
    years: int | None = None
    skills: tuple[str, ...] = ()
    headline: str = ""
    summary: str = ""
    education: str = ""


def generate_seekers(ctx: Context, count: int, demo: Draft | None, anchors: int = 5) -> list[SeekerInfo]:
    """`count` seekers including the demo one; the first few after it are discoverable Gyeongnam candidates."""
    rng = ctx.rng("seekers")
    cumulative = list(itertools.accumulate(region_weights()))
    seekers = [write_seeker(ctx, rng, demo)] if demo else []
    for index in range(len(seekers), count):
        if index <= anchors:
            kind = "bootcamp_graduate" if index % 2 else "university"
            draft = Draft(kind, "gyeongnam", ANCHOR_TRACKS[index % len(ANCHOR_TRACKS)], discoverable=True)
        else:
            kind = weighted(rng, KIND_SHARES)
            draft = Draft(kind, rng.choices(SLUGS, cum_weights=cumulative)[0], weighted(rng, TRACKS_BY_KIND[kind]))
        seekers.append(write_seeker(ctx, rng, draft))
    return seekers


def write_seeker(ctx: Context, rng, draft: Draft) -> SeekerInfo:
    kind, home, track = draft.kind, draft.home, draft.track
    user_id = ctx.sink.new_id("user")
    if draft.name:
        name, email = draft.name, draft.email
    else:
        name, roman = ctx.person(rng)
        email = f"{roman}.{user_id}@mail.example.com"
    created_day = ctx.day_between(rng, ctx.today - timedelta(days=600), ctx.today - timedelta(days=1))
    created = ctx.moment(rng, created_day)
    ctx.user(role="seeker", email=email, name=name, created=created, password_hash=draft.password_hash,
             user_id=user_id)
    accepted = list(draft.accepted if draft.accepted is not None else accepted_regions(rng, home))
    discoverable = draft.discoverable if draft.discoverable is not None else (
        rng.random() < DISCOVERABLE_SHARE[kind])
    years = draft.years if draft.years is not None else _years(rng, kind)
    industry = INDUSTRIES[weighted(rng, REGIONS[home].industries)]
    labels = list(draft.skills) or _skill_labels(rng, kind, track)
    spoken = [ctx.skills.spoken(rng, label) for label in labels]
    institutions = {k: n for _, n, k in institutions_for(home)}
    project = rng.choice(PROJECTS[track])
    major = rng.choice(MAJORS[kind])
    profile_id = ctx.sink.new_id("seeker_profile")
    salary = _desired_salary(rng, kind, years)
    certifications = rng.sample(CERTIFICATIONS[track], k=rng.randint(0, min(2, len(CERTIFICATIONS[track]))))
    ctx.sink.add("seeker_profile", {
        "id": profile_id, "user_id": user_id, "kind": kind, "home_region_id": ctx.region_ids[home],
        "headline": draft.headline or _headline(rng, kind, track, years, industry.label, spoken),
        "summary": draft.summary or _summary(rng, kind, track, years, home, industry.label, institutions, project,
                                             spoken, major),
        "years_experience": years,
        "education": draft.education or _education(rng, kind, institutions, created_day, major),
        "certifications": ", ".join(certifications),
        "desired_roles": ", ".join(dict.fromkeys((TRACK_ROLE[track], TRACK_ROLES_ALT[track]))),
        "desired_salary_min": salary[0], "desired_salary_max": salary[1],
        "work_mode": rng.choice((None, "onsite", "onsite", "hybrid", "hybrid", "remote")),
        "discoverable": discoverable,
        "cv_text": _cv(rng, track, project, spoken, certifications) if rng.random() < 0.4 else "",
        "created_at": created, "updated_at": created})
    for slug in accepted:
        ctx.sink.add("profile_accepted_region", {"profile_id": profile_id, "region_id": ctx.region_ids[slug]})
    seen: set[str] = set()
    for raw in labels:
        label, skill_id = ctx.skills.resolve(raw)
        if label.casefold() not in seen:
            seen.add(label.casefold())
            ctx.sink.add("profile_skill", {"id": ctx.sink.new_id("profile_skill"), "profile_id": profile_id,
                                           "skill_id": skill_id, "label": label})
    if discoverable:
        ctx.consent(user_id, "discoverable", True, created + timedelta(minutes=rng.randint(2, 600)))
    elif rng.random() < 0.05:  # opted in once, then withdrew
        ctx.consent(user_id, "discoverable", True, created + timedelta(days=1))
        ctx.consent(user_id, "discoverable", False, created + timedelta(days=rng.randint(2, 60)))
    return SeekerInfo(user_id, profile_id, name, email, home, kind, track, discoverable, (home, *accepted))


def _years(rng, kind: str) -> int:
    if kind == "incumbent_worker":
        return round(rng.triangular(2, 20, 7))
    if kind == "bootcamp_graduate":
        roll = rng.random()
        return 0 if roll < 0.7 else rng.randint(1, 3) if roll < 0.9 else rng.randint(4, 8)
    return 0 if rng.random() < 0.9 else rng.randint(1, 2)


def _skill_labels(rng, kind: str, track: str) -> list[str]:
    spec = TRACKS[track]
    labels = [s for s in spec.required_skills if rng.random() < 0.85]
    labels += [s for s in spec.preferred_skills if rng.random() < 0.4]
    labels += [s for s in COMMON_SKILLS if rng.random() < 0.3]
    if kind == "incumbent_worker":
        labels += rng.sample(INCUMBENT_SKILLS, k=rng.randint(1, 3))
    if rng.random() < 0.1:
        labels.append(rng.choice(FREE_TEXT_SKILLS))
    return list(dict.fromkeys(labels))[:12] or ["Python"]


def _desired_salary(rng, kind: str, years: int) -> tuple[int | None, int | None]:
    if rng.random() < 0.3:
        return None, None
    base = {"bootcamp_graduate": 3200, "university": 3400}.get(kind, 3800 + 150 * min(years, 15))
    floor = round(base * rng.uniform(0.9, 1.15) / 100) * 100
    return floor * 10_000, (floor + rng.choice((500, 800, 1000, 1500))) * 10_000


def _headline(rng, kind, track, years, industry, spoken) -> str:
    tools = " · ".join(spoken[:3])
    if kind == "incumbent_worker":
        return f"{industry} 현장 {years}년차, {TRACK_ROLE[track]}로 전환 중 | {tools}"
    if kind == "university":
        return f"{TRACK_ROLE[track]} 지망 {rng.choice(('졸업예정자', '대학원생', '신입', '4학년'))} | {tools}"
    return f"{TRACK_ROLE[track]} 지망 (AI 부트캠프 수료) | {tools}"


def _summary(rng, kind, track, years, home, industry, institutions, project, spoken, major) -> str:
    short = REGIONS[home].short
    skills = ", ".join(spoken[:5])
    if kind == "incumbent_worker":
        return (f"{industry} 분야 중소기업에서 {years}년간 {josa(rng.choice(INCUMBENT_JOBS), '으로', '로')} 일했습니다. "
                f"{institutions['technopark']} 재직자 AI 과정에서 Python과 머신러닝을 익혔고, {project}. "
                f"현장 경험을 살려 {josa(TRACK_ROLE[track], '으로', '로')} 일하고 싶습니다. 주요 기술: {skills}.")
    if kind == "university":
        return (f"{institutions['university']} {major} 전공으로 AI를 공부했습니다. {project}. "
                f"졸업 후 {short} 또는 인근 지역의 {industry} 기업에서 {josa(TRACK_ROLE[track], '으로', '로')} 일하고 싶습니다. "
                f"주요 기술: {skills}.")
    return (f"{institutions['bootcamp']} AI 엔지니어 부트캠프를 수료했습니다. {project}. "
            f"{short} 지역 {industry} 기업의 {TRACK_ROLE[track]} 직무를 희망합니다. 주요 기술: {skills}.")


def _education(rng, kind, institutions, created: date, major: str) -> str:
    if kind == "university":
        return f"{institutions['university']} {major} {rng.choice(('학사 졸업', '학사 졸업예정', '석사 과정'))}"
    degree = f"{major} 학사" if rng.random() < 0.8 else f"{major} 전문학사"
    if kind == "bootcamp_graduate":
        return f"{degree} / {institutions['bootcamp']} 수료 ({created.year})"
    return degree


def _cv(rng, track, project, spoken, certifications) -> str:
    other = rng.choice(PROJECTS[track])
    lines = ["[프로젝트]", f"- {project}"] + ([f"- {other}"] if other != project else [])
    lines += ["[기술스택]", ", ".join(spoken)]
    if certifications:
        lines += ["[자격증]", ", ".join(certifications)]
    return "\n".join(lines)

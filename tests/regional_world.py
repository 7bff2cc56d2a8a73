"""A small country for the dashboard tests: postings, seekers and one institution's trainees in a few regions.

The counts are chosen so that disclosure shows some and hides others: open postings Seoul 7, Gyeongnam 6 (shown),
Ulsan 3 and Busan 2 (hidden; together 5, so no complementary cell is needed); discoverable seekers Gyeongnam 6
(shown), Ulsan 3 and Busan 2 (hidden). Gyeongnam's postings all name Python, five name PyTorch, two SQL; its six
seekers all hold Python and two PyTorch. One institution in Gyeongnam has a cohort of three trainees: every
outcome count of it is below 5.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from talent_match.extensions import db
from talent_match.models import (Company, Institution, Posting, PostingSkill, ProfileSkill, Region, SeekerProfile,
                                 Skill, User)
from talent_match.models.base import utcnow
from talent_match.services.training import records as training

from .conftest import PASSWORD
from .training_world import check, cohort, job, trainee

POSTINGS = {"seoul": 7, "gyeongnam": 6, "ulsan": 3, "busan": 2}
SEEKERS = {"gyeongnam": 6, "ulsan": 3, "busan": 2}
SECRET_NAMES = ("김비밀", "이숨김", "박개인")       # trainees' names: must never reach a public page
SEEKER_NAME = "최구직자"
SEEKER_EMAIL_DOMAIN = "seekers.example.kr"


def region(slug: str) -> Region:
    return db.session.scalar(select(Region).where(Region.slug == slug))


def skill(slug: str) -> Skill:
    return db.session.scalar(select(Skill).where(Skill.slug == slug))


def add_posting(company: Company, region_slug: str, skills=(), status="open") -> Posting:
    posting = Posting(company_id=company.id, title="AI 엔지니어", region_id=region(region_slug).id, status=status)
    for slug in skills:
        found = skill(slug)
        posting.skills.append(PostingSkill(skill_id=found.id, label=found.name_en, required=True))
    db.session.add(posting)
    return posting


@lru_cache(maxsize=1)
def password_hash() -> str:
    """Hashing is slow on purpose; the world's seekers never sign in, so they share one hash."""
    return generate_password_hash(PASSWORD, method="scrypt")


def add_seeker(region_slug: str, skills=(), discoverable=True, index=0) -> User:
    user = User(email=f"s{index}-{region_slug}@{SEEKER_EMAIL_DOMAIN}", role="seeker", name=SEEKER_NAME,
                password_hash=password_hash(), email_verified_at=utcnow())
    user.profile = SeekerProfile(home_region=region(region_slug), discoverable=discoverable)
    db.session.add(user)
    for slug in skills:
        found = skill(slug)
        user.profile.skills.append(ProfileSkill(skill_id=found.id, label=found.name_en))
    return user


def build():
    """The world described above, committed (call inside an app context)."""
    companies = {slug: Company(name=f"{slug} AI 주식회사", region_id=region(slug).id) for slug in POSTINGS}
    db.session.add_all(companies.values())
    db.session.flush()
    for slug, count in POSTINGS.items():
        for i in range(count):
            skills = ["python"] if slug == "gyeongnam" else []
            skills += ["pytorch"] if slug == "gyeongnam" and i < 5 else []
            skills += ["sql"] if slug == "gyeongnam" and i < 2 else []
            add_posting(companies[slug], slug, skills)
    add_posting(companies["gyeongnam"], "gyeongnam", ["python"], status="draft")   # not open: never counted
    index = 0
    for slug, count in SEEKERS.items():
        for i in range(count):
            index += 1
            add_seeker(slug, ["python"] + (["pytorch"] if slug == "gyeongnam" and i < 2 else []), index=index)
    add_seeker("gyeongnam", ["python", "sql"], discoverable=False, index=99)        # private: not counted
    inst = Institution(slug="gn-academy", name="경남 AI 아카데미", region=region("gyeongnam"))
    db.session.add(User(email="inst@academy.example.kr", role="institution", name="담당자", institution=inst,
                        password_hash=password_hash()))
    db.session.flush()
    cohort(db.session, inst, "GN-01", region="gyeongnam", start="2024-01-08", end="2024-06-28")
    for number, name in enumerate(SECRET_NAMES, start=1):
        trainee(db.session, inst, "GN-01", f"T{number}", name=name)
    job(db.session, inst, "T1", "2024-07-15", "gyeongnam")
    job(db.session, inst, "T2", "2024-08-01", "seoul", employer="서울AI")
    for month in (3, 6, 9, 12):
        check(db.session, inst, "T1", month, "employed_same_employer", "gyeongnam")
    check(db.session, inst, "T2", 12, "employed_other_employer", "seoul")
    db.session.commit()
    return training.institution_by_slug(db.session, "gn-academy")

"""Builders for the seeker, employer and application tests: a world of users, profiles and postings."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from talent_match.extensions import db
from talent_match.models import Posting, User
from talent_match.services.hiring import postings, profiles
from talent_match.services.hiring.postings import today_in_korea


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def engine():
    return current_app.extensions.get("search_engine")


def posting_data(**overrides) -> dict:
    data = {"title": "머신러닝 엔지니어", "description": "스마트 팩토리 불량 검출 모델을 만듭니다.",
            "required_skills": ["Python", "머신러닝"], "preferred_skills": ["PyTorch"], "region": "gyeongnam",
            "city": "창원시", "salary_min": 38_000_000, "salary_max": 48_000_000, "employment_type": "full_time",
            "work_mode": "onsite", "status": "open", "min_experience": 0, "openings": 1,
            "deadline": (today_in_korea() + timedelta(days=30)).isoformat()}
    data.update(overrides)
    return data


def make_posting(employer_id: int, **overrides) -> Posting:
    """An open posting of the employer's company (in the current app context), committed."""
    posting = postings.create(db.session, engine(), user(employer_id), posting_data(**overrides))
    db.session.commit()
    return posting


def make_profile(seeker_id: int, **data):
    """Fill in a seeker's profile (in the current app context), committed."""
    base = {"headline": "AI 부트캠프 수료생", "summary": "Python 과 머신러닝 프로젝트 경험", "skills": ["Python"]}
    base.update(data)
    profile = profiles.save_profile(db.session, engine(), user(seeker_id), base)
    db.session.commit()
    return profile

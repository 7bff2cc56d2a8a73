"""Seeker profiles: every field validated, skills normalised through the taxonomy, discoverability opt-in."""
import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import Consent, Skill
from talent_match.services.accounts import consent
from talent_match.services.errors import NotFound, ValidationFailed
from talent_match.services.hiring import profiles
from talent_match.services.matching import pipeline as matching
from talent_match.services.search import indexing

from .jobs_support import engine, make_posting, make_profile, user


def test_korean_and_english_names_of_a_skill_become_one_skill(app_ctx, make_user):
    seeker_id, _ = make_user("seeker")
    profile = make_profile(seeker_id, skills="머신러닝, Machine Learning, machine learning, 파이썬")
    machine_learning = profile.skills[0]
    assert machine_learning.skill_id is not None
    assert [s.skill_id for s in profile.skills].count(machine_learning.skill_id) == 1
    skill = db.session.get(Skill, machine_learning.skill_id)
    assert "machine" in skill.name_en.lower()
    assert len(profile.skills) == 2  # machine learning + Python (파이썬)


def test_unknown_skills_are_kept_as_written(app_ctx, make_user):
    seeker_id, _ = make_user("seeker")
    profile = make_profile(seeker_id, skills=["창원 사투리 음성인식", "  창원 사투리 음성인식 "])
    assert [(s.label, s.skill_id) for s in profile.skills] == [("창원 사투리 음성인식", None)]


def test_every_wrong_field_is_reported_at_once(app_ctx, make_user):
    seeker_id, _ = make_user("seeker")
    with pytest.raises(ValidationFailed) as failure:
        profiles.save_profile(db.session, engine(), user(seeker_id), {
            "kind": "astronaut", "home_region": "Atlantis", "accepted_regions": ["busan", "nowhere"],
            "years_experience": "-1", "desired_salary_min": "50000000", "desired_salary_max": "30000000",
            "work_mode": "moon", "phone": "call me", "summary": "주민번호 900101-1234567"})
    assert set(failure.value.errors) == {"kind", "home_region", "accepted_regions", "years_experience",
                                         "desired_salary_max", "work_mode", "phone", "summary"}


def test_profile_fields_are_saved(app_ctx, make_user):
    seeker_id, _ = make_user("seeker", region="gyeongnam")
    profile = make_profile(seeker_id, kind="incumbent_worker", accepted_regions=["부산", "울산광역시", "gyeongnam"],
                           years_experience="3", desired_salary_min="36,000,000", desired_salary_max=45000000,
                           certifications=["ADsP", "정보처리기사"], desired_roles="ML engineer, 데이터 분석가",
                           work_mode="hybrid", phone="010-1234-5678", education="창원대학교 컴퓨터공학")
    assert profile.kind == "incumbent_worker"
    # The home region is never listed again among the accepted ones.
    assert sorted(r.slug for r in profile.accepted_regions) == ["busan", "ulsan"]
    assert (profile.years_experience, profile.desired_salary_min, profile.desired_salary_max) == \
        (3, 36_000_000, 45_000_000)
    assert profile.certifications == "ADsP, 정보처리기사" and profile.work_mode == "hybrid"
    assert profile.user.phone == "010-1234-5678"


def test_only_seekers_have_profiles(app_ctx, make_user):
    employer_id, _ = make_user("employer")
    with pytest.raises(NotFound):
        profiles.save_profile(db.session, engine(), user(employer_id), {"headline": "x"})


def _granted(seeker_id, item):
    latest = consent.current(db.session, user(seeker_id)).get(item)
    return bool(latest and latest.granted)


def test_discoverability_is_off_until_the_seeker_opts_in_and_the_consent_is_recorded(app_ctx, make_user):
    seeker_id, _ = make_user("seeker")
    profile = make_profile(seeker_id)
    assert profile.discoverable is False
    assert not _granted(seeker_id, "discoverable")
    make_profile(seeker_id, discoverable=True)
    assert _granted(seeker_id, "discoverable")
    make_profile(seeker_id, discoverable=True)  # saving again records nothing new
    rows = db.session.scalars(select(Consent).where(Consent.user_id == seeker_id, Consent.item == "discoverable"))
    assert [c.granted for c in rows] == [True]


def test_withdrawing_discoverability_records_it_and_leaves_employers_searches_at_once(app_ctx, make_user):
    employer_id, _ = make_user("employer", region="gyeongnam")
    seeker_id, _ = make_user("seeker", region="gyeongnam")
    posting = make_posting(employer_id)
    profile = make_profile(seeker_id, skills=["Python", "머신러닝"], discoverable=True)

    def candidates():
        page = matching.for_posting(db.session, engine(), posting, filters={}, sort="score", page=1, per_page=20,
                                    weights=app_ctx.config["MATCH_WEIGHTS"])
        return [item.entity.id for item in page.items]

    def shards():
        return indexing.logged_regions(db.session, "profile", [profile.id]).get(profile.id, set())

    assert profile.id in candidates() and shards() == {profile.home_region_id}
    make_profile(seeker_id, discoverable=False)
    assert shards() == set()  # the removal is in the change log every process replays
    assert not _granted(seeker_id, "discoverable")
    assert [c.granted for c in db.session.scalars(
        select(Consent).where(Consent.user_id == seeker_id, Consent.item == "discoverable"))] == [True, False]
    assert profile.id not in candidates()


def test_skills_found_in_a_text_are_suggested_unless_held(app_ctx, make_user):
    seeker_id, _ = make_user("seeker")
    profile = make_profile(seeker_id, skills=["Python"])
    suggestions = profiles.suggest_skills(db.session, profile, "Python 과 PyTorch 로 머신러닝 모델을 만들었습니다")
    assert [ref.slug for ref in suggestions] == ["pytorch", "machine-learning"]

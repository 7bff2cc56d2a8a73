"""The seeker's pages: profile, matches, posting, applications (who enters: tests/test_page_audiences.py)."""
import re

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import Application, Consent, HiddenPosting, MatchFeedback, SeekerProfile

from .jobs_support import make_posting, make_profile
from .page_support import english, filled

PROFILE = {"kind": "bootcamp_graduate", "home_region": "gyeongnam", "accepted_regions": ["busan"],
           "headline": "AI 부트캠프 수료생", "summary": "불량 검출 모델을 만들었습니다.", "skills": "Python, 머신러닝",
           "years_experience": "1", "education": "", "certifications": "", "desired_roles": "ML engineer",
           "desired_salary_min": "36,000,000", "desired_salary_max": "", "work_mode": "", "phone": ""}


def test_the_profile_form_saves_and_records_the_discoverability_consent(app, login_as):
    client, user_id = login_as("seeker")
    response = client.post("/seekers/profile", data=filled(PROFILE, discoverable="y", phone="010-1234-5678"))
    assert response.status_code == 302
    with app.app_context():
        profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user_id))
        assert profile.discoverable and profile.desired_salary_min == 36_000_000
        assert [r.slug for r in profile.accepted_regions] == ["busan"]
        assert {s.label for s in profile.skills} == {"Python", "Machine Learning"}
        assert db.session.scalar(select(Consent.granted).where(Consent.user_id == user_id,
                                                               Consent.item == "discoverable")) is True
    page = client.get("/seekers/profile").get_data(as_text=True)
    assert 'value="010-1234-5678"' in page and 'checked id="discoverable"' in page


def test_profile_errors_are_shown_beside_their_fields(login_as):
    client, _ = login_as("seeker")
    response = english(client).post("/seekers/profile", data=filled(
        PROFILE, desired_salary_min="50000000", desired_salary_max="30000000", years_experience="lots", phone="12"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("desired_salary_max", "years_experience", "phone"):
        assert f'id="{field}-err"' in page and re.search(f'aria-describedby="[^"]*{field}-err"', page)
    assert 'aria-describedby="years_experience-help years_experience-err"' in page  # its help is read out too
    assert "must not be below desired_salary_min" in page


def test_matches_show_postings_in_the_seekers_regions_with_their_reasons(app, login_as, make_user):
    client, seeker_id = login_as("seeker", region="gyeongnam")
    employer_id, _ = make_user("employer", region="gyeongnam", company="창원정밀")
    seoul_id, _ = make_user("employer", region="seoul", company="서울AI")
    with app.app_context():
        make_profile(seeker_id, skills=["Python", "머신러닝"])
        make_posting(employer_id, title="비전 검사 엔지니어")
        make_posting(seoul_id, title="서울 데이터 과학자", region="seoul")
    page = client.get("/seekers/").get_data(as_text=True)
    assert "비전 검사 엔지니어" in page and "창원정밀" in page
    assert "서울 데이터 과학자" not in page
    assert 'class="score-parts"' in page and "region-reason" in page



def test_an_english_page_names_regions_and_skills_in_english(app, login_as, make_user):
    client, seeker_id = login_as("seeker", region="gyeongnam")
    employer_id, _ = make_user("employer", region="gyeongnam")
    with app.app_context():
        make_profile(seeker_id)
        posting_id = make_posting(employer_id, title="Vision engineer", description="Defect detection",
                                  required_skills=["머신러닝"], city="").id
    page = english(client).get(f"/seekers/postings/{posting_id}").get_data(as_text=True)
    assert "South Gyeongsang" in page and "Machine Learning" in page
    assert "경상남도" not in page and "머신러닝" not in page

def test_not_interested_hides_a_posting_and_ratings_are_kept(app, login_as, make_user):
    client, seeker_id = login_as("seeker")
    employer_id, _ = make_user("employer")
    with app.app_context():
        make_profile(seeker_id)
        posting_id = make_posting(employer_id).id
    assert client.post(f"/seekers/postings/{posting_id}/rate", data={"rating": "4", "score": "0.61"}).status_code \
        == 302
    assert client.post(f"/seekers/postings/{posting_id}/hide").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(HiddenPosting.posting_id)) == posting_id
        assert db.session.scalar(select(MatchFeedback.rating)) == 4


def test_a_seeker_applies_from_the_posting_page_and_withdraws(app, login_as, make_user):
    client, seeker_id = login_as("seeker")
    employer_id, _ = make_user("employer")
    with app.app_context():
        posting_id = make_posting(employer_id, title="데이터 엔지니어").id
    page = client.get(f"/seekers/postings/{posting_id}").get_data(as_text=True)
    assert "데이터 엔지니어" in page and 'name="note"' in page
    response = client.post(f"/seekers/postings/{posting_id}/apply", data={"note": "관심 있습니다"})
    assert response.status_code == 302
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert (application.status, application.note) == ("applied", "관심 있습니다")
        application_id = application.id
    page = client.get("/seekers/applications").get_data(as_text=True)
    assert "데이터 엔지니어" in page and f"/seekers/applications/{application_id}/withdrawn" in page
    assert client.post(f"/seekers/applications/{application_id}/withdrawn").status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).status == "withdrawn"
    # A seeker cannot make the employer's moves, even by URL.
    assert client.post(f"/seekers/applications/{application_id}/reviewing").status_code == 404


def test_a_seeker_cannot_see_drafts_or_others_applications(app, login_as, make_user):
    client, _ = login_as("seeker")
    employer_id, _ = make_user("employer")
    other_id, _ = make_user("seeker")
    with app.app_context():
        draft_id = make_posting(employer_id, status="draft").id
        open_id = make_posting(employer_id).id
        from talent_match.services.hiring import applications

        from .jobs_support import user
        application_id = applications.apply(db.session, user(other_id), open_id).id
        db.session.commit()
    assert client.get(f"/seekers/postings/{draft_id}").status_code == 404
    assert client.post(f"/seekers/applications/{application_id}/withdrawn").status_code == 404


def test_a_refusal_from_the_domain_is_flashed_in_korean(app, login_as, make_user):
    client, _ = login_as("seeker")
    employer_id, _ = make_user("employer")
    with app.app_context():
        posting_id = make_posting(employer_id).id
    assert client.post(f"/seekers/postings/{posting_id}/apply", data={"note": ""}).status_code == 302
    again = client.post(f"/seekers/postings/{posting_id}/apply", data={"note": ""}, follow_redirects=True)
    assert "이미 이 공고에 지원했습니다 (상태: applied)." in again.get_data(as_text=True)


@pytest.mark.parametrize("lang, title", [("ko", "해당 공고를 찾을 수 없습니다."), ("en", "No such posting.")])
def test_the_error_page_names_the_domain_refusal_in_the_readers_language(app, login_as, make_user, lang, title):
    client, _ = login_as("seeker")
    employer_id, _ = make_user("employer")
    with app.app_context():
        draft_id = make_posting(employer_id, status="draft").id
    client.post(f"/lang/{lang}", data={"next": "/"})
    page = client.get(f"/seekers/postings/{draft_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and f"<h1>{title}</h1>" in html


def test_a_new_seeker_is_guided_through_the_profile_before_any_match(app, login_as, make_user):
    client, _ = login_as("seeker")
    employer_id, _ = make_user("employer")
    with app.app_context():
        make_posting(employer_id, title="비전 검사 엔지니어")
    page = english(client).get("/seekers/").get_data(as_text=True)
    assert "Start with your profile" in page and "0 of 5 steps done" in page
    assert "비전 검사 엔지니어" not in page and "Match " not in page  # no rough matches at 11%
    assert "reduced mode" not in page and 'class="notice' not in page  # nothing alarming about a normal state
    assert 'href="/seekers/profile"' in page and 'href="/seekers/cv"' in page


def test_matches_appear_once_the_profile_names_skills_with_what_is_still_to_do(app, login_as, make_user):
    client, seeker_id = login_as("seeker")
    employer_id, _ = make_user("employer")
    with app.app_context():
        make_posting(employer_id, title="비전 검사 엔지니어")
        make_profile(seeker_id, skills=["Python"], headline="", summary="")
    page = english(client).get("/seekers/").get_data(as_text=True)
    assert "비전 검사 엔지니어" in page and "1 of 5 steps done" in page
    still = page.split("Still to do:")[1].split("</p>")[0]
    assert "About you, or your CV" in still and "Your skills" not in still

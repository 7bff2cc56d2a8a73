"""The employer's pages: dashboard, posting form, candidates and pipeline, company, and the "still employed?"
confirmations of their platform hires. Each employer only into their own company's postings and hires."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import Application, AuditEvent, Company, FollowUp, Placement, Posting, SeekerProfile
from talent_match.services.hiring import applications
from talent_match.services.hiring.postings import today_in_korea
from talent_match.services.training import records as training

from .conftest import login
from .jobs_support import make_posting, make_profile, user
from .page_support import english, filled
from .training_world import cohort, platform_hire, trainee

POSTING = {"title": "비전 검사 엔지니어", "description": "스마트 팩토리 불량 검출",
           "required_skills": "Python, 머신러닝", "preferred_skills": "PyTorch", "min_experience": "0",
           "salary_min": "38,000,000", "salary_max": "48,000,000", "employment_type": "full_time",
           "work_mode": "onsite", "region": "gyeongnam", "city": "창원시", "openings": "2", "deadline": "",
           "status": "open"}


def test_a_posting_is_created_from_the_form_and_listed_on_the_dashboard(app, login_as):
    client, employer_id = login_as("employer")
    response = client.post("/employers/postings/new", data=POSTING)
    assert response.status_code == 302
    with app.app_context():
        posting = db.session.scalar(select(Posting))
        assert (posting.title, posting.openings, posting.salary_min, posting.status) == \
            ("비전 검사 엔지니어", 2, 38_000_000, "open")
        assert [s.label for s in posting.required_skills] == ["Python", "Machine Learning"]
    assert response.headers["Location"].endswith(f"/employers/postings/{posting.id}")
    dashboard = client.get("/employers/").get_data(as_text=True)
    assert "비전 검사 엔지니어" in dashboard and f"/employers/postings/{posting.id}/edit" in dashboard


def test_posting_errors_are_shown_beside_their_fields(app, login_as):
    client, _ = login_as("employer")
    response = english(client).post("/employers/postings/new", data=filled(
        POSTING, title="", salary_min="9", salary_max="1", openings="0", deadline="2026-13-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("title", "salary_max", "openings", "deadline"):
        assert f'id="{field}-err"' in page, field
    assert "is required" in page
    with app.app_context():
        assert db.session.scalar(select(Posting)) is None


def test_another_companys_posting_answers_404_everywhere(app, login_as, make_user):
    owner_id, _ = make_user("employer", company="창원정밀")
    with app.app_context():
        posting_id = make_posting(owner_id).id
    client, _ = login_as("employer", company="부산로보틱스")
    for page in (f"/employers/postings/{posting_id}", f"/employers/postings/{posting_id}/edit"):
        assert client.get(page).status_code == 404, page
    assert client.post(f"/employers/postings/{posting_id}/edit", data=filled(POSTING, title="탈취")).status_code == 404
    with app.app_context():
        assert db.session.get(Posting, posting_id).title == "머신러닝 엔지니어"


def test_a_colleague_edits_the_companys_posting(app, login_as, make_user):
    owner_id, _ = make_user("employer", company="창원정밀")
    with app.app_context():
        posting_id = make_posting(owner_id).id
    client, _ = login_as("employer", company="창원정밀")
    assert client.get(f"/employers/postings/{posting_id}/edit").status_code == 200
    response = client.post(f"/employers/postings/{posting_id}/edit", data=filled(POSTING, title="수정된 제목"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Posting, posting_id).title == "수정된 제목"


@pytest.fixture
def hiring(app, login_as, make_user):
    """A signed-in Gyeongnam employer with an open posting; one discoverable local seeker, one hidden, one far."""
    client, employer_id = login_as("employer", region="gyeongnam", company="창원정밀")
    local_id, local_email = make_user("seeker", region="gyeongnam", name="김하나")
    hidden_id, _ = make_user("seeker", region="gyeongnam")
    far_id, _ = make_user("seeker", region="seoul")
    with app.app_context():
        posting_id = make_posting(employer_id).id
        local = make_profile(local_id, headline="비전 AI 개발자", skills=["Python", "머신러닝"], discoverable=True,
                             phone="010-2222-3333").id
        make_profile(hidden_id, headline="숨은 후보", skills=["Python", "머신러닝"])
        make_profile(far_id, headline="서울 후보", skills=["Python", "머신러닝"], discoverable=True)
    return {"client": client, "employer_id": employer_id, "posting_id": posting_id, "local": local,
            "local_user": local_id, "local_email": local_email}


def test_candidates_are_discoverable_people_in_the_postings_region_with_contacts_hidden(hiring):
    page = hiring["client"].get(f"/employers/postings/{hiring['posting_id']}").get_data(as_text=True)
    assert "비전 AI 개발자" in page
    assert "숨은 후보" not in page and "서울 후보" not in page
    assert 'class="score-parts"' in page
    assert f"/employers/postings/{hiring['posting_id']}/invite/{hiring['local']}" in page
    assert hiring["local_email"] not in page and "010-2222-3333" not in page


def test_viewing_a_candidate_is_audited_without_personal_data(app, hiring):
    url = f"/employers/postings/{hiring['posting_id']}/candidates/{hiring['local']}"
    page = hiring["client"].get(url).get_data(as_text=True)
    assert "비전 AI 개발자" in page and hiring["local_email"] not in page and "김하나" not in page
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "candidate_viewed"))
        assert (event.actor_id, event.object_type, event.object_id) == \
            (hiring["employer_id"], "profile", str(hiring["local"]))
        assert hiring["local_email"] not in str(event.details) and "김하나" not in str(event.details)


def test_the_list_of_candidates_shown_is_audited_by_id(app, hiring):
    hiring["client"].get(f"/employers/postings/{hiring['posting_id']}")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "candidates_listed"))
        assert (event.actor_id, event.object_type, event.object_id) == \
            (hiring["employer_id"], "posting", str(hiring["posting_id"]))
        assert event.details == {"via": "web", "page": 1, "profile_ids": [hiring["local"]], "contact_shown": []}


def test_hidden_and_far_candidates_cannot_be_opened_by_url(app, hiring):
    with app.app_context():
        ids = list(db.session.scalars(select(SeekerProfile.id).where(SeekerProfile.id != hiring["local"])))
    assert len(ids) == 2
    for profile_id in ids:
        url = f"/employers/postings/{hiring['posting_id']}/candidates/{profile_id}"
        assert hiring["client"].get(url).status_code == 404


def test_invite_accept_and_the_pipeline_to_a_hire(app, hiring):
    client, posting_id = hiring["client"], hiring["posting_id"]
    response = client.post(f"/employers/postings/{posting_id}/invite/{hiring['local']}", data={"note": "함께해요"})
    assert response.status_code == 302
    page = client.get(f"/employers/postings/{posting_id}").get_data(as_text=True)
    assert hiring["local_email"] not in page  # invited is not enough
    with app.app_context():
        application = db.session.scalar(select(Application))
        assert application.status == "invited"
        applications.transition(db.session, user(hiring["local_user"]), application.id, "applied")
        db.session.commit()
        application_id = application.id
    page = client.get(f"/employers/postings/{posting_id}").get_data(as_text=True)
    assert hiring["local_email"] in page and "010-2222-3333" in page  # accepted: contact shown
    for status in ("reviewing", "interview", "offer", "hired"):
        assert f"/employers/applications/{application_id}/{status}" in \
            client.get(f"/employers/postings/{posting_id}").get_data(as_text=True)
        assert client.post(f"/employers/applications/{application_id}/{status}").status_code == 302
    with app.app_context():
        assert db.session.get(Application, application_id).status == "hired"
        assert db.session.scalar(select(Placement.application_id)) == application_id
    # Hired is final: a late click is refused with a clear conflict.
    assert client.post(f"/employers/applications/{application_id}/rejected").status_code == 409
    # The seeker's own moves are not on the employer's side at all.
    assert client.post(f"/employers/applications/{application_id}/withdrawn").status_code == 404


def test_the_company_profile_is_saved_but_verified_stays_with_admins(app, login_as):
    client, employer_id = login_as("employer", company="창원정밀")
    response = client.post("/employers/company", data={"name": "창원정밀 주식회사", "region": "gyeongnam",
                                                       "industry": "자동차 부품", "size": "50-299", "verified": "y"})
    assert response.status_code == 302
    with app.app_context():
        company = db.session.scalar(select(Company).where(Company.name == "창원정밀 주식회사"))
        assert (company.industry, company.size, company.verified) == ("자동차 부품", "50-299", False)
    page = english(client).get("/employers/company").get_data(as_text=True)
    assert "Not verified yet" in page


def test_an_employer_answers_still_employed_with_one_click(app, client, make_user):
    """The employers' side of follow-ups (web/confirmations): their platform hires at due checkpoints."""
    make_user("institution", institution="inst-a", region="gyeongnam")
    employer_id, employer_email = make_user("employer", company="(주)창원AI")
    _, other_email = make_user("employer", company="(주)부산AI")
    with app.app_context():
        inst = training.institution_by_slug(db.session, "inst-a")
        cohort(db.session, inst, "GN-01")
        hire_id = platform_hire(db.session, trainee(db.session, inst, "GN-01", "T1"), user(employer_id),
                                today_in_korea() - timedelta(days=100), job_title="비전 검사 엔지니어").id
        db.session.commit()
    login(client, other_email)
    assert client.post(f"/hires/follow-ups/{hire_id}", data={"employed": "yes"}).status_code == 404
    client.post("/auth/logout")
    login(client, employer_email)
    assert "비전 검사 엔지니어" in client.get("/hires/follow-ups").get_data(as_text=True)
    assert client.post(f"/hires/follow-ups/{hire_id}", data={"employed": "yes"}).status_code == 302
    with app.app_context():
        answer = db.session.scalar(select(FollowUp))
        assert (answer.checkpoint_month, answer.status, answer.evidence) == (3, "employed_same_employer", "employer")
    assert "비전 검사 엔지니어" not in client.get("/hires/follow-ups").get_data(as_text=True)
    client.post("/auth/logout")
    assert client.get("/hires/follow-ups").status_code == 401

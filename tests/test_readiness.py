"""Employer readiness feedback: 90 days after a trainee's first job started, the follow-up outreach asks its
employer (one signed link, no login) how ready the person was on each skill; the answer is kept once with its
source and date; institutions see it per programme and skill, regions' offices per region, both suppressed."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import (AuditEvent, FollowUp, FollowUpRequest, Institution, OutboxMessage, Programme,
                                 ReadinessAnswer, ReadinessRating, Skill, User)
from talent_match.services.hiring.postings import today_in_korea
from talent_match.services.errors import NotFound, ValidationFailed
from talent_match.services.outcomes import readiness as figures
from talent_match.services.training import answers, outreach, readiness
from talent_match.services.training.programme_skills import programme_skills, set_programme_skills

from .conftest import login
from .training_world import cohort, job, trainee

LINKS = outreach.Links("test-secret-" + "x" * 30, "https://talent.example.kr")
START = date(2026, 1, 5)
DAY_90 = date(2026, 4, 5)         # START + 90 days
EMPLOYER = "hr@changwon-precision.kr"


def _skill(slug: str) -> Skill:
    return db.session.scalar(select(Skill).where(Skill.slug == slug))


@pytest.fixture
def placed(app_ctx, make_user):
    """Two completed trainees of a Gyeongnam cohort whose programme teaches Python and PyTorch; both first jobs name
    their employer contact."""
    institution_id, _ = make_user("institution")
    institution = db.session.get(User, institution_id).institution
    made = cohort(db.session, institution, "GN-1", start="2025-06-02", end="2025-12-19")
    set_programme_skills(db.session, institution, made.programme_id, ["파이썬", "PyTorch"])
    jobs = {}
    for ref, name in (("T1", "김하나"), ("T2", "이두리")):
        trainee(db.session, institution, "GN-1", ref, completed="2025-12-19", name=name)
        jobs[ref] = job(db.session, institution, ref, START.isoformat(), employer="창원정밀")
        jobs[ref].employer_email = EMPLOYER
    db.session.commit()
    return {"institution": institution, "programme_id": made.programme_id, "jobs": jobs}


def _run(day: date) -> dict:
    counts = outreach.run(db.session, day, LINKS)
    db.session.commit()
    return counts


def _readiness_requests() -> list[FollowUpRequest]:
    return db.session.scalars(select(FollowUpRequest).where(FollowUpRequest.audience == outreach.READINESS)
                              .order_by(FollowUpRequest.enrollment_id)).all()


def _token(request: FollowUpRequest) -> str:
    return LINKS.url(request).rsplit("/", 1)[1]


def _ratings(**by_slug) -> dict:
    return {readiness.field_of(_skill(slug)): str(value) for slug, value in by_slug.items()}


def _counts() -> tuple:
    return tuple(db.session.scalar(select(sa.func.count()).select_from(model))
                 for model in (ReadinessAnswer, ReadinessRating, FollowUp, AuditEvent))


def test_the_outreach_asks_the_employer_about_readiness_on_day_90_exactly_once(placed):
    assert _run(DAY_90 - timedelta(days=1))["readiness_requests"] == 0
    assert _run(DAY_90)["readiness_requests"] == 2
    assert [_run(DAY_90 + timedelta(days=d))["readiness_requests"] for d in (0, 1, 30)] == [0, 0, 0]
    requests = _readiness_requests()
    assert [(r.email, r.placement_id, r.checkpoint_month) for r in requests] == [
        (EMPLOYER, placed["jobs"]["T1"].id, 0), (EMPLOYER, placed["jobs"]["T2"].id, 0)]
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "follow_up_readiness")).all()
    assert len(mails) == 2 and all(LINKS.base_url + outreach.ANSWER_PATH in m.body_text for m in mails)
    assert "김하나" in mails[0].subject and "90" in mails[0].body_text


def test_no_question_without_skills_to_rate_or_an_employer_contact(app_ctx, placed):
    set_programme_skills(db.session, placed["institution"], placed["programme_id"], [])
    placed["jobs"]["T2"].employer_email = None
    db.session.commit()
    assert _run(DAY_90)["readiness_requests"] == 0


def test_reminders_follow_after_7_and_14_days_until_answered(placed):
    _run(DAY_90)
    assert _run(DAY_90 + timedelta(days=6))["reminders"] == 0
    first = _readiness_requests()[0]
    readiness.answer(db.session, LINKS, _token(first), _ratings(python=4, pytorch=3),
                     now=datetime(2026, 4, 8, tzinfo=timezone.utc))
    db.session.commit()
    for day in (7, 14, 21):
        _run(DAY_90 + timedelta(days=day))
    assert [r.reminders for r in _readiness_requests()] == [0, 2]     # only the unanswered one, twice


def test_the_link_records_the_ratings_once_for_its_own_placement_with_source_and_date(placed):
    _run(DAY_90)
    first, second = _readiness_requests()
    now = datetime(2026, 4, 8, tzinfo=timezone.utc)
    question = readiness.question(db.session, first)
    assert (question.name, question.employer, [s.slug for s in question.skills]) == (
        "김하나", "창원정밀", ["python", "pytorch"])
    readiness.answer(db.session, LINKS, _token(first), {**_ratings(python=4, pytorch=2), "comment": "  MLOps 부족  "},
                     now=now, today=date(2026, 4, 8))
    db.session.commit()
    [answer] = db.session.scalars(select(ReadinessAnswer)).all()
    assert (answer.enrollment_id, answer.placement_id, answer.source, answer.answered_on, answer.comment) == (
        first.enrollment_id, placed["jobs"]["T1"].id, "employer", date(2026, 4, 8), "MLOps 부족")
    assert sorted((r.skill.slug, r.rating) for r in answer.ratings) == [("python", 4), ("pytorch", 2)]
    before = _counts()
    with pytest.raises(answers.LinkRefused) as used:
        readiness.answer(db.session, LINKS, _token(first), _ratings(python=1, pytorch=1), now=now)
    assert used.value.reason == "used" and _counts() == before
    assert second.answered_at is None   # the other hire's question is still open


def test_refused_links_and_bad_answers_write_nothing(placed):
    _run(DAY_90)
    request = _readiness_requests()[0]
    db.session.commit()
    before = _counts()
    for data, field in ((_ratings(python=5, pytorch=3), "skill_"), ({**_ratings(python=3)}, "skill_"),
                        ({**_ratings(python=3, pytorch=3), "comment": "좋음\x07"}, "comment"),
                        ({**_ratings(python=3, pytorch=3), "comment": "가" * 201}, "comment")):
        with pytest.raises(ValidationFailed) as refused:
            readiness.answer(db.session, LINKS, _token(request), data, now=datetime(2026, 4, 8, tzinfo=timezone.utc))
        db.session.rollback()
        assert any(name.startswith(field) for name in refused.value.errors)
    late = datetime(2026, 4, 5, tzinfo=timezone.utc) + timedelta(days=outreach.LINK_DAYS, hours=23)
    forged = _token(request)[:-2] + ("AA" if not _token(request).endswith("AA") else "BB")
    for token, now, reason in ((_token(request), late, "expired"), (forged, None, "invalid"),
                               (outreach.Links("another-secret-" + "y" * 30, LINKS.base_url).url(request)
                                .rsplit("/", 1)[1], None, "invalid")):
        with pytest.raises(answers.LinkRefused) as refused:
            readiness.answer(db.session, LINKS, token, _ratings(python=3, pytorch=3), now=now)
        db.session.rollback()
        assert refused.value.reason == reason
    employer_link = db.session.scalar(select(FollowUpRequest).where(FollowUpRequest.audience == "employer"))
    with pytest.raises(answers.LinkRefused):   # a follow-up link does not open the readiness question
        readiness.answer(db.session, LINKS, _token(employer_link), _ratings(python=3, pytorch=3))
    db.session.rollback()
    with pytest.raises(answers.LinkRefused):   # nor the other way round
        answers.answer(db.session, LINKS, _token(request), {"answer": "employed"})
    db.session.rollback()
    assert _counts() == before


def test_another_institutions_programme_skills_are_not_found(placed, make_user):
    other_id, _ = make_user("institution")
    other = db.session.get(User, other_id).institution
    with pytest.raises(NotFound):
        set_programme_skills(db.session, other, placed["programme_id"], ["Python"])
    with pytest.raises(ValidationFailed):
        set_programme_skills(db.session, placed["institution"], placed["programme_id"], ["Python", "뜨개질"])


# ---- the aggregates, by hand ---------------------------------------------------------------------------------

def _answers(institution, code, programme, ratings, comments=()):
    """One trainee and one stored answer per entry of `ratings` ({slug: rating}), in a new cohort `code`."""
    cohort(db.session, institution, code, programme=programme, start="2025-03-03", end="2025-08-29")
    for index, rated in enumerate(ratings):
        enrollment = trainee(db.session, institution, code, f"{code}-{index}", completed="2025-08-29")
        db.session.add(ReadinessAnswer(enrollment_id=enrollment.id, answered_on=date(2026, 1, 5), source="employer",
                                       comment=comments[index] if index < len(comments) else None,
                                       ratings=[ReadinessRating(skill_id=_skill(slug).id, rating=value)
                                                for slug, value in rated.items()]))
    db.session.flush()


def _rated(make_user) -> Institution:
    """Programme A: 12 answers; Python rated by all (4 x6, 3 x5, 2 x1), PyTorch by four (all 3); two lines.
    Programme B: 3 answers, Python 1 each. Both at one Gyeongnam institution; nothing in Busan."""
    institution = db.session.get(User, make_user("institution")[0]).institution
    python = [4] * 6 + [3] * 5 + [2]
    _answers(institution, "A-1", "A 과정", [{"python": p, **({"pytorch": 3} if i < 4 else {})}
                                            for i, p in enumerate(python)], comments=("통계 기초 부족", "Git 능숙"))
    _answers(institution, "B-1", "B 과정", [{"python": 1}] * 3, comments=("전혀 준비 안 됨",))
    db.session.commit()
    return institution


@pytest.fixture
def rated(app_ctx, make_user):
    return _rated(make_user)


def test_institution_sees_mean_and_distribution_per_programme_and_skill_suppressed_under_5(rated):
    a, b = figures.for_institution(db.session, rated)
    assert (a.label, a.answers, a.comment_count) == ("A 과정", 12, 2)
    python, pytorch = a.skills
    assert (python.skill.slug, python.ratings, python.mean) == ("python", 12, 3.42)    # 41 / 12
    # 0 and 1 are small; together 1 < 5, so the smallest shown level (5) is hidden too: 12 - 6 would tell it.
    assert python.distribution == {1: "<5", 2: "<5", 3: "hidden", 4: 6}
    assert (pytorch.skill.slug, pytorch.ratings, pytorch.mean, pytorch.distribution) == ("pytorch", "<5", None, {})
    assert a.comments == ["Git 능숙", "통계 기초 부족"]        # alphabetical, no name, employer or date
    assert (b.label, b.answers, b.comment_count, b.comments) == ("B 과정", "<5", "<5", None)
    assert [(s.ratings, s.mean) for s in b.skills] == [("<5", None)]


def test_a_mean_that_would_tell_every_rating_is_hidden(app_ctx):
    python = _skill("python")
    same = figures.skill_figures({4: 6}, python)
    assert (same.ratings, same.mean, same.distribution) == (6, "hidden", {1: "<5", 2: "<5", 3: "<5", 4: "hidden"})
    mixed = figures.skill_figures({3: 1, 4: 5}, python)     # 23 / 6; one 3 hides the 5 beside it
    assert (mixed.mean, mixed.distribution) == (3.83, {1: "<5", 2: "<5", 3: "<5", 4: "hidden"})


def test_region_sees_its_institutions_together_and_only_counts_the_lines(rated):
    region = figures.for_region(db.session, rated.region_id)
    assert (region.answers, region.comment_count, region.comments) == (15, "<5", None)
    python = region.skills[0]
    # 1 x3, 2 x1, 3 x5, 4 x6: mean 44 / 15; 3 + 1 hidden (4 < 5), so 5 is hidden with them.
    assert (python.ratings, python.mean, python.distribution) == (15, 2.93, {1: "<5", 2: "<5", 3: "hidden", 4: 6})
    busan = db.session.scalar(select(Institution.region_id).where(Institution.id != rated.id)) or -1
    assert figures.for_region(db.session, busan if busan != rated.region_id else -1) is None


def test_pages_show_the_institution_its_lines_and_operators_their_region_only(app, make_user):
    with app.app_context():  # not app_ctx: each request needs its own context to sign its own user in
        slug = _rated(make_user).slug
        db.session.remove()
        users = {role: make_user(role, region=region, institution=slug if role == "institution" else None)[1]
                 for role, region in (("institution", "gyeongnam"), ("operator", "gyeongnam"))}
        busan_operator = make_user("operator", region="busan")[1]
    pages = {}
    for role, email in users.items():
        client = app.test_client()
        assert login(client, email).status_code == 302
        pages[role] = client
    own = pages["institution"].get("/institutions/report")
    assert own.status_code == 200, own.get_data(as_text=True)[-800:]
    own = own.get_data(as_text=True)
    assert 'id="readiness"' in own and "통계 기초 부족" in own and "3.42" in own
    region = pages["operator"].get("/admin/regions/gyeongnam")
    text = region.get_data(as_text=True)
    assert region.status_code == 200, text[-1500:]
    assert 'id="readiness"' in text and "2.93" in text
    assert "통계 기초 부족" not in text and "Git 능숙" not in text
    assert pages["operator"].get("/admin/regions/busan").status_code == 404
    admin = app.test_client()
    assert login(admin, make_user("admin")[1]).status_code == 302
    assert "2.93" in admin.get("/admin/regions/gyeongnam").get_data(as_text=True)
    other = app.test_client()
    assert login(other, busan_operator).status_code == 302
    assert "2.93" not in other.get("/admin/regions/busan").get_data(as_text=True)


def test_the_answer_page_asks_per_skill_and_refuses_used_and_forged_links(app, client, placed):
    links, today = outreach.Links.of(app.config), today_in_korea()
    for placement in placed["jobs"].values():
        placement.start_date = today - timedelta(days=outreach.READINESS_DAYS)
    outreach.run(db.session, today, links)
    request = _readiness_requests()[0]
    path = outreach.ANSWER_PATH + links.url(request).rsplit("/", 1)[1]
    db.session.commit()
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "김하나" in html and "파이썬" in html and "checked" not in html
    before = _counts()
    assert client.post(path, data=_ratings(python=3)).status_code == 422 and _counts() == before
    assert client.post(path[:-3] + "xyz", data=_ratings(python=3, pytorch=3)).status_code == 404
    assert _counts() == before
    assert client.post(path, data=_ratings(python=3, pytorch=4)).status_code == 200
    db.session.expire_all()
    assert _counts()[:2] == (before[0] + 1, before[1] + 2)
    again = client.post(path, data=_ratings(python=1, pytorch=1))
    assert again.status_code == 410 and 'data-outcome="used"' in again.get_data(as_text=True)
    late = _readiness_requests()[1]
    late.expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    before = _counts()
    expired = client.post(outreach.ANSWER_PATH + links.url(late).rsplit("/", 1)[1], data=_ratings(python=3, pytorch=3))
    assert expired.status_code == 410 and 'data-outcome="expired"' in expired.get_data(as_text=True)
    db.session.expire_all()
    assert _counts() == before and _readiness_requests()[1].answered_at is None


def test_an_institution_sets_its_programmes_skills_on_its_dashboard(app, make_user):
    _, email = make_user("institution")
    client = app.test_client()
    assert login(client, email).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        cohort(db.session, user.institution, "GN-9")
        programme_id = db.session.scalar(select(Programme.id).where(Programme.institution_id == user.institution_id))
        db.session.commit()
        db.session.remove()
    path = f"/institutions/programmes/{programme_id}/skills"
    assert client.post(path, data={"skills": "파이썬, SQL; MLOps"}).status_code == 302
    refused = client.post(path, data={"skills": "Python, 뜨개질"})
    assert refused.status_code == 422 and "뜨개질" in refused.get_data(as_text=True)
    page = client.get("/institutions/").get_data(as_text=True)
    assert 'value="파이썬, SQL, MLOps"' in page
    other = app.test_client()
    assert login(other, make_user("institution")[1]).status_code == 302
    assert other.post(path, data={"skills": "Python"}).status_code == 404
    with app.app_context():
        assert [s.slug for s in programme_skills(db.session, programme_id)] == ["python", "sql", "mlops"]
        db.session.remove()


def test_deleting_the_trainees_account_drops_the_employers_line_about_them(app_ctx, placed, make_user):
    from talent_match.services.privacy import erasure
    _run(DAY_90)
    seeker_id, _ = make_user("seeker")
    request = _readiness_requests()[0]
    request.enrollment.seeker_user_id = seeker_id
    readiness.answer(db.session, LINKS, _token(request), {**_ratings(python=3, pytorch=3), "comment": "좋음"},
                     now=datetime(2026, 4, 8, tzinfo=timezone.utc))
    db.session.commit()
    erasure.delete_account(db.session, app_ctx.extensions.get("search_engine"), db.session.get(User, seeker_id))
    db.session.commit()
    [answer] = db.session.scalars(select(ReadinessAnswer)).all()
    assert answer.comment is None and len(answer.ratings) == 2

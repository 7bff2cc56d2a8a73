"""Companies and postings: owner-only edits, shared validation, deadlines that close postings."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import AuditEvent, Company, Posting
from talent_match.services.errors import Forbidden, NotFound, ValidationFailed
from talent_match.services.hiring import companies, postings
from talent_match.services.hiring.postings import today_in_korea

from .jobs_support import engine, make_posting, posting_data, user


def test_a_posting_is_saved_with_its_skills_region_and_terms(app_ctx, make_user):
    employer_id, _ = make_user("employer", region="busan")
    posting = make_posting(employer_id, region="경상남도", salary_min="38,000,000", deadline="2099-12-31",
                           required_skills="Python, 머신러닝, machine learning", preferred_skills=["PyTorch", "Python"])
    assert posting.region.slug == "gyeongnam" and posting.city == "창원시"
    assert posting.salary_min == 38_000_000 and posting.deadline == date(2099, 12, 31)
    assert posting.company_id == user(employer_id).company_id
    required = [s.label for s in posting.required_skills]
    assert len(required) == 2 and all(s.skill_id for s in posting.required_skills)
    # Python is required, so it is not also preferred.
    assert [s.label for s in posting.preferred_skills] == ["PyTorch"]


def test_the_company_region_is_the_default(app_ctx, make_user):
    employer_id, _ = make_user("employer", region="jeonbuk")
    data = posting_data()
    del data["region"]
    posting = postings.create(db.session, engine(), user(employer_id), data)
    assert posting.region.slug == "jeonbuk"


def test_every_wrong_field_is_reported_at_once(app_ctx, make_user):
    employer_id, _ = make_user("employer")
    with pytest.raises(ValidationFailed) as failure:
        postings.create(db.session, engine(), user(employer_id), posting_data(
            title="", region="Atlantis", salary_min=50_000_000, salary_max=30_000_000, employment_type="gig",
            work_mode="moon", openings=0, deadline="2026-02-30", status="live", min_experience="many",
            required_skills=42))
    assert set(failure.value.errors) == {"title", "region", "salary_max", "employment_type", "work_mode",
                                         "openings", "deadline", "status", "min_experience", "required_skills"}
    assert db.session.scalar(select(Posting)) is None


def test_unknown_fields_are_refused(app_ctx, make_user):
    employer_id, _ = make_user("employer")
    with pytest.raises(ValidationFailed) as failure:
        postings.create(db.session, engine(), user(employer_id), posting_data(company_id=99))
    assert "company_id" in failure.value.errors["_"][0]


def test_only_the_companys_own_users_edit_its_postings(app_ctx, make_user):
    owner_id, _ = make_user("employer", company="창원정밀")
    colleague_id, _ = make_user("employer", company="창원정밀")
    other_id, _ = make_user("employer", company="부산로보틱스")
    seeker_id, _ = make_user("seeker")
    posting = make_posting(owner_id)
    updated = postings.update(db.session, engine(), user(colleague_id), posting.id, {"title": "비전 엔지니어"})
    assert updated.title == "비전 엔지니어" and updated.city == "창원시"  # other fields untouched
    for outsider in (other_id, seeker_id):
        with pytest.raises(NotFound):
            postings.update(db.session, engine(), user(outsider), posting.id, {"title": "hijacked"})
        with pytest.raises(NotFound):
            postings.get_for_edit(db.session, user(outsider), posting.id)
    with pytest.raises(NotFound):
        postings.create(db.session, engine(), user(seeker_id), posting_data())


def test_drafts_are_seen_only_by_their_company(app_ctx, make_user):
    owner_id, _ = make_user("employer")
    seeker_id, _ = make_user("seeker")
    draft = make_posting(owner_id, status="draft")
    assert postings.get_visible(db.session, user(owner_id), draft.id) is draft
    with pytest.raises(NotFound):
        postings.get_visible(db.session, user(seeker_id), draft.id)


def test_a_posting_past_its_deadline_counts_as_closed_and_close_expired_writes_it_down(app_ctx, make_user):
    employer_id, _ = make_user("employer")
    today = today_in_korea()
    expiring = make_posting(employer_id, deadline=today.isoformat())
    lasting = make_posting(employer_id, deadline=(today + timedelta(days=7)).isoformat())
    assert postings.effective_status(expiring, today) == "open"
    tomorrow = today + timedelta(days=1)
    assert postings.effective_status(expiring, tomorrow) == "closed"
    assert db.session.scalar(select(Posting.id).where(postings.open_filter(tomorrow))) == lasting.id
    assert postings.close_expired(db.session, engine(), tomorrow) == [expiring.id]
    db.session.commit()
    assert (expiring.status, lasting.status) == ("closed", "open")
    assert postings.close_expired(db.session, engine(), tomorrow) == []


def test_the_dashboard_listing_shows_expired_postings_closed_without_writing(app_ctx, make_user):
    employer_id, _ = make_user("employer")
    posting = make_posting(employer_id, deadline=today_in_korea().isoformat())
    summaries = postings.list_for_company(db.session, user(employer_id),
                                          today=today_in_korea() + timedelta(days=1))
    assert [(s.posting.id, s.status) for s in summaries] == [(posting.id, "closed")]
    assert posting.status == "open" and not db.session.dirty  # a page that reads never writes


def test_close_expired_command(app, runner, make_user):
    employer_id, _ = make_user("employer")
    with app.app_context():
        posting_id = make_posting(employer_id, deadline=today_in_korea().isoformat()).id
    later = (today_in_korea() + timedelta(days=2)).isoformat()
    result = runner.invoke(args=["close-expired-postings", "--today", later])
    assert result.exit_code == 0 and f"closed 1 posting(s): {posting_id}" in result.output
    with app.app_context():
        assert db.session.get(Posting, posting_id).status == "closed"


def test_a_posting_cannot_be_opened_with_a_past_deadline(app_ctx, make_user):
    employer_id, _ = make_user("employer")
    yesterday = (today_in_korea() - timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as failure:
        postings.create(db.session, engine(), user(employer_id), posting_data(deadline=yesterday))
    assert "deadline" in failure.value.errors
    closed = postings.create(db.session, engine(), user(employer_id), posting_data(deadline=yesterday,
                                                                                  status="closed"))
    assert closed.status == "closed"


def test_company_profile_is_edited_by_its_users_but_verified_only_by_admins(app_ctx, make_user):
    employer_id, _ = make_user("employer", company="창원정밀")
    make_user("employer", company="부산로보틱스")
    admin_id, _ = make_user("admin")
    company = companies.update(db.session, user(employer_id), {
        "name": "창원정밀 주식회사", "region": "경남", "industry": "자동차 부품", "size": "50-299", "verified": True})
    assert (company.name, company.region.slug, company.industry, company.size, company.verified) == \
        ("창원정밀 주식회사", "gyeongnam", "자동차 부품", "50-299", False)
    with pytest.raises(ValidationFailed) as failure:
        companies.update(db.session, user(employer_id), {"name": "부산로보틱스", "size": "huge"})
    assert set(failure.value.errors) == {"name", "size"}
    with pytest.raises(Forbidden):
        companies.set_verified(db.session, user(employer_id), company, True)
    companies.set_verified(db.session, user(admin_id), company, True)
    db.session.commit()
    assert db.session.get(Company, company.id).verified is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "company_verified"))
    assert event.object_id == str(company.id) and event.actor_id == admin_id


def test_renaming_a_verified_company_withdraws_the_verification_and_is_audited(app_ctx, make_user):
    employer_id, _ = make_user("employer", company="창원정밀")
    admin_id, _ = make_user("admin")
    company = companies.set_verified(db.session, user(admin_id), companies.company_of(db.session, user(employer_id)),
                                     True)
    companies.update(db.session, user(employer_id), {"industry": "자동차 부품"})
    assert company.verified is True  # other details do not touch the verification
    companies.update(db.session, user(employer_id), {"name": "Samsung Electronics"})
    db.session.commit()
    assert db.session.get(Company, company.id).verified is False
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "company_updated")
                                .order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.details["changed"], e.details["verification_withdrawn"]) for e in events] == [
        (employer_id, ["industry"], False), (employer_id, ["name"], True)]
    assert events[-1].details["name"] == ["창원정밀", "Samsung Electronics"]

"""The application state machine: each side's moves, illegal moves refused, a hire enters the outcome ledger."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import Cohort, Enrollment, Institution, Placement, Programme
from talent_match.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from talent_match.services.hiring import applications, postings

from .jobs_support import make_posting, make_profile, user


@pytest.fixture
def world(app_ctx, make_user):
    """A Gyeongnam SME with an open posting, a discoverable Gyeongnam seeker, and outsiders on both sides."""
    employer_id, _ = make_user("employer", region="gyeongnam", company="창원정밀")
    other_employer_id, _ = make_user("employer", region="gyeongnam", company="김해스마트")
    seeker_id, _ = make_user("seeker", region="gyeongnam")
    other_seeker_id, _ = make_user("seeker", region="gyeongnam")
    posting = make_posting(employer_id, salary_min=40_000_000, salary_max=50_000_000)
    profile = make_profile(seeker_id, discoverable=True)
    return {"employer": user(employer_id), "other_employer": user(other_employer_id), "seeker": user(seeker_id),
            "other_seeker": user(other_seeker_id), "posting": posting, "profile": profile}


def walk(actor, application, *statuses):
    for status in statuses:
        applications.transition(db.session, actor, application.id, status)
    db.session.commit()
    return application


def test_an_application_walks_to_a_hire_with_a_timestamp_for_every_step(world):
    application = applications.apply(db.session, world["seeker"], world["posting"].id, "지원합니다")
    walk(world["employer"], application, "reviewing", "interview", "offer", "hired")
    assert application.status == "hired" and application.initiated_by == "seeker"
    assert [(e.from_status, e.to_status) for e in application.events] == [
        (None, "applied"), ("applied", "reviewing"), ("reviewing", "interview"), ("interview", "offer"),
        ("offer", "hired")]
    assert all(e.created_at is not None for e in application.events)
    assert [e.actor_id for e in application.events] == [world["seeker"].id] + [world["employer"].id] * 4


def test_a_hire_writes_a_placement_for_the_seeker(world):
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world["employer"], application, "reviewing", "interview", "offer")
    applications.transition(db.session, world["employer"], application.id, "hired", start_date="2027-03-02",
                            wage="42,000,000")
    placement = db.session.scalar(select(Placement))
    assert placement.source == "platform_hire" and placement.application_id == application.id
    assert (placement.company_id, placement.employer_name, placement.job_title) == \
        (world["posting"].company_id, "창원정밀", world["posting"].title)
    assert placement.region.slug == "gyeongnam" and placement.in_field is True
    assert (placement.start_date, placement.annual_wage_krw) == (date(2027, 3, 2), 42_000_000)
    assert placement.enrollment_id is None and placement.seeker_user_id == world["seeker"].id


def test_a_hire_of_a_trainee_is_linked_to_their_enrollment_with_the_posting_salary(world):
    institution = Institution(slug="gn-ai", name="경남 AI 아카데미", region=world["posting"].region)
    programme = Programme(institution=institution, name="AI 부트캠프")
    cohort = Cohort(institution=institution, programme=programme, code="2026-1", region=world["posting"].region,
                    start_date=date(2026, 3, 1), end_date=date(2026, 8, 31))
    enrollment = Enrollment(institution=institution, cohort=cohort, trainee_ref="T-001", status="completed",
                            seeker_user_id=world["seeker"].id)
    db.session.add(enrollment)
    db.session.commit()
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world["employer"], application, "reviewing", "interview", "offer", "hired")
    placement = db.session.scalar(select(Placement))
    assert placement.enrollment_id == enrollment.id
    assert placement.annual_wage_krw == 40_000_000
    assert placement.start_date == postings.today_in_korea()


def test_a_hire_confirms_the_placement_the_institution_already_reported_instead_of_duplicating_it(world):
    institution = Institution(slug="gn-ai", name="경남 AI 아카데미", region=world["posting"].region)
    cohort = Cohort(institution=institution, programme=Programme(institution=institution, name="AI 부트캠프"),
                    code="2026-1", region=world["posting"].region, start_date=date(2026, 3, 1),
                    end_date=date(2026, 8, 31))
    enrollment = Enrollment(institution=institution, cohort=cohort, trainee_ref="T-001", status="completed",
                            seeker_user_id=world["seeker"].id)
    reported = Placement(enrollment=enrollment, employer_name="창원정밀", region=world["posting"].region,
                         start_date=date(2027, 3, 2), source="trainee")
    db.session.add(reported)
    db.session.commit()
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world["employer"], application, "reviewing", "interview", "offer")
    applications.transition(db.session, world["employer"], application.id, "hired", start_date="2027-03-02")
    db.session.commit()
    assert db.session.scalars(select(Placement.id)).all() == [reported.id]
    assert (reported.application_id, reported.company_id) == (application.id, world["posting"].company_id)


def test_an_invitation_accepted_becomes_an_application(world):
    invitation = applications.invite(db.session, world["employer"], world["posting"].id, world["profile"].id,
                                     "함께 일하고 싶습니다")
    assert (invitation.status, invitation.initiated_by) == ("invited", "employer")
    walk(world["seeker"], invitation, "applied")
    assert [e.to_status for e in invitation.events] == ["invited", "applied"]


def test_applying_to_a_posting_you_were_invited_to_accepts_the_invitation(world):
    invitation = applications.invite(db.session, world["employer"], world["posting"].id, world["profile"].id)
    application = applications.apply(db.session, world["seeker"], world["posting"].id, "좋습니다")
    assert application.id == invitation.id and application.status == "applied"


def test_an_invitation_declined_is_withdrawn(world):
    invitation = applications.invite(db.session, world["employer"], world["posting"].id, world["profile"].id)
    walk(world["seeker"], invitation, "withdrawn")
    assert invitation.status == "withdrawn"


@pytest.mark.parametrize("path, side", [
    (("reviewing", "rejected"), "employer"),
    (("reviewing", "interview", "rejected"), "employer"),
    (("reviewing", "interview", "offer", "rejected"), "employer"),
    (("rejected",), "employer"),
])
def test_the_employer_may_reject_at_every_step(world, path, side):
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world[side], application, *path)
    assert application.status == "rejected"


@pytest.mark.parametrize("before", [(), ("reviewing",), ("reviewing", "interview"),
                                    ("reviewing", "interview", "offer")])
def test_the_seeker_may_withdraw_until_the_end(world, before):
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world["employer"], application, *before)
    walk(world["seeker"], application, "withdrawn")
    assert application.status == "withdrawn"


@pytest.mark.parametrize("before, to", [
    ((), "interview"), ((), "hired"), (("reviewing",), "offer"), (("reviewing",), "applied"),
    (("reviewing", "rejected"), "reviewing"), (("reviewing", "interview", "offer", "hired"), "rejected"),
    ((), "invited"),
])
def test_illegal_moves_are_refused_with_a_conflict(world, before, to):
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world["employer"], application, *before)
    with pytest.raises(Conflict) as failure:
        applications.transition(db.session, world["employer"], application.id, to)
    assert f"cannot move to '{to}'" in failure.value.message


def test_a_withdrawn_application_is_final_for_both_sides(world):
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world["seeker"], application, "withdrawn")
    for actor, to in ((world["employer"], "reviewing"), (world["seeker"], "applied")):
        with pytest.raises(Conflict, match="it is final"):
            applications.transition(db.session, actor, application.id, to)


def test_each_side_makes_only_its_own_moves(world):
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    with pytest.raises(Forbidden, match="Only the employer"):
        applications.transition(db.session, world["seeker"], application.id, "reviewing")
    with pytest.raises(Forbidden, match="Only the seeker"):
        applications.transition(db.session, world["employer"], application.id, "withdrawn")
    invitation = applications.invite(db.session, world["employer"], world["posting"].id,
                                     make_profile(world["other_seeker"].id, discoverable=True).id)
    with pytest.raises(Forbidden, match="Only the seeker"):
        applications.transition(db.session, world["employer"], invitation.id, "applied")
    with pytest.raises(ValidationFailed):
        applications.transition(db.session, world["employer"], application.id, "promoted")


def test_outsiders_cannot_see_or_move_an_application(world, make_user):
    admin_id, _ = make_user("admin")
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    for outsider in (world["other_employer"], world["other_seeker"], user(admin_id)):
        with pytest.raises(NotFound):
            applications.transition(db.session, outsider, application.id, "withdrawn")
        with pytest.raises(NotFound):
            applications.get(db.session, outsider, application.id)
    with pytest.raises(NotFound):
        applications.for_posting(db.session, world["other_employer"], world["posting"].id)


def test_an_application_is_made_once(world):
    applications.apply(db.session, world["seeker"], world["posting"].id)
    with pytest.raises(Conflict):
        applications.apply(db.session, world["seeker"], world["posting"].id)
    with pytest.raises(Conflict):
        applications.invite(db.session, world["employer"], world["posting"].id, world["profile"].id)


def test_closed_and_draft_postings_take_no_applications(world):
    draft = make_posting(world["employer"].id, status="draft")
    with pytest.raises(NotFound):
        applications.apply(db.session, world["seeker"], draft.id)
    expiring = make_posting(world["employer"].id, deadline=postings.today_in_korea().isoformat())
    with pytest.raises(Conflict, match="closed"):
        applications.apply(db.session, world["seeker"], expiring.id,
                           today=postings.today_in_korea() + timedelta(days=1))


def test_only_discoverable_seekers_in_the_posting_region_can_be_invited(world, make_user):
    hidden = make_profile(world["other_seeker"].id)  # not discoverable
    seoul_id, _ = make_user("seeker", region="seoul")
    far = make_profile(seoul_id, discoverable=True)
    for profile in (hidden, far):
        with pytest.raises(NotFound):
            applications.invite(db.session, world["employer"], world["posting"].id, profile.id)
    willing = make_profile(seoul_id, accepted_regions=["gyeongnam"])
    assert applications.invite(db.session, world["employer"], world["posting"].id, willing.id).status == "invited"
    with pytest.raises(NotFound):
        applications.invite(db.session, world["other_employer"], world["posting"].id, world["profile"].id)


def test_contact_details_are_visible_only_after_the_seeker_applies_or_accepts(world):
    employer, other, profile = world["employer"], world["other_employer"], world["profile"]
    assert not applications.may_see_contact(db.session, employer, profile)
    invitation = applications.invite(db.session, employer, world["posting"].id, profile.id)
    assert not applications.may_see_contact(db.session, employer, profile)
    walk(world["seeker"], invitation, "applied")
    assert applications.may_see_contact(db.session, employer, profile)
    assert not applications.may_see_contact(db.session, other, profile)
    assert not applications.may_see_contact(db.session, world["other_seeker"], profile)
    walk(world["seeker"], invitation, "withdrawn")
    assert not applications.may_see_contact(db.session, employer, profile)


def test_both_sides_list_the_application_with_its_status(world):
    application = applications.apply(db.session, world["seeker"], world["posting"].id)
    walk(world["employer"], application, "reviewing")
    assert [(a.id, a.status) for a in applications.for_seeker(db.session, world["seeker"])] == \
        [(application.id, "reviewing")]
    assert [(a.id, a.status) for a in applications.for_posting(db.session, world["employer"],
                                                               world["posting"].id)] == \
        [(application.id, "reviewing")]

"""The demo world: reproducible, in all 17 regions, Korean postings, every kind of seeker, lawful discoverability,
working demo logins, and outcomes whose retention differs by region as the platform's story says it should."""
from __future__ import annotations

import os
import re
import uuid
from collections import Counter, defaultdict
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from talent_match import create_app
from talent_match.extensions import db
from talent_match.models import (Application, Cohort, Company, Consent, Enrollment, FollowUp, FollowUpRequest,
                                 Institution, MatchInteraction, Placement, Posting, PostingSkill, ProfileSkill,
                                 ProgrammeSkill, ReadinessAnswer, ReadinessRating, Region, SeekerProfile, Skill,
                                 StoredVector, User, profile_accepted_region)
from talent_match.services import demo
from talent_match.services.matching import feedback
from talent_match.services.outcomes import readiness as readiness_figures
from talent_match.services.outcomes import disclosure, ledger, releases
from talent_match.services.outcomes.ledger import add_months

from scripts.scratch_db import scratch_database

from .indexing_support import make_engine

TODAY = date(2026, 11, 23)
SMALL = {"seekers": 60, "postings": 20, "seed": 11, "today": TODAY}
HANGUL = re.compile("[가-힣]")
CAPITAL = {"seoul", "gyeonggi", "incheon"}


def _seed(session, **overrides):
    options = {**SMALL, "consent_version": "2026-11", "embeddings": False, **overrides}
    return demo.seed_demo(session, **options)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One small demo world in its own database, shared by the read-only tests of this module."""
    base = os.environ.get("TEST_DATABASE_URL")
    url, drop = scratch_database(base, "tm_test") if base else (
        f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}", None)
    instance = tmp_path_factory.mktemp("demo-instance")
    app = create_app({"TESTING": True, "SECRET_KEY": "test-" + uuid.uuid4().hex, "SQLALCHEMY_DATABASE_URI": url,
                      "INDEX_DIR": str(instance / "indexes"), "WTF_CSRF_ENABLED": False,
                      "LOGIN_RATE_LIMIT": "10000 per minute", "SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        _seed(db.session)
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    if drop:
        drop()


@pytest.fixture
def session(world):
    with world.app_context():
        yield db.session
        db.session.remove()


def _rows(session, model, skip=("password_hash",)):
    table = getattr(model, "__table__", model)
    columns = [c for c in table.c if c.name not in skip]
    order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
    return [tuple(row) for row in session.execute(sa.select(*columns).order_by(*order))]


REPRODUCED = (User, SeekerProfile, ProfileSkill, profile_accepted_region, Consent, Company, Posting, PostingSkill,
              Application, Institution, Cohort, Enrollment, Placement, FollowUp, FollowUpRequest, ProgrammeSkill,
              ReadinessAnswer, ReadinessRating, MatchInteraction)


def test_the_same_seed_writes_the_same_rows_through_the_cli_commands(world, app, runner):
    with world.app_context():
        expected = {model: _rows(db.session, model) for model in REPRODUCED}
        db.session.remove()
    assert runner.invoke(args=["is-empty"]).output.strip() == "yes"
    assert runner.invoke(args=["demo-logins"]).exit_code == 1
    result = runner.invoke(args=["seed-demo", "--seekers", "60", "--postings", "20", "--seed", "11",
                                 "--today", "2026-11-23", "--no-embeddings"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for model, rows in expected.items():
            assert _rows(db.session, model) == rows, str(model)
        db.session.remove()
    assert runner.invoke(args=["is-empty"]).output.strip() == "no"
    printed = runner.invoke(args=["demo-logins"]).output
    for login in demo.DEMO_LOGINS:
        assert login.email in printed and login.password in printed
    again = runner.invoke(args=["seed-demo", "--seekers", "5", "--postings", "5", "--no-embeddings"])
    assert again.exit_code == 2 and "already loaded" in again.output


def test_another_seed_writes_another_world_and_encodes_it_when_asked(world, app, tmp_path):
    with world.app_context():
        titles = set(db.session.scalars(sa.select(Posting.title)))
        db.session.remove()
    engine = make_engine(tmp_path / "indexes")
    with app.app_context():
        report = _seed(db.session, seed=12, embeddings=True, engine=engine)
        assert set(db.session.scalars(sa.select(Posting.title))) != titles
        vectors = Counter(db.session.scalars(sa.select(StoredVector.kind)))
        assert vectors == {"posting": 20, "profile": 60}
        assert {"generate", "insert", "encode", "index"} <= set(report.timings)
        assert report.embeddings.startswith("encoded 80 texts")
        db.session.remove()


def test_every_region_has_companies_institutions_cohorts_and_seekers_come_mostly_from_the_capital(session):
    regions = set(session.scalars(sa.select(Region.slug)))
    assert len(regions) == 17
    for model in (Company, Institution, Cohort):
        covered = set(session.scalars(sa.select(Region.slug).join(model, model.region_id == Region.id)))
        assert covered == regions, model.__name__
    homes = Counter(session.scalars(sa.select(Region.slug).join(SeekerProfile,
                                                                SeekerProfile.home_region_id == Region.id)))
    assert homes.most_common(1)[0][0] in ("gyeonggi", "seoul", "gyeongnam")


def test_companies_work_in_their_regions_industries(session):
    industries = dict(session.execute(sa.select(Company.name, Company.industry).join(Region)
                                      .where(Region.slug == "ulsan")).all())
    assert set(industries.values()) <= {"자동차 부품", "조선·해양", "석유화학", "기계·부품"}
    jeju = set(session.scalars(sa.select(Company.industry).join(Region).where(Region.slug == "jeju")))
    assert jeju <= {"바이오", "헬스케어", "농식품", "화장품·뷰티", "관광·서비스"}


def test_postings_are_written_in_korean_with_the_english_terms_korean_postings_use(session):
    postings = session.scalars(sa.select(Posting)).all()
    assert len(postings) == 20
    text = "\n".join(p.title + "\n" + p.description for p in postings)
    for posting in postings:
        assert re.match(r"\[[^\]]+\] ", posting.title) and HANGUL.search(posting.title)
        for section in ("[주요업무]", "[자격요건]", "[우대사항]"):
            assert section in posting.description
        if posting.salary_min is not None:
            assert 20_000_000 <= posting.salary_min < posting.salary_max <= 150_000_000
    assert re.search(r"Python|PyTorch|MLOps|SQL|Docker", text)
    statuses = Counter(p.status for p in postings)
    assert statuses["open"] > len(postings) / 2
    assert all(p.deadline is None or p.deadline >= TODAY for p in postings if p.status == "open")
    assert postings[0].title.startswith("[창원] 제조 AI 엔지니어 (Computer Vision / 불량 검출)")


def test_every_kind_of_seeker_is_there_with_experience_that_fits_the_kind(session):
    years = defaultdict(list)
    for kind, value in session.execute(sa.select(SeekerProfile.kind, SeekerProfile.years_experience)):
        years[kind].append(value)
    assert set(years) == {"bootcamp_graduate", "university", "incumbent_worker"}
    assert min(years["incumbent_worker"]) >= 2
    assert sum(v == 0 for v in years["university"]) >= len(years["university"]) / 2
    names = session.scalars(sa.select(User.name).where(User.role == "seeker")).all()
    assert all(HANGUL.fullmatch(name[0]) and 2 <= len(name) <= 4 for name in names)


def test_skills_link_to_the_taxonomy_and_profiles_mention_korean_and_english_names(session):
    for model in (ProfileSkill, PostingSkill):
        linked = session.scalars(sa.select(model.skill_id)).all()
        assert sum(s is not None for s in linked) >= 0.9 * len(linked), model.__name__
    required = set(session.scalars(sa.select(PostingSkill.required)))
    assert required == {True, False}
    korean_names = {n for n in session.scalars(sa.select(Skill.name_ko)) if HANGUL.search(n)}
    texts = " ".join(session.scalars(sa.select(SeekerProfile.summary)))
    assert any(name in texts for name in korean_names)
    assert "Python" in texts


def test_discoverable_seekers_have_a_granted_consent_and_about_half_are_discoverable(session):
    profiles = session.execute(sa.select(SeekerProfile.user_id, SeekerProfile.discoverable)).all()
    latest = {}
    for user_id, item, granted in session.execute(sa.select(Consent.user_id, Consent.item, Consent.granted)
                                                  .order_by(Consent.id)):
        latest[(user_id, item)] = granted
    for user_id, discoverable in profiles:
        assert latest[(user_id, "privacy_required")] is True
        assert latest.get((user_id, "discoverable"), False) is discoverable
    share = sum(d for _, d in profiles) / len(profiles)
    assert 0.35 <= share <= 0.75


def test_demo_accounts_count_as_confirmed_and_want_no_optional_mail(session):
    rows = session.execute(sa.select(User.email_verified_at, User.notify_matches, User.notify_followups)).all()
    assert rows and all(confirmed is not None and (matches, followups) == ("off", False)
                        for confirmed, matches, followups in rows)


@pytest.mark.parametrize("login", demo.DEMO_LOGINS, ids=lambda login: login.role)
def test_each_demo_login_signs_in(world, login):
    response = world.test_client().post("/auth/login", data={"email": login.email, "password": login.password})
    assert response.status_code == 302, response.data[:300]
    wrong = world.test_client().post("/auth/login", data={"email": login.email, "password": "wrong-password-1"})
    assert wrong.status_code != 302


def test_demo_seeker_and_employer_meet_in_gyeongnam(session):
    seeker = session.scalar(sa.select(User).where(User.email == "seeker@demo.kr"))
    profile = seeker.profile
    assert profile.home_region.slug == "gyeongnam" and profile.discoverable
    held = {s.skill_id for s in profile.skills}
    employer = session.scalar(sa.select(User).where(User.email == "employer@demo.kr"))
    open_postings = [p for p in employer.company.postings if p.status == "open"]
    assert employer.company.region.slug == "gyeongnam" and len(open_postings) >= 3
    assert all(p.region.slug == "gyeongnam" for p in open_postings)
    vision = open_postings[0]
    assert len(held & {s.skill_id for s in vision.required_skills}) >= 3
    applications = session.scalars(sa.select(Application).join(Posting)
                                   .where(Posting.company_id == employer.company_id)).all()
    assert any(a.profile_id == profile.id for a in applications)
    assert {"invited", "hired"} <= {a.status for a in applications}
    gyeongnam = session.scalar(sa.select(Region.id).where(Region.slug == "gyeongnam"))
    local = session.scalars(sa.select(SeekerProfile.id).where(
        SeekerProfile.discoverable, SeekerProfile.home_region_id == gyeongnam)).all()
    assert len(local) >= 4


def test_the_demo_logs_lists_whose_top_results_are_opened_most_and_hires_come_from_applications(session):
    rows = session.execute(sa.select(MatchInteraction.impression, MatchInteraction.side, MatchInteraction.event,
                                     MatchInteraction.profile_id, MatchInteraction.posting_id,
                                     MatchInteraction.rank)).all()
    assert {side for _, side, *_ in rows} == {"seeker", "employer"}
    shown = Counter(rank for _, _, event, _, _, rank in rows if event == "shown")
    opened = Counter(rank for _, _, event, _, _, rank in rows if event == "opened")
    top, low = range(1, 4), range(6, 11)
    assert sum(opened[r] for r in top) / sum(shown[r] for r in top) > \
        2 * sum(opened[r] for r in low) / sum(shown[r] for r in low)
    events = defaultdict(set)
    for impression, _, event, profile_id, posting_id, _ in rows:
        events[impression, profile_id, posting_id].add(event)
    hires = [found for found in events.values() if "hired" in found]
    assert hires and all(found & {"applied", "invited"} for found in hires)
    report = feedback.report(session)
    mean_shown_rank = sum(rank * n for rank, n in shown.items()) / shown.total()
    assert report["seeker"]["applied_rank"]["mean"] < mean_shown_rank - 1
    assert 0 < report["seeker"]["mrr"] < 1 and 0 < report["employer"]["ndcg@10"] < 1


def test_demo_institution_reports_cohorts_since_2023_with_outcomes(session):
    user = session.scalar(sa.select(User).where(User.email == "institution@demo.kr"))
    cohorts = session.scalars(sa.select(Cohort).where(Cohort.institution_id == user.institution_id)).all()
    assert user.institution.region.slug == "gyeongnam"
    assert {c.start_date.year for c in cohorts} == {2023, 2024, 2025, 2026}
    enrollments = session.scalars(sa.select(Enrollment).where(Enrollment.institution_id == user.institution_id)).all()
    assert {"completed", "withdrawn", "enrolled"} <= {e.status for e in enrollments}
    ids = [e.id for e in enrollments]
    assert session.scalar(sa.select(sa.func.count(Placement.id)).where(Placement.enrollment_id.in_(ids))) >= 20
    months = set(session.scalars(sa.select(FollowUp.checkpoint_month).where(FollowUp.enrollment_id.in_(ids))))
    assert months == {3, 6, 9, 12}


def test_demo_cohorts_record_budgets_so_the_demo_shows_the_cost_per_retained_local_hire(session):
    user = session.scalar(sa.select(User).where(User.email == "institution@demo.kr"))
    cohorts = session.scalars(sa.select(Cohort)).all()
    budgeted = [c for c in cohorts if c.budget_krw is not None]
    assert 0.8 * len(cohorts) <= len(budgeted) < len(cohorts)     # a few leave it unrecorded
    assert {"national", "regional_government"} <= {c.funding_source for c in budgeted}
    assert all(1_000_000 <= c.budget_krw / c.capacity <= 15_000_000 for c in budgeted)
    cost = ledger.report(session, TODAY, institution=user.institution).metrics["cost_per_local_retained_12"]
    assert cost["budget_krw"] > 0 and cost["local_retained_12"] > 0 and cost["value"] > 0


def test_outcomes_look_like_real_reporting(session):
    reasons = set(session.scalars(sa.select(Enrollment.excluded_reason).where(
        Enrollment.excluded_reason.isnot(None))))
    assert "further_study" in reasons
    placements = session.execute(sa.select(Placement.company_id, Placement.in_field, Placement.annual_wage_krw,
                                           Placement.source)).all()
    assert any(c is None for c, *_ in placements) and any(c is not None for c, *_ in placements)
    assert sum(f for _, f, _, _ in placements) > 0.7 * len(placements)
    assert all(w is None or 20_000_000 <= w <= 100_000_000 for _, _, w, _ in placements)
    assert "platform_hire" in {s for *_, s in placements}
    statuses = Counter(session.scalars(sa.select(FollowUp.status)))
    assert statuses["unknown"] > 0 and statuses["employed_same_employer"] > statuses["employed_other_employer"]
    placed = session.scalar(sa.select(sa.func.count(sa.distinct(Placement.enrollment_id))))
    followed_at_3 = session.scalar(sa.select(sa.func.count()).where(FollowUp.checkpoint_month == 3))
    assert followed_at_3 < placed  # some follow-ups are missing, or not due yet


def test_retention_is_higher_in_gyeongnam_and_ulsan_and_others_lose_people_to_the_capital(session):
    region = sa.orm.aliased(Region)
    rows = session.execute(
        sa.select(Region.slug, region.slug).select_from(FollowUp)
        .join(Enrollment, Enrollment.id == FollowUp.enrollment_id).join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Region, Region.id == Cohort.region_id).outerjoin(region, region.id == FollowUp.region_id)
        .where(FollowUp.checkpoint_month == 12, FollowUp.status != "unknown")).all()
    local, to_capital, total = Counter(), Counter(), Counter()
    for trained, works in rows:
        group = ("strong" if trained in ("gyeongnam", "ulsan") else
                 "weak" if trained in ("jeju", "gangwon", "jeonbuk") else "other")
        total[group] += 1
        local[group] += works == trained
        to_capital[group] += works in CAPITAL and trained not in CAPITAL
    assert total["strong"] >= 30 and total["weak"] >= 30
    assert local["strong"] / total["strong"] > local["weak"] / total["weak"] + 0.1
    assert to_capital["weak"] / total["weak"] > to_capital["strong"] / total["strong"]


def test_follow_ups_are_answered_by_every_source_at_response_rates_that_differ_by_cohort(session):
    assert set(session.scalars(sa.select(FollowUp.evidence))) == {"employer", "trainee", "institution",
                                                                   "insurance_record"}
    cohort_of = dict(session.execute(sa.select(Enrollment.id, Enrollment.cohort_id)).all())
    answered = set(session.execute(sa.select(FollowUp.enrollment_id, FollowUp.checkpoint_month)).all())
    due, got = Counter(), Counter()
    for trainee, start in session.execute(sa.select(Placement.enrollment_id, sa.func.min(Placement.start_date))
                                          .where(Placement.enrollment_id.isnot(None))
                                          .group_by(Placement.enrollment_id)):
        for month in (3, 6, 9, 12):
            if add_months(start, month) <= TODAY:
                due[cohort_of[trainee]] += 1
                got[cohort_of[trainee]] += (trainee, month) in answered
    cohorts = [cohort for cohort in due if due[cohort] >= 12]
    rate = sum(got[c] for c in cohorts) / sum(due[c] for c in cohorts)
    assert len(cohorts) >= 10 and rate < 0.9  # some checkpoints were never answered
    # Rates spread across cohorts far more than chance would spread one shared rate (that ratio is about 1).
    spread = sum((got[c] - due[c] * rate) ** 2 / (due[c] * rate * (1 - rate)) for c in cohorts) / (len(cohorts) - 1)
    assert spread > 1.5


def test_institutions_see_who_was_asked_by_email_and_who_answered(session):
    requests = session.scalars(sa.select(FollowUpRequest).where(FollowUpRequest.audience != "readiness")).all()
    assert {r.audience for r in requests} == {"employer", "trainee"}
    assert {r.answered_at is not None for r in requests} == {True, False}  # answered, and waiting or expired
    sources = {(f.enrollment_id, f.checkpoint_month): f.evidence for f in session.scalars(sa.select(FollowUp))}
    for request in requests:
        assert request.sent_at < request.expires_at and request.reminders <= 2
        if request.answered_at is not None:
            assert sources[(request.enrollment_id, request.checkpoint_month)] == request.audience
            assert request.sent_at < request.answered_at < request.expires_at


def test_employers_readiness_answers_show_per_programme_with_a_weaker_skill(session):
    """The demo institution sees readiness figures past suppression, and its Data programme's MLOps rates lower."""
    institution = session.scalar(sa.select(User).where(User.email == "institution@demo.kr")).institution
    groups = {group.label: group for group in readiness_figures.for_institution(session, institution)}
    assert groups and all(isinstance(group.answers, int) for group in groups.values())
    shown = {figure.skill.slug: figure.mean for group in groups.values() for figure in group.skills
             if isinstance(figure.mean, float)}
    assert shown and all(1 <= mean <= 4 for mean in shown.values())
    data = next(group for label, group in groups.items() if "MLOps" in label)
    means = {figure.skill.slug: figure.mean for figure in data.skills if isinstance(figure.mean, float)}
    assert means["mlops"] < means["python"]
    for answer in session.scalars(sa.select(ReadinessAnswer).where(ReadinessAnswer.request_id.is_not(None))):
        request = session.get(FollowUpRequest, answer.request_id)
        assert (request.audience, request.checkpoint_month, request.answer) == ("readiness", 0, "rated")
        assert request.sent_at < request.answered_at < request.expires_at


def test_the_demo_operator_runs_gyeongnam_and_no_other_region(world, session):
    operator = session.scalar(sa.select(User).where(User.email == "operator@demo.kr"))
    assert operator.role == "operator" and operator.region.slug == "gyeongnam"
    client = world.test_client()
    assert client.post("/auth/login", data={"email": "operator@demo.kr", "password": "demo-password-5"}).status_code == 302
    assert client.get("/admin/regions/gyeongnam").status_code == 200
    assert client.get("/admin/regions/busan").status_code == 404


def test_the_demo_scripts_serve_loads_publishes_its_regional_figures(tmp_path):
    """scripts/serve's world (500 seekers, 150 postings, seed 7, loaded on 2026-12-08 in Korea) publishes every
    quarter end so far. It once stopped serve: a region's 5 open postings, hidden with every count around them, were
    given away by their own "hidden" label (5 or more) and the previous quarter's 5, and the audit gave up."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-" + uuid.uuid4().hex, "SERVER_NAME": "localhost",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'serve.db'}",
                      "INDEX_DIR": str(tmp_path / "indexes")})
    with app.app_context():
        upgrade()
        db.session.remove()
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-demo", "--seekers", "500", "--postings", "150", "--seed", "7",
                                 "--no-embeddings", "--today", "2026-12-08"])
    assert seeded.exit_code == 0, seeded.output
    published = runner.invoke(args=["publish-figures", "--as-of", "2026-12-08", "--json"])
    assert published.exit_code == 0, published.output
    with app.app_context():
        release = releases.release(db.session, date(2026, 12, 8))
        for row in [*release.regions, *sum(release.institutions.values(), [])]:
            for name, metric in row.shown.items():
                for part in metric.get("suppressed", ()):
                    if part in disclosure.COUNTS and row.raw[name][part] < disclosure.THRESHOLD:
                        assert metric.get(part) is None and disclosure.display(metric, part) == "<5"
        db.engine.dispose()

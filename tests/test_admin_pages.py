"""The programme office's pages: regional dashboard and drill-down (suppressed like the public one), the skills
taxonomy editor, company verification, background jobs and the audit log (who enters: tests/test_page_audiences.py)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, insert, select

from talent_match.extensions import db
from talent_match.models import AuditEvent, BackgroundJob, Company, Skill, SkillAlias
from talent_match.services.reference import taxonomy

from . import regional_world
from .page_support import english
from .regional_world import SECRET_NAMES


@pytest.fixture
def taxonomy_restored(app):
    """The skill tables are reference data kept between tests: put back whatever a test's edits changed."""
    with app.app_context():
        skills = {skill.id for skill in db.session.scalars(select(Skill))}
        aliases = {row.id: {"id": row.id, "skill_id": row.skill_id, "alias": row.alias, "normalised": row.normalised,
                            "lang": row.lang} for row in db.session.scalars(select(SkillAlias))}
    yield
    with app.app_context():
        db.session.execute(delete(SkillAlias).where(SkillAlias.id.not_in(aliases)))
        db.session.execute(delete(Skill).where(Skill.id.not_in(skills)))
        present = set(db.session.scalars(select(SkillAlias.id)))
        missing = [row for alias_id, row in aliases.items() if alias_id not in present]
        if missing:
            db.session.execute(insert(SkillAlias), missing)
        db.session.commit()
        taxonomy.Taxonomy.invalidate()


@pytest.fixture
def office(app, login_as):
    """The programme office's client, in the regional world (tests/regional_world.py)."""
    with app.app_context():
        regional_world.build()
    client, _ = login_as("admin")
    return client


def test_the_admin_dashboard_hides_small_counts_like_the_public_one(office):
    page = office.get("/admin/").get_data(as_text=True)
    busan = re.search(r'<tr data-region="busan">(.*?)</tr>', page, re.S).group(1)
    assert "&lt;5" in busan and ">2<" not in busan
    assert page.count('class="map-region"') == 17 and 'href="/admin/regions/gyeongnam' in page
    assert "paired-bar-chart" in page                       # the country's skill gap


def test_the_region_drill_down_shows_institutions_figures_suppressed(office):
    page = office.get("/admin/regions/gyeongnam").get_data(as_text=True)
    row = re.search(r'<th scope="row">경남 AI 아카데미</th>(.*?)</tr>', page, re.S).group(1)
    assert "&lt;5" in row and not re.search(r">[1-4]<", row)  # 3 trainees, 2 completers, ... all hidden
    for secret in SECRET_NAMES:
        assert secret not in page


def test_an_admin_adds_a_skill_and_its_aliases(app, login_as, taxonomy_restored):
    client, _ = login_as("admin")
    response = client.post("/admin/skills", data={"slug": "weld-seam-tracking", "name_ko": "용접선 추적",
                                                  "name_en": "Weld seam tracking", "category": "vision",
                                                  "aliases": "용접 비드 추적, seam tracking"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/skills/weld-seam-tracking")
    response = client.post("/admin/skills/weld-seam-tracking/aliases", data={"aliases": "용접 경로 인식", "lang": ""})
    assert response.status_code == 302
    page = client.get("/admin/skills/weld-seam-tracking").get_data(as_text=True)
    for label in ("용접선 추적", "용접 비드 추적", "seam tracking", "용접 경로 인식"):
        assert label in page
    assert "weld-seam-tracking" in client.get("/admin/skills?q=용접선").get_data(as_text=True)
    with app.app_context():
        assert taxonomy.Taxonomy.from_session(db.session).resolve("용접경로인식").slug == "weld-seam-tracking"


def test_an_alias_another_skill_has_is_refused_beside_the_field(app, login_as, taxonomy_restored):
    client, _ = login_as("admin")
    response = english(client).post("/admin/skills/pytorch/aliases", data={"aliases": "파이썬", "lang": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="aliases-err"' in page and "already an alias of python" in page
    with app.app_context():
        assert taxonomy.Taxonomy.from_session(db.session).resolve("파이썬").slug == "python"


def test_a_new_skill_with_a_taken_slug_or_bad_slug_shows_the_error(login_as, taxonomy_restored):
    client, _ = login_as("admin")
    taken = english(client).post("/admin/skills", data={"slug": "python", "name_ko": "새 파이썬", "name_en": "New Py",
                                                       "category": "x"})
    assert taken.status_code == 422 and "python is already a skill" in taken.get_data(as_text=True)
    bad = client.post("/admin/skills", data={"slug": "Bad Slug", "name_ko": "가", "name_en": "A", "category": "x"})
    assert bad.status_code == 422 and 'id="slug-err"' in bad.get_data(as_text=True)


def test_an_admin_removes_an_alias_but_not_a_name(app, login_as, taxonomy_restored):
    client, _ = login_as("admin")
    assert client.post("/admin/skills/python/aliases/remove", data={"alias": "py"}).status_code == 302
    with app.app_context():
        skill = db.session.scalar(select(Skill).where(Skill.slug == "python"))
        assert "py" not in [a.alias for a in skill.aliases]
    english(client).post("/admin/skills/python/aliases/remove", data={"alias": "Python"})
    page = client.get("/admin/skills/python").get_data(as_text=True)
    assert "is the name of python" in page
    with app.app_context():
        assert taxonomy.Taxonomy.from_session(db.session).resolve("Python").slug == "python"


def test_an_unknown_skill_is_404(login_as):
    client, _ = login_as("admin")
    assert client.get("/admin/skills/no-such-skill").status_code == 404
    assert client.post("/admin/skills/no-such-skill/aliases", data={"aliases": "x"}).status_code == 404


def test_an_admin_verifies_a_company_and_the_change_is_audited(app, login_as, make_user):
    make_user("employer", company="창원정밀")
    client, admin_id = login_as("admin")
    with app.app_context():
        company_id = db.session.scalar(select(Company.id).where(Company.name == "창원정밀"))
    assert "창원정밀" in client.get("/admin/companies?unverified=1").get_data(as_text=True)
    assert client.post(f"/admin/companies/{company_id}/verified", data={"verified": "true"}).status_code == 302
    with app.app_context():
        assert db.session.get(Company, company_id).verified is True
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "company_verified"))
        assert (event.actor_id, event.object_id, event.details) == (admin_id, str(company_id), {"verified": True})
    assert "<td>창원정밀</td>" not in client.get("/admin/companies?unverified=1").get_data(as_text=True)
    client.post(f"/admin/companies/{company_id}/verified", data={"verified": "false"})
    with app.app_context():
        assert db.session.get(Company, company_id).verified is False
    assert client.post("/admin/companies/999999/verified", data={"verified": "true"}).status_code == 404


def test_background_jobs_show_their_progress(app, login_as):
    with app.app_context():
        db.session.add_all([BackgroundJob(kind="reindex", status="running", done=50, total=200, message="gyeongnam"),
                            BackgroundJob(kind="reindex", status="failed", message="RuntimeError: disk full")])
        db.session.commit()
    client, _ = login_as("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert '<progress value="50" max="200">' in page and "25.0%" in page
    assert "RuntimeError: disk full" in page and 'http-equiv="refresh"' in page


def test_the_audit_log_filters_by_action_and_pages(app, login_as):
    with app.app_context():
        db.session.add_all([AuditEvent(actor_id=None, actor_role="employer", action="candidate_viewed",
                                       object_type="profile", object_id=str(n), details={"posting_id": 7})
                            for n in range(3)])
        db.session.add_all([AuditEvent(actor_role="institution", action="export", object_type="institution",
                                       object_id="1", details={"kind": "trainees", "format": "csv"})
                            for _ in range(55)])
        db.session.commit()
    client, _ = login_as("admin")
    viewed = client.get("/admin/audit?action=candidate_viewed").get_data(as_text=True)
    assert viewed.count("<code>candidate_viewed</code>") == 3 and "<code>export</code>" not in viewed
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count("<tr>") - 1 == 50 and 'rel="next"' in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert second.count("<tr>") - 1 == 8 and 'rel="prev"' in second
    assert client.get("/admin/audit?page=abc").status_code == 200


def test_admin_figures_match_the_public_dashboard(app, office):
    public = app.test_client().get("/regions/gyeongnam").get_data(as_text=True)
    admin = office.get("/admin/regions/gyeongnam").get_data(as_text=True)
    stats = re.compile(r'<p class="stat">(.*?)</p>', re.S)
    assert stats.findall(public) == stats.findall(admin) and len(stats.findall(admin)) == 8


def test_without_a_mail_server_admins_read_the_held_mail_in_the_outbox(app, login_as):
    from talent_match.services.mail import delivery, outbox

    with app.app_context():
        outbox.queue(db.session, kind="test", to="someone@example.kr", subject="추적 조사 안내",
                     body="링크: https://example.kr/follow-ups/answer/abc")
        db.session.commit()
        delivery.deliver_queued(db.engine, None, "no-reply@example.kr")
    client, _ = login_as("admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "someone@example.kr" in page and "추적 조사 안내" in page and "/follow-ups/answer/abc" in page
    assert "held" in page and "SMTP_URL" in page
    assert "someone@example.kr" not in client.get("/admin/outbox?status=sent").get_data(as_text=True)

"""Regional operators: an operator acts for one region as the programme office does (its companies, institutions,
watched skills, figures and exports, its part of the audit log) and is refused another region's, through the pages
and the API, with nothing leaked and nothing written; the admin does all of it in every region and appoints them.

The world is tests/regional_world.py: one company in each of Seoul, Gyeongnam, Ulsan and Busan, and one institution
in Gyeongnam whose three trainees' counts are all below the threshold.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from talent_match.extensions import db
from talent_match.models import AuditEvent, Company, Institution, Posting, Region, User
from talent_match.services import audit
from talent_match.services.accounts.users import find_user

from . import regional_world
from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .conftest import PASSWORD, login
from .regional_world import SECRET_NAMES

ACADEMY = "경남 AI 아카데미"


@pytest.fixture
def world(app):
    """The regional world, and the ids of its Gyeongnam and Busan companies and a Busan institution."""
    with app.app_context():
        regional_world.build()
        busan = Institution(slug="bs-academy", name="부산 AI 아카데미", region=regional_world.region("busan"))
        db.session.add(busan)
        db.session.commit()
        ids = {slug: db.session.scalar(select(Company.id).where(Company.name == f"{slug} AI 주식회사"))
               for slug in ("gyeongnam", "busan")}
        ids["academy"] = db.session.scalar(select(Institution.id).where(Institution.slug == "gn-academy"))
        ids["busan_academy"] = busan.id
        db.session.remove()
    return ids


@pytest.fixture
def office(app, make_user):
    """office("operator") or office("admin"): a signed-in client of its own; operators act for Gyeongnam."""
    def sign_in(role: str):
        _, email = make_user(role, region="gyeongnam")
        client = app.test_client()
        assert login(client, email).status_code == 302
        return client

    return sign_in


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _verified(app, company_id) -> bool:
    with app.app_context():
        return db.session.get(Company, company_id).verified


def test_create_user_makes_an_operator_of_one_region(app, runner):
    result = runner.invoke(args=["create-user", "gn-office@example.kr", "--role", "operator", "--region",
                                 "gyeongnam", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = find_user(db.session, "gn-office@example.kr")
        assert (user.role, user.region.slug, user.email_verified_at is not None) == ("operator", "gyeongnam", True)
    result = runner.invoke(args=["create-user", "nowhere@example.kr", "--role", "operator", "--password", PASSWORD])
    assert result.exit_code == 2 and "region" in result.output


def test_an_operator_lands_on_their_region_and_sees_its_institutions_figures_suppressed(app, world, office):
    operator = office("operator")
    assert operator.get("/admin/home").headers["Location"].endswith("/admin/regions/gyeongnam")
    page = operator.get("/admin/regions/gyeongnam").get_data(as_text=True)
    row = re.search(rf'<th scope="row">{ACADEMY}</th>(.*?)</tr>', page, re.S).group(1)
    assert "&lt;5" in row and not re.search(r">[1-4]<", row)
    public = app.test_client().get("/regions/gyeongnam").get_data(as_text=True)
    stats = re.compile(r'<p class="stat">(.*?)</p>', re.S)
    assert stats.findall(page) == stats.findall(public)
    assert all(secret not in page for secret in SECRET_NAMES)
    assert 'href="/admin/"' not in page                       # the national dashboard is the admin's
    assert operator.get("/admin/").status_code == 403
    for path in ("/admin/regions/busan", "/admin/regions/busan/print", "/admin/regions/busan/institutions.csv"):
        assert operator.get(path).status_code == 404, path


def test_an_operator_exports_their_regions_breakdown_as_published(app, world, office):
    operator = office("operator")
    response = operator.get("/admin/regions/gyeongnam/institutions.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(row["group"], row["label"]) for row in rows] == [("institution", ACADEMY), ("total", "경상남도")]
    assert rows[0]["completion_rate_numerator"] == "<5" and rows[0]["completion_rate_rate"] == ""
    body = response.get_data(as_text=True)
    assert all(secret not in body for secret in SECRET_NAMES)
    sheet = load_workbook(io.BytesIO(operator.get("/admin/regions/gyeongnam/institutions.xlsx").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == list(rows[0]) and values[1][2] == ACADEMY and "<5" in values[1]
    printed = operator.get("/admin/regions/gyeongnam/print").get_data(as_text=True)
    assert ACADEMY in printed and "printable" in printed
    with app.app_context():
        exports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")
                                     .order_by(AuditEvent.id)).all()
        assert [(e.object_type, e.details["format"]) for e in exports] == [("region", "csv"), ("region", "xlsx")]
    assert operator.get("/admin/regions/busan/institutions.xlsx").status_code == 404
    assert _count(app, AuditEvent, AuditEvent.action == "export") == 2        # the refusal wrote nothing


def test_an_operator_verifies_their_regions_companies_and_not_anothers(app, world, office):
    operator = office("operator")
    listed = operator.get("/admin/companies").get_data(as_text=True)
    assert "gyeongnam AI 주식회사" in listed and "busan AI 주식회사" not in listed
    assert operator.get("/admin/companies?region=busan").status_code == 404
    assert operator.post(f"/admin/companies/{world['gyeongnam']}/verified",
                         data={"verified": "true"}).status_code == 302
    assert _verified(app, world["gyeongnam"]) is True
    refused = operator.post(f"/admin/companies/{world['busan']}/verified", data={"verified": "true"})
    assert refused.status_code == 404 and "busan AI 주식회사" not in refused.get_data(as_text=True)
    assert _verified(app, world["busan"]) is False
    assert _count(app, AuditEvent, AuditEvent.action == "company_verified") == 1


def test_the_companies_api_answers_the_operator_for_their_region_only(app, world, api):  # noqa: F811
    operator = api("operator", region="gyeongnam")
    listed = operator.get("/api/v1/companies")
    assert listed.status_code == 200 and [c["name"] for c in listed.json["items"]] == ["gyeongnam AI 주식회사"]
    assert operator.get("/api/v1/companies?region=gyeongnam").json["total"] == 1
    other = operator.get("/api/v1/companies?region=busan")
    assert other.status_code == 404 and other.mimetype == "application/problem+json"
    done = operator.post(f"/api/v1/companies/{world['gyeongnam']}/verification", json={"verified": True})
    assert done.status_code == 200 and done.json["verified"] is True and done.json["region"] == "gyeongnam"
    refused = operator.post(f"/api/v1/companies/{world['busan']}/verification", json={"verified": True})
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert "busan" not in refused.get_data(as_text=True)
    assert operator.post(f"/api/v1/companies/{world['gyeongnam']}/verification", json={}).status_code == 422
    employer = api("employer")
    for response in (employer.get("/api/v1/companies"),
                     employer.post(f"/api/v1/companies/{world['busan']}/verification", json={"verified": True})):
        assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert (_verified(app, world["gyeongnam"]), _verified(app, world["busan"])) == (True, False)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "company_verified")).all()
        assert [(e.actor_role, e.object_id) for e in events] == [("operator", str(world["gyeongnam"]))]


def test_an_operator_keeps_their_regions_institutions_list(app, world, office):
    operator = office("operator")
    listed = operator.get("/admin/institutions").get_data(as_text=True)
    assert ACADEMY in listed and "부산 AI 아카데미" not in listed
    assert operator.get("/admin/institutions?region=busan").status_code == 404
    added = operator.post("/admin/institutions", data={"region": "gyeongnam", "slug": "gn-new-school",
                                                       "name": "창원 AI 스쿨", "kind": "university"})
    assert added.status_code == 302
    taken = operator.post("/admin/institutions", data={"region": "gyeongnam", "slug": "gn-academy", "name": "다른"})
    assert taken.status_code == 422 and 'id="slug-err"' in taken.get_data(as_text=True)
    assert operator.post("/admin/institutions", data={"region": "busan", "slug": "bs-new", "name": "부산 스쿨",
                                                      "kind": "bootcamp"}).status_code == 404
    assert operator.post(f"/admin/institutions/{world['academy']}",
                         data={"name": "경남 AI 아카데미 본원", "kind": "bootcamp"}).status_code == 302
    assert operator.post(f"/admin/institutions/{world['busan_academy']}",
                         data={"name": "빼앗긴 이름", "kind": "bootcamp"}).status_code == 404
    with app.app_context():
        new = db.session.scalar(select(Institution).where(Institution.slug == "gn-new-school"))
        assert (new.region.slug, new.name, new.kind) == ("gyeongnam", "창원 AI 스쿨", "university")
        assert db.session.get(Institution, world["academy"]).name == "경남 AI 아카데미 본원"
        assert db.session.get(Institution, world["busan_academy"]).name == "부산 AI 아카데미"
        assert db.session.scalar(select(Institution).where(Institution.slug == "bs-new")) is None
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["institution_added", "institution_updated"]


def test_watched_skills_join_the_regions_skill_gap(app, world, office):
    operator = office("operator")
    assert operator.post("/admin/regions/gyeongnam/watch", data={"skill": "컴퓨터 비전"}).status_code == 302
    page = operator.get("/admin/regions/gyeongnam").get_data(as_text=True)
    row = re.search(r'<th scope="row">컴퓨터 비전 <span class="tag">(.*?)</tr>', page, re.S)
    assert row and "&lt;5" in row.group(1)               # no posting asks for it: shown, suppressed
    assert '<th scope="row">파이썬</th>' in page           # the most asked-for skills stay
    unknown = operator.post("/admin/regions/gyeongnam/watch", data={"skill": "뜨개질"})
    assert unknown.status_code == 422 and 'id="skill-err"' in unknown.get_data(as_text=True)
    assert operator.post("/admin/regions/busan/watch", data={"skill": "Python"}).status_code == 404
    assert operator.post("/admin/regions/busan/watch/remove", data={"skill": "computer-vision"}).status_code == 404
    assert "컴퓨터 비전 <span" not in app.test_client().get("/regions/gyeongnam").get_data(as_text=True)
    assert operator.post("/admin/regions/gyeongnam/watch/remove",
                         data={"skill": "computer-vision"}).status_code == 302
    assert "컴퓨터 비전" not in operator.get("/admin/regions/gyeongnam").get_data(as_text=True)


def test_a_regions_audit_log_holds_its_own_objects_events_only(app, world, office):
    with app.app_context():
        gn, bs = regional_world.region("gyeongnam"), regional_world.region("busan")
        gn_posting = db.session.scalar(select(Posting.id).where(Posting.region_id == gn.id))
        events = {"company_verified": ("company", world["gyeongnam"]), "candidates_listed": ("posting", gn_posting),
                  "institution_updated": ("institution", world["academy"]), "skill_watched": ("region", gn.id),
                  "busan_company": ("company", world["busan"]), "busan_region": ("region", bs.id),
                  "busan_institution": ("institution", world["busan_academy"]),
                  "candidate_viewed": ("profile", 1), "account_deleted": ("user", 1)}
        db.session.add_all([AuditEvent(action=action, object_type=kind, object_id=str(object_id))
                            for action, (kind, object_id) in events.items()])
        db.session.commit()
        ours = {"company_verified", "candidates_listed", "institution_updated", "skill_watched"}
        assert {e.action for e in audit.page_of_events(db.session, region=gn).events} == ours
        assert set(audit.actions(db.session, gn)) == ours
        assert {e.action for e in audit.page_of_events(db.session, region=bs).events} == \
            {"busan_company", "busan_region", "busan_institution"}
        assert audit.page_of_events(db.session).total == len(events)
    operator = office("operator")
    page = operator.get("/admin/audit").get_data(as_text=True)
    assert {action for action in events if f"<code>{action}</code>" in page} == ours
    assert operator.get("/admin/audit?region=busan").status_code == 404


def test_the_admin_does_all_of_it_in_every_region(app, world, office, api):  # noqa: F811
    admin = office("admin")
    assert admin.get("/admin/home").headers["Location"].endswith("/admin/")
    busan = admin.get("/admin/regions/busan")
    assert busan.status_code == 200 and 'href="/admin/"' in busan.get_data(as_text=True)
    assert admin.get("/admin/regions/busan/institutions.csv").status_code == 200
    assert "busan AI 주식회사" in admin.get("/admin/companies").get_data(as_text=True)
    assert admin.post(f"/admin/companies/{world['busan']}/verified", data={"verified": "true"}).status_code == 302
    assert admin.post("/admin/institutions", data={"region": "busan", "slug": "bs-new", "name": "부산 스쿨",
                                                   "kind": "bootcamp"}).status_code == 302
    assert admin.post("/admin/regions/busan/watch", data={"skill": "Python"}).status_code == 302
    assert "부산 스쿨" in admin.get("/admin/institutions").get_data(as_text=True)
    token = api("admin")
    assert token.get("/api/v1/companies").json["total"] == 4
    assert [c["name"] for c in token.get("/api/v1/companies?region=ulsan").json["items"]] == ["ulsan AI 주식회사"]
    answer = token.post(f"/api/v1/companies/{world['busan']}/verification", json={"verified": False})
    assert answer.status_code == 200 and answer.json["verified"] is False


def test_the_admin_appoints_and_switches_off_operators(app, world, office, make_user):
    admin = office("admin")
    appointed = admin.post("/admin/operators", data={"email": "ulsan-office@example.kr", "name": "울산 담당",
                                                     "region": "ulsan", "password": PASSWORD})
    assert appointed.status_code == 302
    page = admin.get("/admin/operators").get_data(as_text=True)
    assert "ulsan-office@example.kr" in page and "울산광역시" in page
    assert admin.post("/admin/operators", data={"email": "x@example.kr", "name": "x", "region": "atlantis",
                                                "password": PASSWORD}).status_code == 422
    operator = app.test_client()
    assert login(operator, "ulsan-office@example.kr").status_code == 302
    assert operator.get("/admin/regions/ulsan").status_code == 200
    with app.app_context():
        operator_id = find_user(db.session, "ulsan-office@example.kr").id
    assert admin.post(f"/admin/operators/{operator_id}/active", data={"active": "false"}).status_code == 302
    assert operator.get("/admin/regions/ulsan").status_code == 401          # every session ended
    assert login(operator, "ulsan-office@example.kr").status_code != 302
    seeker_id, _ = make_user("seeker")
    assert admin.post(f"/admin/operators/{seeker_id}/active", data={"active": "false"}).status_code == 404
    with app.app_context():
        assert db.session.get(User, operator_id).active is False and db.session.get(User, seeker_id).active
        assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == \
            ["operator_appointed", "operator_active"]
        assert db.session.get(User, operator_id).region_id == db.session.scalar(
            select(Region.id).where(Region.slug == "ulsan"))
    other = office("operator")
    assert other.get("/admin/operators").status_code == 403
    assert other.post("/admin/operators", data={"email": "y@example.kr", "region": "gyeongnam"}).status_code == 403

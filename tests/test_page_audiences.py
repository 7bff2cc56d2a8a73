"""Each audience's pages render for it and refuse everyone else: 403 to a signed-in user of another role, 401 to a
visitor who is not signed in. (tests/test_access_matrix.py holds every endpoint, every method, to the policy table;
these are the pages people land on, read as they would.)"""
import pytest

from talent_match.models import ROLES

PAGES = {
    "seeker": ["/seekers/", "/seekers/profile", "/seekers/cv", "/seekers/applications"],
    "employer": ["/employers/", "/employers/postings/new", "/employers/company"],
    "institution": ["/institutions/", "/institutions/imports", "/institutions/exports", "/institutions/report",
                    "/institutions/report/print", "/institutions/followups",
                    "/institutions/imports/templates/trainees.csv", "/institutions/exports/cohorts.csv"],
    # An operator of Gyeongnam (the users made here live there): the office's pages of their region.
    "operator": ["/admin/regions/gyeongnam", "/admin/regions/gyeongnam/print",
                 "/admin/regions/gyeongnam/institutions.csv", "/admin/regions/gyeongnam/institutions.xlsx",
                 "/admin/companies", "/admin/institutions", "/admin/audit"],
    "admin": ["/admin/", "/admin/skills", "/admin/skills/python", "/admin/jobs", "/admin/operators"],
}
ALSO = {"operator": {"admin"}}  # the admin enters every region's office pages too
# A form of the audience's that must be refused as its pages are.
FORMS = {"seeker": "/seekers/profile", "employer": "/employers/postings/new", "institution": "/institutions/cohorts",
         "operator": "/admin/institutions", "admin": "/admin/skills"}


@pytest.mark.parametrize("role,page", [(role, page) for audience, pages in PAGES.items()
                                       for role in sorted({audience, *ALSO.get(audience, ())}) for page in pages])
def test_each_page_renders_for_its_audience_and_is_never_cached(login_as, role, page):
    client, _ = login_as(role)
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("audience,role", [(audience, role) for audience in PAGES for role in ROLES
                                            if role != audience and role not in ALSO.get(audience, ())])
def test_pages_refuse_the_other_roles(login_as, audience, role):
    client, _ = login_as(role)
    assert {page: client.get(page).status_code for page in PAGES[audience]} == dict.fromkeys(PAGES[audience], 403)
    assert client.post(FORMS[audience], data={}).status_code == 403


@pytest.mark.parametrize("audience", sorted(PAGES))
def test_pages_refuse_visitors_who_are_not_signed_in(client, audience):
    assert {page: client.get(page).status_code for page in PAGES[audience]} == dict.fromkeys(PAGES[audience], 401)
    assert client.post(FORMS[audience], data={}).status_code == 401

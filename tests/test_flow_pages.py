"""Where trained people go, on the pages: the institution's report (exact, with the moves between the two
moments), the programme office's region page (suppressed, per year and per institution) and the public region page
(suppressed, per year only); another region's operator is refused.

One institution in Gyeongnam, counted by hand as of 2025-06-30:
  G-2023 (ended 2023-12-29): 8 placed in Gyeongnam and still there at 12 months, 6 placed in Seoul and still there,
         2 never placed. At placement 8 / 6 / 0 / 0+2 / 0 of 16; at 12 months 8 / 6 / 0 / 0 / 0 of 14.
  G-2024 (ended 2024-12-27): 5 placed in Gyeongnam on 2025-02-03 (12 months not due). At placement 5 of 5.
"""
from __future__ import annotations

import html as html_module
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from talent_match.extensions import db
from talent_match.models import AuditEvent, Region
from talent_match.services.outcomes import flows, releases
from talent_match.services.training import records as training

from .conftest import login
from .training_world import check, cohort, job, trainee

AS_OF = "2025-06-30"
INSTITUTION = "gn-flow"


@pytest.fixture
def world(app, make_user):
    _, email = make_user("institution", institution=INSTITUTION, region="gyeongnam")
    with app.app_context():
        session = db.session
        inst = training.institution_by_slug(session, INSTITUTION)
        cohort(session, inst, "G-2023", start="2023-03-02", end="2023-12-29")
        cohort(session, inst, "G-2024", start="2024-03-04", end="2024-12-27")
        for i in range(16):
            trainee(session, inst, "G-2023", f"a{i}", completed="2023-12-29")
        for i in range(8):
            job(session, inst, f"a{i}", "2024-02-01", "gyeongnam")
            check(session, inst, f"a{i}", 12, "employed_same_employer", "gyeongnam", on="2025-03-01")
        for i in range(8, 14):
            job(session, inst, f"a{i}", "2024-02-01", "seoul", employer="서울AI")
            check(session, inst, f"a{i}", 12, "employed_same_employer", "seoul", on="2025-03-01")
        for i in range(5):
            trainee(session, inst, "G-2024", f"b{i}", completed="2024-12-27")
            job(session, inst, f"b{i}", "2025-02-03", "gyeongnam")
        session.commit()
        db.session.remove()
    return email


def flow_rows(html: str, index: int = 0) -> list[list[str]]:
    """The cells of the index-th flow table, row by row (header cell first)."""
    tables = re.findall(r'<table class="flow-table">(.*?)</table>', html, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", tables[index], re.S)[1:]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row] for row in cells]


def signed_in(app, make_user, role, region="gyeongnam", email=None):
    client = app.test_client()
    if email is None:
        _, email = make_user(role, region=region)
    assert login(client, email).status_code == 302
    return client


def test_the_institution_sees_its_exact_flow_with_the_moves(app, make_user, world):
    client = signed_in(app, make_user, "institution", email=world)
    html = client.get(f"/institutions/report?as_of={AS_OF}").get_data(as_text=True)
    assert [row[1:] for row in flow_rows(html)] == [
        ["8", "6", "0", "2", "0", "16"], ["8", "6", "0", "0", "0", "14"],      # 2023
        ["5", "0", "0", "0", "0", "5"], ["0", "0", "0", "0", "0", "0"],        # 2024
        ["13", "6", "0", "2", "0", "21"], ["8", "6", "0", "0", "0", "14"]]     # all years
    assert 'class="chart flow-chart"' in html and "<path d=" in html       # bands: exact figures only
    moves = re.search(r'<table class="flow-moves">(.*?)</table>', html, re.S).group(1)
    assert [re.findall(r'<td class="num">(\d+)</td>', row) for row in re.findall(r"<tr>(.*?)</tr>", moves, re.S)[1:3]
            ] == [["8", "0", "0", "0", "0"], ["0", "6", "0", "0", "0"]]


def test_a_programme_or_cohort_report_shows_only_its_cohorts(app, make_user, world):
    client = signed_in(app, make_user, "institution", email=world)
    html = client.get(f"/institutions/report?group=cohort&key=G-2024&as_of={AS_OF}").get_data(as_text=True)
    assert [row[1:] for row in flow_rows(html)][-2:] == [["5", "0", "0", "0", "0", "5"],
                                                         ["0", "0", "0", "0", "0", "0"]]


def _is_protected(row: list[str]) -> bool:
    """No count under 5 shown; a line hides none of its cells (parts and total) or at least two."""
    cells = row[1:]
    shown = [int(c) for c in cells if c.isdigit()]
    return all(value >= 5 for value in shown) and len(cells) - len(shown) != 1


def test_the_public_region_page_shows_the_flow_per_year_suppressed(client, world):
    html = client.get(f"/regions/gyeongnam?as_of={AS_OF}").get_data(as_text=True)
    rows = flow_rows(html)
    assert len(rows) == 6 and all(_is_protected(row) for row in rows)
    assert html.count('<table class="flow-table">') == 1            # no institution rows in public
    assert "<5" in html and "flow-moves" not in html
    assert html.count("<path d=") == 0                               # no bands on suppressed figures
    assert all(row[3:6] == ["<5", "<5", "<5"] for row in rows)     # 0, 2 and 0 people, or none


def test_the_office_sees_the_same_years_and_the_institutions(app, make_user, client, world):
    public = flow_rows(client.get(f"/regions/gyeongnam?as_of={AS_OF}").get_data(as_text=True))
    operator = signed_in(app, make_user, "operator")
    html = operator.get(f"/admin/regions/gyeongnam?as_of={AS_OF}").get_data(as_text=True)
    assert flow_rows(html) == public
    institutions = flow_rows(html, 1)
    assert len(institutions) == 4 and all(_is_protected(row) for row in institutions)


def test_another_regions_operator_is_refused_and_nothing_is_written(app, make_user, world):
    operator = signed_in(app, make_user, "operator", region="busan")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = operator.get(f"/admin/regions/gyeongnam?as_of={AS_OF}")
    assert response.status_code == 404 and "flow-table" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_flow_hides_what_the_release_hides_of_the_same_counts(app, world):
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "gyeongnam"))
        published = releases.release(db.session, date(2025, 6, 30))
        years, institutions = flows.regional(db.session, published, region)
        row = next(r for r in published.regions if r.key[1] == "gyeongnam")
        for (stage, category), (metric, part) in flows.IN_RELEASE.items():
            if row.raw[metric][part] == years.total.counts[stage][category]:
                hidden_there = part in row.shown[metric].get("suppressed", ())
                shown_here = isinstance(years.cell(years.total, stage, category), int)
                assert not (hidden_there and shown_here), (stage, category)
        assert years.total.counts == institutions.total.counts
        db.session.remove()

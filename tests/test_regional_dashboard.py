"""The public regional dashboard: anyone may look; small counts are hidden, nothing personal is shown, the map is
shaded by the figure chosen."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from talent_match.extensions import db
from talent_match.models import Company, Posting, Region
from talent_match.services.outcomes import regional_stats, releases
from talent_match.services.training import records as training

from . import regional_world
from .page_support import english
from .regional_world import SECRET_NAMES, SEEKER_EMAIL_DOMAIN, SEEKER_NAME
from .training_world import trainee


@pytest.fixture
def world(app_ctx):
    return regional_world.build()


def row_cells(page: str, slug: str) -> list[str]:
    """The text of each cell in the table row of one region."""
    row = re.search(rf'<tr data-region="{slug}">(.*?)</tr>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def shade(page: str, slug: str) -> str:
    return re.search(rf'class="map-region" data-region="{slug}" data-shade="([^"]+)"', page).group(1)


def test_anyone_sees_the_dashboard_with_a_map_of_the_seventeen_regions(client, world):
    page = client.get("/regions/").get_data(as_text=True)
    assert page.count('class="map-region"') == 17
    assert "<title>" in page and 'href="/regions/gyeongnam' in page
    cells = row_cells(page, "gyeongnam")
    assert cells[1] == "6"                       # open postings, shown beside a definition
    assert regional_stats.DEFINITIONS_BY_LOCALE["open_postings"]["ko"] in page


def test_small_counts_are_hidden_on_the_public_dashboard(client, world):
    page = client.get("/regions/").get_data(as_text=True)
    assert row_cells(page, "busan")[1] == "&lt;5"     # 2 open postings
    assert row_cells(page, "ulsan")[3] == "&lt;5"     # 3 discoverable seekers
    assert row_cells(page, "gyeongnam")[3] == "6"
    assert row_cells(page, "gyeongnam")[4] == "&lt;5"  # 3 trainees of one cohort


def test_the_map_is_shaded_by_the_chosen_figure(client, world):
    postings = client.get("/regions/?metric=open_postings").get_data(as_text=True)
    seekers = client.get("/regions/?metric=discoverable_seekers").get_data(as_text=True)
    assert shade(postings, "seoul") == "4" and shade(postings, "busan") == "none"
    assert shade(seekers, "gyeongnam") == "4" and shade(seekers, "seoul") == "none"
    assert '<option value="discoverable_seekers" selected>' in seekers


def test_an_unknown_figure_falls_back_to_open_postings(client, world):
    page = client.get("/regions/?metric=salaries").get_data(as_text=True)
    assert '<option value="open_postings" selected>' in page


def test_no_personal_data_reaches_the_public_pages(client, world):
    for url in ("/regions/", "/regions/gyeongnam", "/regions/seoul"):
        page = client.get(url).get_data(as_text=True)
        page = re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", page)  # random: may hold "T1"
        for secret in (*SECRET_NAMES, SEEKER_NAME, SEEKER_EMAIL_DOMAIN, "T1", "T2"):
            assert secret not in page, (url, secret)


def test_a_region_page_shows_its_skill_gap_and_hides_small_outcome_counts(client, world):
    response = client.get("/regions/gyeongnam")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "paired-bar-chart" in page and "파이썬" in page
    python_row = re.search(r"<th scope=\"row\">파이썬</th>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', python_row) == ["6", "6"]
    pytorch_row = re.search(r"<th scope=\"row\">파이토치</th>(.*?)</tr>", page, re.S)
    assert pytorch_row and re.findall(r'<td class="num">([^<]*)</td>', pytorch_row.group(1)) == ["5", "&lt;5"]
    assert "경남 AI 아카데미" in page and "&lt;5" in page


def test_the_skill_gap_counts_open_postings_and_people_who_opted_in(world):
    gap = {row["skill"]: row for row in regional_stats.skill_gap(db.session, regional_world.region("gyeongnam"))}
    # The draft posting and the private seeker are left out.
    assert (gap["python"]["postings"], gap["python"]["people"]) == (6, 6)
    assert gap["sql"]["postings"] is None and gap["sql"]["suppressed"] == ["people", "postings"]
    assert list(gap) == ["python", "pytorch", "sql"]                         # most asked for first


def test_trainees_who_share_their_outcomes_count_as_the_regions_supply(world):
    seeker = regional_world.add_seeker("seoul", ["sql"], discoverable=False, index=200)
    db.session.flush()
    enrollment = training.list_enrollments(db.session, world)[0]
    enrollment.seeker_user_id, enrollment.shares_outcomes = seeker.id, True
    db.session.commit()
    gap = {row["skill"]: row for row in regional_stats.skill_gap(db.session, regional_world.region("gyeongnam"))}
    before = regional_stats.skill_gap(db.session, regional_world.region("seoul"))
    assert gap["sql"]["suppressed"] == ["people", "postings"] and before == []
    raw = regional_stats.skill_gap(db.session, regional_world.region("gyeongnam"), threshold=1)
    assert {row["skill"]: row["people"] for row in raw}["sql"] == 1


def test_an_unknown_region_is_404(client, world):
    assert client.get("/regions/atlantis").status_code == 404


def test_a_bad_date_is_said_and_today_is_shown(client, world):
    response = client.get("/regions/?as_of=2026-02-31")
    assert response.status_code == 200 and "2026-02-31" in response.get_data(as_text=True)


def test_the_institutions_table_never_shows_what_the_regional_table_hides(client, world):
    """Eleven trainees: not a small count, but hidden in the regional table to protect the other regions' cells.
    The region's institutions add up to the region, so the one institution's 11 is hidden too, and reads "hidden",
    not "<5"."""
    for number in range(4, 12):
        trainee(db.session, world, "GN-01", f"T{number}")
    db.session.commit()
    figures = regional_stats.regional_figures(db.session)
    row = next(r for r in figures.regions if r["region"] == "gyeongnam")
    assert "trainees" in row["suppressed"] and "trainees" not in row["small"]
    page = client.get("/regions/gyeongnam").get_data(as_text=True)
    assert "경남 AI 아카데미" in page and ">11<" not in page and "11/" not in page and "/11<" not in page


def test_large_companies_are_not_counted_among_the_smes_hiring(world):
    gyeongnam = db.session.scalar(sa.select(Region).where(Region.slug == "gyeongnam"))
    before = releases._counts(db.session, date.today())["smes_hiring"][gyeongnam.id]
    for size, name in (("300+", "대기업 AI"), ("50-299", "중견 AI")):
        company = Company(name=name, region_id=gyeongnam.id, size=size)
        db.session.add(company)
        db.session.flush()
        db.session.add(Posting(company_id=company.id, title="AI 엔지니어", region_id=gyeongnam.id, status="open"))
    db.session.commit()
    assert releases._counts(db.session, date.today())["smes_hiring"][gyeongnam.id] == before + 1


def test_a_figure_no_region_can_show_gets_no_map_of_hidden_tiles(client, world):
    page = english(client).get("/regions/?metric=smes_hiring").get_data(as_text=True)
    assert {row_cells(page, slug)[2] for slug in re.findall(r'<tr data-region="([a-z]+)">', page)} <= {"&lt;5", "—",
                                                                                                   "0"}
    assert 'class="map-region"' not in page and "so there is no map of it" in page
    assert client.get("/regions/").get_data(as_text=True).count('class="map-region"') == 17  # the default can show

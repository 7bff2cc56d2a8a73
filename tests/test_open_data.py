"""Open regional data: the public dashboard's figures as CSV and JSON, for anyone, with a stable schema and the
KOGL Type 1 licence; the downloads say exactly what the page shows, small counts hidden the same way.

The world is tests/regional_world.py: open postings Seoul 7, Gyeongnam 6, Ulsan 3 and Busan 2; discoverable seekers
Gyeongnam 6, Ulsan 3, Busan 2; one Gyeongnam cohort of three trainees.
"""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

from talent_match.web.figures import REGIONAL_FIGURES

from . import regional_world

# The published schema (README, "Open regional data"): changing it is a new schema_version.
SCHEMA = ["as_of", "region", "name_ko", "name_en", "capital_area", "open_postings", "smes_hiring",
          "discoverable_seekers", "placements", "trainees", "completers",
          "local_retention_12_numerator", "local_retention_12_denominator", "local_retention_12_rate",
          "local_retention_12_answered", "local_retention_12_verified",
          "capital_outflow_12_numerator", "capital_outflow_12_denominator", "capital_outflow_12_rate",
          "capital_outflow_12_answered", "capital_outflow_12_verified"]


@pytest.fixture
def world(app_ctx):
    return regional_world.build()


def download_csv(client) -> tuple[str, list[dict]]:
    response = client.get("/regions/data.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    licence, _, table = text.partition("\r\n")
    return licence, list(csv.DictReader(io.StringIO(table)))


def test_a_visitor_downloads_the_figures_as_csv_with_the_licence_and_the_schema(client, world):
    licence, rows = download_csv(client)
    assert licence.startswith("# 공공누리 제1유형") and "attribution" in licence
    assert list(rows[0].keys()) == SCHEMA
    assert len(rows) == 18 and rows[-1]["region"] == "all"
    by_region = {row["region"]: row for row in rows}
    assert by_region["seoul"]["open_postings"] == "7" and by_region["gyeongnam"]["open_postings"] == "6"
    assert by_region["busan"]["open_postings"] == "<5" and by_region["ulsan"]["discoverable_seekers"] == "<5"
    assert by_region["gyeongnam"]["trainees"] == "<5"                  # three trainees
    assert by_region["seoul"]["capital_area"] == "true"
    assert by_region["seoul"]["capital_outflow_12_rate"] == ""         # not applicable to a capital-area region


def page_counts(page: str, slug: str) -> dict:
    row = re.search(rf'<tr data-region="{slug}">(.*?)</tr>', page, re.S).group(1)
    cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)][1:]
    return {name: cell.replace(",", "") for name, cell in zip(REGIONAL_FIGURES, cells)}


def test_the_download_says_what_the_page_shows(client, world):
    page = client.get("/regions/").get_data(as_text=True)
    assert 'href="/regions/data.csv' in page and 'href="/regions/data.json' in page
    _, rows = download_csv(client)
    for row in rows[:-1]:
        shown = page_counts(page, row["region"])
        for name in REGIONAL_FIGURES[:6]:
            assert shown[name] == (row[name] or "—"), (row["region"], name)


def test_the_json_holds_the_same_rows_with_hidden_counts_null_and_named(client, world):
    document = client.get("/regions/data.json").get_json()
    _, rows = download_csv(client)
    assert document["schema_version"] == 1 and "KOGL" in document["licence"]["name"]
    assert [column["name"] for column in document["columns"]] == SCHEMA
    assert document["licence"]["attribution"].endswith(document["as_of"])
    for row, line in zip(document["rows"], rows):
        for name in SCHEMA:
            if name in row["suppressed"]:
                assert row[name] is None and line[name] == row["suppressed"][name]
            elif isinstance(row[name], bool):
                assert line[name] == str(row[name]).lower()
            else:
                assert line[name] == ("" if row[name] is None else str(row[name]))
    busan = next(row for row in document["rows"] if row["region"] == "busan")
    assert busan["open_postings"] is None and busan["suppressed"]["open_postings"] == "<5"

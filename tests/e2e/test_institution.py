"""Journey: a bootcamp imports its cohorts, trainees, placements and follow-ups from CSV files (one saved by Korean
Excel in CP949) through preview and confirmation, then reads its outcome report: figures beside their definitions,
with charts."""
from __future__ import annotations

import re

import pytest

from .support import chart_text_problems, ko, register, unique

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# Korean headers, as Korean Excel writes them; saved in CP949 below.
COHORTS = ("기수코드,과정명,지역,시작일,종료일\r\n"
           "경남-01,인공지능 실무 과정,경상남도,2024-01-08,2024-06-28\r\n"
           "경남-02,인공지능 실무 과정,gyeongnam,2024-07-01,2024-12-20\r\n")
TRAINEES = ("cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n"
            "경남-01,T001,김민준,minjun@example.kr,completed,2024-06-28,\n"
            "경남-01,T002,이서연,,completed,2024-06-28,\n"
            "경남-01,T003,박도윤,,withdrawn,,\n"
            "경남-01,T004,최지우,,completed,2024-06-28,\n"
            "경남-02,T005,정하준,,completed,2024-12-20,\n")
PLACEMENTS = ("trainee_ref,employer_name,job_title,region,start_date,annual_wage_krw,employment_type,in_field\n"
              "T001,(주)경남정밀,ML 엔지니어,gyeongnam,2024-07-15,36000000,full_time,true\n"
              'T002,부산AI,데이터 엔지니어,부산광역시,2024-09-20,"40,000,000",contract,false\n'
              "T005,(주)창원로봇,비전 엔지니어,경상남도,2025-01-13,38000000,full_time,true\n")
FOLLOWUPS = ("trainee_ref,checkpoint_month,status,region,checked_on,evidence\n"
             "T001,3,employed_same_employer,gyeongnam,2024-10-20,institution\n"
             "T002,3,not_employed,,2024-12-21,trainee\n"
             "T005,3,employed_same_employer,gyeongnam,2025-04-15,employer\n")


def import_file(page, shot, kind: str, filename: str, body: bytes, rows: int, shows: str) -> None:
    """Upload, check the preview (counts, the rows as read), confirm, and see the import confirmed."""
    page.goto("/institutions/imports")
    page.select_option("#kind", kind)
    page.set_input_files("#file", files=[{"name": filename, "mimeType": "text/csv", "buffer": body}])
    with page.expect_navigation():
        page.locator("main form[action$='/imports/preview'] button[type=submit]").click(no_wait_after=True)
    assert page.locator("h1").inner_text().strip() == ko("Preview of %(file)s") % {"file": filename}
    counts = page.locator("ul.counts strong").all_inner_texts()
    assert counts == [str(rows), "0", "0", "0"], (counts, page.locator("main").inner_text()[:2000])
    assert page.locator("main table tbody tr.action-created").count() == rows
    assert page.locator("main table tbody").get_by_text(shows, exact=True).first.is_visible()
    shot(page, f"preview-{kind}")
    with page.expect_navigation():
        page.locator("main form[action$='/imports/confirm'] button[type=submit]").click(no_wait_after=True)
    assert page.url.endswith("/institutions/imports")
    flash = page.locator(".flash-success")
    assert flash.inner_text().strip() == ko("Imported: %(created)s added, %(updated)s updated, %(unchanged)s "
                                            "unchanged.") % {"created": rows, "updated": 0, "unchanged": 0}


def test_an_institution_imports_csv_files_and_reads_its_outcome_report(browser_page, shot):
    page = browser_page()
    name = "E2E 경남 AI 아카데미"
    register(page, "institution", name="이담당", email=f"{unique('institution')}@example.kr", region="gyeongnam",
             institution=unique("e2e-academy"), institution_name=name)
    assert page.url.endswith("/institutions/")

    cp949 = COHORTS.encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        cp949.decode("utf-8")
    import_file(page, shot, "cohorts", "기수.csv", cp949, 2, "인공지능 실무 과정")  # decoded from CP949
    import_file(page, shot, "trainees", "trainees.csv", "\ufeff".encode() + TRAINEES.encode(), 5, "김민준")
    import_file(page, shot, "placements", "placements.csv", PLACEMENTS.encode(), 3, "(주)경남정밀")
    import_file(page, shot, "followups", "followups.csv", FOLLOWUPS.encode(), 3, "T005")

    page.goto("/institutions/")
    cohort = page.locator("main table tbody tr", has_text="경남-01")
    assert cohort.locator("td.num").all_inner_texts() == ["0", "3", "1"]  # enrolled, completed, withdrawn
    assert page.locator("main table tbody tr", has_text="경남-02").count() == 1

    page.goto("/institutions/report")
    assert name in page.locator("h1").inner_text()
    # Headline figures: the rate, and its numerator and denominator beside it.
    completion = page.locator(".key-figures > div", has=page.locator("h3", has_text=ko("Completion rate")))
    assert re.fullmatch(r"80(\.0)?\s*%", completion.locator(".stat").inner_text().strip())
    assert completion.locator(".parts").inner_text().strip() == ko("%(numerator)s of %(denominator)s") % {
        "numerator": 4, "denominator": 5}
    # Charts: inline SVG, labelled for screen readers.
    charts = page.locator("figure.chart-figure svg")
    assert charts.count() >= 2
    assert all(svg.get_attribute("role") == "img" and svg.locator("title").count() for svg in charts.all())
    assert chart_text_problems(page) == []  # Hangul legends are wider than Latin ones
    # Every figure in the tables sits beside its definition, with its numerator and denominator.
    rows = page.locator("table.figures tbody tr")
    assert rows.count() >= 8
    for row in rows.all():
        assert row.locator("th .definition").inner_text().strip(), row.inner_text()
        rate, numerator, denominator = (cell.strip() for cell in row.locator("td.num").all_inner_texts())
        assert rate and re.fullmatch(r"[\d,]+|—", numerator) and re.fullmatch(r"[\d,]+|—", denominator), \
            row.inner_text()
    placed = page.locator("table.figures tbody tr", has=page.locator("th", has_text=ko("Placed within 90 days")))
    assert [c.strip() for c in placed.locator("td.num").all_inner_texts()][1:] == ["3", "4"]
    shot(page, "report")
    shot(page.locator("figure.chart-figure").first, "report-chart")

    # The breakdown by cohort links each cohort's own report.
    with page.expect_navigation():
        page.locator("main table a", has_text="경남-01").first.click(no_wait_after=True)
    assert "경남-01" in page.locator("h1").inner_text()
    assert page.locator("figure.chart-figure svg").count() >= 2
    shot(page, "report-cohort")

    # In English the legend's longer names still fit: the chart wraps it rather than cutting it off.
    with page.expect_navigation():
        page.click("#lang-switch", no_wait_after=True)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("figure.chart-figure svg").count() >= 2
    assert chart_text_problems(page) == []
    shot(page.locator("figure.chart-figure").first, "report-chart-english")

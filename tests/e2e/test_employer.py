"""Journey: an SME registers, posts a job in its region, sees ranked candidates for it (discoverable people who
work in or accept that region), and sees a seeker's application arrive in its pipeline."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from .support import confirm_email, ko, query, register, save_profile, submit, unique

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

REGION = "ulsan"  # no other journey puts seekers here, so the candidate list is known while this test runs


def expected_candidates(server) -> set[int]:
    """Discoverable profiles of confirmed addresses whose home or accepted regions include the posting's region."""
    rows = query(server, """
        SELECT p.id FROM seeker_profile p JOIN region r ON r.slug = ? JOIN "user" u ON u.id = p.user_id
        WHERE p.discoverable AND u.email_verified_at IS NOT NULL AND (p.home_region_id = r.id OR EXISTS (
            SELECT 1 FROM profile_accepted_region a WHERE a.profile_id = p.id AND a.region_id = r.id))""", REGION)
    return {row[0] for row in rows}


def candidate_ids(page) -> set[int]:
    return {int(re.sub(r"\D", "", h3.get_attribute("id"))) for h3 in page.locator("article.match h3").all()}


def test_an_employer_posts_a_job_sees_ranked_regional_candidates_and_an_application(browser_page, live_server,
                                                                                     shot):
    employer = browser_page()
    employer_email = f"{unique('employer')}@example.kr"
    register(employer, "employer", name="박대표", email=employer_email, region=REGION,
             company=unique("(주)울산로보틱스"))
    assert employer.url.endswith("/employers/")
    confirm_email(employer, live_server, employer_email)  # posting needs a confirmed address
    employer.goto("/employers/")

    # A new posting, open, in Ulsan.
    with employer.expect_navigation():
        employer.locator("main a.button.primary").click(no_wait_after=True)
    title = unique("머신러닝 엔지니어 (울산 공정 데이터)")
    deadline = dt.datetime.now(ZoneInfo("Asia/Seoul")).date() + dt.timedelta(days=30)
    employer.fill("#title", title)
    employer.fill("#description", "울산 화학 공정의 센서 데이터로 품질 예측 모델을 만들고 운영합니다.\n\nPython과 머신러닝 경험자를 찾습니다.")
    employer.fill("#required_skills", "Python, 머신러닝")
    employer.fill("#preferred_skills", "PyTorch")
    employer.fill("#min_experience", "0")
    employer.fill("#salary_min", "36,000,000")
    employer.fill("#salary_max", "48,000,000")
    employer.select_option("#employment_type", "full_time")
    employer.select_option("#work_mode", "onsite")
    employer.select_option("#region", REGION)
    employer.fill("#city", "울산 남구")
    employer.fill("#openings", "1")
    employer.fill("#deadline", deadline.isoformat())
    employer.select_option("#status", "open")
    submit(employer, "main form.card")
    assert re.search(r"/employers/postings/\d+$", employer.url), employer.locator("main").inner_text()[:2000]
    assert employer.locator("h1").inner_text().strip() == title
    assert employer.locator(".flash-success").count() == 1
    assert employer.locator("main > p .tag.status-open").is_visible()
    posting_url = employer.url

    # A seeker in Ulsan with the skills asked for, who lets employers find them.
    seeker = browser_page()
    seeker_email = f"{unique('ulsan-seeker')}@example.kr"
    register(seeker, "seeker", name="최울산", email=seeker_email, region=REGION)
    confirm_email(seeker, live_server, seeker_email)  # employers find confirmed addresses only
    headline = unique("울산 데이터 분석가")
    save_profile(seeker, home_region=REGION, skills="Python, 머신러닝, PyTorch", headline=headline, discoverable=True,
                 summary="공정 센서 데이터 분석과 머신러닝 모델 운영을 해왔습니다.")

    # The employer's ranked candidates: exactly the discoverable people in or accepting Ulsan, best first.
    employer.goto(posting_url)
    expected = expected_candidates(live_server)
    shown = candidate_ids(employer)
    assert shown == expected if len(expected) <= 20 else shown <= expected, (shown, expected)
    all_discoverable = {row[0] for row in query(live_server, "SELECT id FROM seeker_profile WHERE discoverable")}
    assert expected < all_discoverable, "discoverable people elsewhere exist and are left out"
    scores = [int(re.search(r"(\d+)\s*%", text).group(1))
              for text in employer.locator("article.match .score-value").all_inner_texts()]
    assert scores == sorted(scores, reverse=True), scores
    card = employer.locator("article.match", has_text=headline)
    assert card.count() == 1
    assert card.locator("svg.score-parts").is_visible()
    assert card.locator(".tag.ok").count() >= 2, card.inner_text()  # Python and 머신러닝 are shared
    assert card.locator("button[type=submit]").is_visible()  # may be invited
    assert employer.locator("#pipeline").get_by_text(ko("No applications yet.")).is_visible()
    shot(employer, "candidates")

    # The seeker finds the posting among their matches and applies.
    seeker.goto("/seekers/")
    with seeker.expect_navigation():
        seeker.locator("article.match h2 a", has_text=title).click(no_wait_after=True)
    seeker.fill("#note", "공정 데이터 경험이 있습니다.")
    submit(seeker, "#apply form")
    assert seeker.locator("#apply .tag.status-applied").is_visible()

    # The application is in the employer's pipeline, with the contact details that applying disclosed.
    employer.reload()
    row = employer.locator("#pipeline tbody tr", has_text=headline)
    assert row.count() == 1
    assert row.locator(".tag.status-applied").inner_text().strip() == ko("Applied")
    assert row.get_by_text("최울산").is_visible()
    assert row.get_by_role("link", name=re.compile(r"ulsan-seeker-.*@example\.kr")).is_visible()
    assert "공정 데이터 경험이 있습니다." in row.inner_text()
    card = employer.locator("article.match", has_text=headline)
    assert card.get_by_text(ko("Already invited or applied.")).is_visible()
    assert card.locator("form[action*='/invite/']").count() == 0
    shot(employer, "pipeline")

    # Moving it on: the pipeline shows the new status.
    submit(employer, f"#pipeline tbody tr:has-text('{headline}') form[action$='/reviewing']")
    row = employer.locator("#pipeline tbody tr", has_text=headline)
    assert row.locator(".tag.status-reviewing").inner_text().strip() == ko("In review")
    shot(employer, "pipeline-reviewing")

    employer.goto("/employers/")
    summary = employer.locator("main table tbody tr", has_text=title)
    assert summary.locator("td.num").all_inner_texts() == ["0", "1", "0"]  # invited, active, hired

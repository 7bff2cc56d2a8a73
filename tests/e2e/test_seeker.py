"""Journey: a job seeker registers in Korean, fills a profile, sees regional matches with their reasons, applies."""
from __future__ import annotations

import re

import pytest

from .support import ko, query, region_names, register, save_profile, submit, unique

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

HOME = "gyeongnam"


def accepted_region(server) -> str:
    """A region other than the home region with an open demo posting: the one this seeker also accepts."""
    rows = query(server, "SELECT r.slug, count(*) FROM posting p JOIN region r ON r.id = p.region_id "
                         "WHERE p.status = 'open' AND r.slug NOT IN (?, 'ulsan') GROUP BY r.slug ORDER BY 2 DESC, 1",
                 HOME)
    assert rows, "the demo world should have open postings outside the home region"
    return "busan" if "busan" in {slug for slug, _n in rows} else rows[0][0]


def test_a_seeker_registers_fills_a_profile_sees_regional_matches_and_applies(browser_page, live_server, shot):
    names = region_names(live_server)
    other = accepted_region(live_server)
    page = browser_page()

    # Register in the Korean interface.
    page.goto("/auth/register")
    assert page.locator("html").get_attribute("lang") == "ko"
    email = f"{unique('seeker')}@example.kr"
    register(page, "seeker", name="김이투", email=email, region=HOME)
    assert page.url.endswith("/seekers/")

    # The profile: home region, one more accepted region, skills by their Korean alias and in English, discoverable.
    headline = unique("제조 AI 엔지니어 지망생")
    save_profile(page, home_region=HOME, accepted=(other,), skills="Python, 머신러닝, 컴퓨터 비전", headline=headline,
                 discoverable=True, summary="창원 제조 현장의 불량 검출 모델을 만들고 싶습니다. PyTorch와 OpenCV를 공부했습니다.")
    skills = page.input_value("#skills")
    # Known skills are recognised and shown by their Korean names: Python is 파이썬, 머신러닝 stays itself.
    assert "파이썬" in skills and "머신러닝" in skills and "컴퓨터 비전" in skills, skills
    assert page.locator("#home_region").input_value() == HOME
    assert page.locator(f"input[name=accepted_regions][value={other}]").is_checked()
    assert page.locator("#discoverable").is_checked()
    shot(page, "profile-saved")

    # Matches: only open postings in the home and the accepted region, each with its score parts and reasons.
    page.goto("/seekers/")
    expected = {title: slug for title, slug in query(
        live_server, "SELECT p.title, r.slug FROM posting p JOIN region r ON r.id = p.region_id "
                     "WHERE p.status = 'open' AND r.slug IN (?, ?)", HOME, other)}
    cards = page.locator("article.match")
    assert cards.count() == min(len(expected), 20), page.locator("main").inner_text()[:2000]
    assert {card.locator("h2").inner_text().strip() for card in cards.all()} <= set(expected)
    elsewhere = [name for slug, name in names.items() if slug not in (HOME, other)]
    reasons = {"home": ko("In your home region, %(region)s.") % {"region": names[HOME]},
               "accepted": ko("In %(region)s, a region you said you would work in.") % {"region": names[other]}}
    seen_reasons, matched_skills = set(), 0
    for card in cards.all():
        title = card.locator("h2").inner_text().strip()
        facts = card.locator("p.muted").first.inner_text()
        assert names[expected[title]] in facts and not any(name in facts for name in elsewhere), facts
        reason = card.locator(".region-reason").inner_text().strip()
        assert reason == reasons["home" if expected[title] == HOME else "accepted"], reason
        seen_reasons.add(reason)
        assert re.search(r"\d+\s*%", card.locator(".score-value").inner_text())
        card.locator(".score-details summary").click()
        parts = card.locator(".score-details li").count()
        assert parts >= 3  # skills, keywords and experience at least: only the parts that carry weight
        assert card.locator("svg.score-parts rect").count() == parts + 1  # the track and one segment per part
        matched_skills += card.locator(".tag.ok").count()
    assert seen_reasons == set(reasons.values()), "matches from both the home and the accepted region"
    assert matched_skills > 0, "some matches should name the skills the seeker shares with the posting"
    shot(page, "matches")

    # Apply to the best match.
    best = cards.first
    title = best.locator("h2").inner_text().strip()
    with page.expect_navigation():
        best.locator("a.button.primary").click(no_wait_after=True)
    assert page.locator("h1").inner_text().strip() == title
    page.fill("#note", "다음 달부터 근무 가능합니다. 잘 부탁드립니다.")
    submit(page, "#apply form")
    assert page.locator(".flash-success").count() == 1
    assert page.locator("#apply .tag.status-applied").inner_text().strip() == ko("Applied")
    shot(page, "applied")

    page.goto("/seekers/applications")
    row = page.locator("main table tbody tr", has_text=title)
    assert row.count() == 1
    assert row.locator(".tag.status-applied").is_visible()
    shot(page, "applications")

"""Journeys with the keyboard alone: a visitor skips to the content and signs in; the seeker opens a match, reads
why it scored, and applies; the employer opens a posting and invites a candidate; every stop shows where the focus
is."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from talent_match.services.demo.logins import DEMO_LOGINS

from .support import DEMO_SEEKER

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || e.value || '').trim().slice(0, 80),
          href: e.getAttribute('href') || '', card: !!e.closest('article.match'),
          score: !!e.closest('.score-details'),
          open: !!(e.closest('tr') && e.closest('tr').querySelector('.status-open')), visible: s.outlineStyle !== 'none' || s.boxShadow !== 'none'}; }"""


def tab_until(page, wanted, limit: int = 150) -> dict:
    """Press Tab until the focused element is the one wanted; each element passed on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["visible"], f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("never reached by Tab")


def test_a_visitor_skips_to_the_content_and_signs_in_with_the_keyboard(browser_page):
    page = browser_page()
    page.goto("/auth/login")
    first = tab_until(page, lambda f: True)
    assert first["href"] == "#main"  # the first stop skips the header
    page.keyboard.press("Enter")
    tab_until(page, lambda f: f["id"] == "email")
    page.keyboard.type(DEMO_SEEKER[0])
    tab_until(page, lambda f: f["id"] == "password")
    page.keyboard.type(DEMO_SEEKER[1])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/seekers/"


def test_a_seeker_opens_a_match_reads_its_score_and_applies_with_the_keyboard(browser_page):
    page = browser_page()
    page.goto("/auth/login")
    page.fill("#email", DEMO_SEEKER[0])
    page.fill("#password", DEMO_SEEKER[1])
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The score's parts open from the keyboard.
    tab_until(page, lambda f: f["tag"] == "summary" and f["score"])  # "Why this score", in either language
    page.keyboard.press("Enter")
    assert page.locator(".score-details[open]").count() == 1

    # A posting opens from its link; the application goes out from the keyboard.
    tab_until(page, lambda f: f["tag"] == "a" and "/seekers/postings/" in f["href"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    heading = page.locator("h1").inner_text().strip()
    assert heading, "a posting page"
    if page.locator("#note").count() == 0:  # the demo seeker applied to this one already
        return
    tab_until(page, lambda f: f["id"] == "note")
    page.keyboard.type("키보드로 지원합니다.")
    tab_until(page, lambda f: f["tag"] == "button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".flash-success").count() == 1, page.locator("main").inner_text()[:500]
    assert page.locator("#apply .tag.status-applied").count() == 1


def test_an_employer_opens_a_posting_and_invites_a_candidate_with_the_keyboard(browser_page):
    employer = next(login for login in DEMO_LOGINS if login.role == "employer")
    page = browser_page()
    page.goto("/auth/login")
    tab_until(page, lambda f: f["id"] == "email")
    page.keyboard.type(employer.email)
    tab_until(page, lambda f: f["id"] == "password")
    page.keyboard.type(employer.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, lambda f: f["tag"] == "a" and f["open"] and re.search(r"/employers/postings/\d+$", f["href"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    invites = page.locator("article.match button[type=submit]").count()
    assert invites, "the demo posting has candidates to invite"
    tab_until(page, lambda f: f["tag"] == "button" and f["card"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".flash-success").count() == 1, page.locator("main").inner_text()[:500]

"""Journey: Korean by default, English on request, and back again, for a visitor and for a signed-in seeker."""
from __future__ import annotations

import pytest

from .support import DEMO_SEEKER, ko, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def switch_language(page) -> None:
    with page.expect_navigation():
        page.click("#lang-switch", no_wait_after=True)


def test_the_language_switch_goes_from_korean_to_english_and_back(browser_page, shot):
    page = browser_page()
    page.goto("/")
    # A visitor: Korean is the default; the switch offers English, and says so in English.
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("#lang-switch").inner_text().strip() == "English"
    shot(page, "visitor-korean")
    switch_language(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#lang-switch").inner_text().strip() == "한국어"
    assert page.get_by_role("heading", name="AI jobs in your region, and the people to fill them").is_visible()
    assert page.locator("header .account").get_by_text("Sign in", exact=True).is_visible()
    shot(page, "visitor-english")
    switch_language(page)
    assert page.locator("html").get_attribute("lang") == "ko"

    # A seeker: the navigation is in Korean, then in English on the same page, then in Korean again.
    sign_in(page, *DEMO_SEEKER)
    assert page.url.endswith("/seekers/")
    nav = page.locator("header nav")
    korean = ko("My matches")
    assert korean != "My matches", "the Korean catalogue should translate the seeker's navigation"
    assert nav.get_by_role("link", name=korean).is_visible()
    assert page.locator("h1").inner_text().strip() == korean
    shot(page, "seeker-korean")

    switch_language(page)
    assert page.url.endswith("/seekers/"), "the switch should come back to the page it was pressed on"
    assert page.locator("html").get_attribute("lang") == "en"
    assert nav.get_by_role("link", name="My matches").is_visible()
    assert page.locator("h1").inner_text().strip() == "My matches"
    assert nav.get_by_text(korean).count() == 0
    shot(page, "seeker-english")

    switch_language(page)
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text().strip() == korean
    assert nav.get_by_role("link", name="My matches").count() == 0

"""The main pages as people see them, at a phone's width and a desktop's, in Korean: each page answers, fits its
width, and is photographed (the top of the page). `SCREENSHOTS_DIR=docs/screenshots` refreshes the README's
pictures; otherwise they go to artifacts/screenshots/pages."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from talent_match.services.demo.logins import DEMO_LOGINS

from .support import ROOT, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

LOGINS = {login.role: (login.email, login.password) for login in DEMO_LOGINS}
PAGES = [  # (who, address, name)
    (None, "/", "home"),
    (None, "/regions/", "regional-dashboard"),
    (None, "/api/docs", "api-docs"),
    ("seeker", "/seekers/", "seeker-matches"),
    ("seeker", "/seekers/profile", "seeker-profile"),
    ("employer", "/employers/", "employer-dashboard"),
    ("institution", "/institutions/report", "institution-report"),
    ("admin", "/admin/", "admin-regions"),
]
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_main_pages_fit_and_are_photographed(browser_page, size):
    target = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "artifacts" / "screenshots" / "pages")
    target = target if target.is_absolute() else ROOT / target
    target.mkdir(parents=True, exist_ok=True)
    pages = {}
    for who, address, name in PAGES:
        if who not in pages:
            pages[who] = browser_page(viewport=WIDTHS[size], is_mobile=size == "phone", has_touch=size == "phone")
            if who:
                sign_in(pages[who], *LOGINS[who])
        page = pages[who]
        response = page.goto(address)
        assert response.status == 200, (address, response.status)
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{address} overflows at {size}"
        page.screenshot(path=str(target / f"{name}-{size}.png"))

"""Crawl: every page reachable from each role's navigation, in Korean and English, at 390 px and 1280 px, has no
horizontal page scroll and no serious or critical axe-core violation of WCAG 2.1 A/AA.

The crawl follows the navigation's links, then the links inside each of those pages (one of each address shape:
/postings/12 and /postings/31 are one shape), so a detail page is checked once per role, not once per row.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from talent_match.services.demo.logins import DEMO_LOGINS

from .support import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (390, 1280)
ROLES = {"visitor": None, **{login.role: (login.email, login.password) for login in DEMO_LOGINS}}
# Not pages: downloads, printouts, the API's JSON, and anything that signs out or switches the language.
NOT_A_PAGE = re.compile(r"^/(api/v1|static|lang|auth/logout)|\.(csv|xlsx|json|png|svg)$|/(export|download|print)")
MAX_PAGES = 60

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""
# The elements sticking out past the right edge, deepest first, to name what overflows.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 1)).slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && e.className.baseVal === undefined
      ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : ''} (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
}"""


def _shape(path: str) -> str:
    return re.sub(r"/\d+|/[0-9a-f]{16,}", "/N", path)


def _links(page, inside: str) -> list[str]:
    hrefs = page.eval_on_selector_all(f"{inside} a[href]", "links => links.map(a => a.getAttribute('href'))")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or NOT_A_PAGE.search(parts.path):
            continue
        paths.append(parts.path)
    return paths


def _crawl_list(page) -> list[str]:
    """The navigation's pages, then one page of each address shape linked from inside them."""
    page.goto("/")
    start = [urlsplit(page.url).path] + _links(page, "header nav")  # the role's home, then its menu
    seen_shapes, pages = set(), []
    for path in dict.fromkeys(start):
        if _shape(path) not in seen_shapes:
            seen_shapes.add(_shape(path))
            pages.append(path)
    for path in list(pages):
        page.goto(path)
        for inner in _links(page, "main"):
            if _shape(inner) not in seen_shapes and len(pages) < MAX_PAGES:
                seen_shapes.add(_shape(inner))
                pages.append(inner)
    return pages


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_passes_axe(browser_page, role, language):
    page = browser_page(bypass_csp=True, locale="ko-KR" if language == "ko" else "en-US")
    if ROLES[role]:
        sign_in(page, *ROLES[role])
    if language == "en":
        page.goto("/")
        with page.expect_navigation():
            page.click("#lang-switch", no_wait_after=True)
    problems = []
    pages = _crawl_list(page)
    assert len(pages) >= 3, f"the crawl found too little for {role}: {pages}"
    for path in pages:
        response = page.goto(path)
        if response is None or response.status >= 400:
            problems.append(f"{path}: answered {response.status if response else 'nothing'}")
            continue
        assert page.locator("html").get_attribute("lang") == language, path
        page.add_script_tag(content=AXE)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for element in page.evaluate(OVERFLOW):
                problems.append(f"{path} at {width} px: page scrolls sideways, {element}")
            for violation in page.evaluate(RUN_AXE, AXE_TAGS):
                problems.append(f"{path} at {width} px: {violation}")
    assert not problems, f"{role}, {language}, {len(pages)} pages:\n" + "\n".join(problems)

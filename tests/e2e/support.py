"""What the journeys share: the demo accounts, and filling the site's forms the way a person does (by field, so
it works whatever language the labels are in)."""
from __future__ import annotations

import contextlib
import functools
import re
import secrets
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The demo seeker seed-demo creates (services.demo.DEMO_LOGINS); the other journeys register their own people.
DEMO_SEEKER = ("seeker@demo.kr", "demo-password-1")
PASSWORD = "e2e-correct-horse-battery"


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


@functools.lru_cache(maxsize=1)
def _korean():
    from babel.support import Translations

    return Translations.load(str(ROOT / "talent_match" / "translations"), ["ko"], domain="messages")


def ko(message: str) -> str:
    """The Korean the server shows for an English source string (its compiled catalogue), or the string itself
    while it is untranslated."""
    return _korean().gettext(message)


def submit(page, form_selector: str = "main form") -> None:
    """Press the form's primary submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").last.click(no_wait_after=True)


def register(page, role: str, *, name: str, email: str, region: str, company: str = "", institution: str = "",
             institution_name: str = "") -> None:
    """Fill and send the registration form (by field names, so it works whatever the labels' language), then sign
    in: registering answers "check your email" on the sign-in page, the same whether or not the address is new."""
    page.goto("/auth/register")
    page.select_option("#role", role)
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.select_option("#region", region)
    if company:
        page.fill("#company", company)
    if institution:
        page.fill("#institution", institution)
    if institution_name:
        page.fill("#institution_name", institution_name)
    page.check("#privacy")
    submit(page, "main form")
    assert page.url.endswith("/auth/login") and page.locator(".flash-info").count() == 1, \
        page.locator("main").inner_text()
    sign_in(page, email, PASSWORD)


def confirm_email(page, server, email: str) -> None:
    """Follow the confirmation link the server mailed to `email` (the live server has no SMTP: the message waits in
    its outbox) and press the page's button, as the person would."""
    [(body,)] = query(server, "SELECT body_text FROM outbox_message WHERE to_address = ? AND kind = 'confirm_address' "
                              "ORDER BY id DESC LIMIT 1", email)
    page.goto(re.search(r"https?://[^/\s]+(/account/confirm/\S+)", body).group(1))
    submit(page, "main section form")
    assert page.locator("#confirm-email").count() == 0, page.locator("main").inner_text()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    submit(page, "main form")
    assert "/auth/login" not in page.url, page.locator("main").inner_text()


def save_profile(page, *, home_region: str, accepted: tuple[str, ...] = (), skills: str, headline: str,
                 discoverable: bool, years: str = "1", summary: str = "") -> None:
    """Fill the seeker profile form and save it; asserts the page confirms it."""
    page.goto("/seekers/profile")
    page.select_option("#kind", "bootcamp_graduate")
    page.fill("#headline", headline)
    if summary:
        page.fill("#summary", summary)
    page.fill("#years_experience", years)
    page.fill("#skills", skills)
    page.select_option("#home_region", home_region)
    for box in page.locator("input[name=accepted_regions]").all():
        box.set_checked(box.get_attribute("value") in accepted)
    page.locator("#discoverable").set_checked(discoverable)
    submit(page, "main form.card")
    assert page.url.endswith("/seekers/profile"), page.url
    assert page.locator(".flash-success").count() == 1, page.locator("main").inner_text()


def query(server, sql: str, *params) -> list[tuple]:
    """Read the live server's database (read-only): what the pages should show, worked out independently."""
    with contextlib.closing(sqlite3.connect(f"file:{server.database}?mode=ro", uri=True, timeout=30)) as conn:
        return conn.execute(sql, params).fetchall()


def region_names(server) -> dict[str, str]:
    """slug -> Korean name, for every region."""
    return dict(query(server, "SELECT slug, name_ko FROM region"))


CHART_TEXT_PROBLEMS = """svg => {
  const view = svg.viewBox.baseVal, problems = [];
  const items = [...svg.querySelectorAll('text, line[stroke-width="4"]')]
    .map(element => ({box: element.getBBox(), name: element.textContent.trim() || 'legend swatch'}));
  for (const item of items) {
    if (item.box.x < view.x - 0.5 || item.box.x + item.box.width > view.x + view.width + 0.5) {
      problems.push('outside the chart: ' + item.name);
    }
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i].box, b = items[j].box;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) {
        problems.push('overlapping: ' + items[i].name + ' / ' + items[j].name);
      }
    }
  }
  return problems;
}"""


def chart_text_problems(page) -> list[str]:
    """Texts and legend swatches of the page's SVG charts that overlap or run outside their chart, as drawn."""
    return [problem for svg in page.locator("figure.chart-figure svg").all()
            for problem in svg.evaluate(CHART_TEXT_PROBLEMS)]

"""Load scenario: seekers browsing their matches, employers reading ranked candidates, institutions opening reports,
and anonymous visitors on the public pages. Run it with scripts/loadtest (which seeds the demo data first), or:

    locust -f scripts/locustfile.py --host http://127.0.0.1:5000

It signs in with the demo accounts `seed-demo` creates (one per role: services/demo/logins.py), once per role at
the start, and every simulated user of that role shares the session: signing in fifty times a minute would only
test the login rate limit. Requests are named by route (ids replaced by [id]) so the statistics group by page.
"""
from __future__ import annotations

import random
import re

from locust import HttpUser, between, events, task  # first: locust patches the standard library with gevent

import requests  # noqa: E402,I001
from talent_match.services.demo.logins import DEMO_LOGINS as _DEMO  # noqa: E402 - the accounts seed-demo creates

DEMO_LOGINS = {login.role: (login.email, login.password) for login in _DEMO if login.role != "admin"}
SESSIONS: dict[str, dict] = {}
USER_AGENT = "talent-match-loadtest"  # the same for the sign-in and the users: sessions are bound to it


@events.test_start.add_listener
def _sign_in(environment, **_kwargs):
    for role, (email, password) in DEMO_LOGINS.items():
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        page = session.get(f"{environment.host}/auth/login", timeout=60)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        response = session.post(f"{environment.host}/auth/login", allow_redirects=False, timeout=60,
                                data={"email": email, "password": password,
                                      "csrf_token": token.group(1) if token else ""})
        if response.status_code != 302:
            raise RuntimeError(f"demo {role} could not sign in ({response.status_code}); run `flask seed-demo`")
        SESSIONS[role] = session.cookies.get_dict()


def _ids(pattern: str, html: str) -> list[int]:
    return sorted({int(found) for found in re.findall(pattern, html)})


class SignedIn(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1.0, 5.0)  # a person reads a page for a few seconds before the next click

    def on_start(self):
        self.client.headers["User-Agent"] = USER_AGENT
        for name, value in SESSIONS.get(self.role, {}).items():
            self.client.cookies.set(name, value)

    def page(self, url: str, name: str | None = None) -> str:
        with self.client.get(url, name=name or url, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return ""
            return response.text


class Seeker(SignedIn):
    role = "seeker"
    weight = 5

    def on_start(self):
        super().on_start()
        self.postings = _ids(r'/seekers/postings/(\d+)"', self.page("/seekers/"))

    @task(5)
    def matches(self):
        html = self.page("/seekers/")
        self.postings = _ids(r'/seekers/postings/(\d+)"', html) or self.postings

    @task(2)
    def filtered_matches(self):
        self.page(random.choice(["/seekers/?work_mode=onsite", "/seekers/?sort=salary", "/seekers/?page=2",
                                 "/seekers/?skills=Python"]), name="/seekers/?[filters]")

    @task(3)
    def posting(self):
        if self.postings:
            self.page(f"/seekers/postings/{random.choice(self.postings)}", name="/seekers/postings/[id]")

    @task(1)
    def applications(self):
        self.page("/seekers/applications")

    @task(1)
    def profile(self):
        self.page("/seekers/profile")


class Employer(SignedIn):
    role = "employer"
    weight = 3

    def on_start(self):
        super().on_start()
        self.postings = _ids(r'/employers/postings/(\d+)"', self.page("/employers/"))
        self.candidates: dict[int, list[int]] = {}

    @task(1)
    def dashboard(self):
        self.postings = _ids(r'/employers/postings/(\d+)"', self.page("/employers/")) or self.postings

    @task(4)
    def ranked_candidates(self):
        if self.postings:
            posting = random.choice(self.postings)
            html = self.page(f"/employers/postings/{posting}", name="/employers/postings/[id]")
            self.candidates[posting] = _ids(rf'/employers/postings/{posting}/candidates/(\d+)"', html)

    @task(3)
    def candidate(self):
        known = [(p, c) for p, cs in self.candidates.items() for c in cs]
        if known:
            posting, profile = random.choice(known)
            self.page(f"/employers/postings/{posting}/candidates/{profile}",
                      name="/employers/postings/[id]/candidates/[id]")


class Institution(SignedIn):
    role = "institution"
    weight = 2

    def on_start(self):
        super().on_start()
        self.cohorts = _ids(r'/institutions/cohorts/(\d+)"', self.page("/institutions/"))

    @task(3)
    def report(self):
        self.page(random.choice(["/institutions/report", "/institutions/report?by=programme",
                                 "/institutions/report?by=year"]), name="/institutions/report")

    @task(1)
    def dashboard(self):
        self.page("/institutions/")

    @task(2)
    def cohort(self):
        if self.cohorts:
            self.page(f"/institutions/cohorts/{random.choice(self.cohorts)}", name="/institutions/cohorts/[id]")

    @task(1)
    def follow_ups(self):
        self.page("/institutions/followups")


class Visitor(SignedIn):
    """Anonymous: the public regional dashboard and the open postings API."""

    weight = 1

    @task(2)
    def regions(self):
        self.page(random.choice(["/regions/", "/regions/gyeongnam", "/regions/seoul"]), name="/regions/[slug]")

    @task(1)
    def postings_api(self):
        self.page(random.choice(["/api/v1/postings", "/api/v1/postings?region=gyeongnam"]), name="/api/v1/postings")

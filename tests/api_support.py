"""Fixtures for the API tests: users of each role with real bearer tokens, and a client that sends them."""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from talent_match.extensions import db
from talent_match.models import User
from talent_match.services.accounts import api_tokens


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class ApiClient:
    """A test client that sends one user's token and no cookies, as an API program would."""

    def __init__(self, app, token: str | None, user_id: int | None = None):
        self.client = app.test_client(use_cookies=False)
        self.token = token
        self.user_id = user_id

    def __getattr__(self, method):
        if method not in ("get", "post", "put", "patch", "delete"):
            raise AttributeError(method)

        def call(url, **kwargs):
            headers = {**(bearer(self.token) if self.token else {}), **kwargs.pop("headers", {})}
            return getattr(self.client, method)(url, headers=headers, **kwargs)

        return call


@pytest.fixture
def cheap_password_hashes(monkeypatch):
    """scrypt costs 0.1-0.5 s a user and these tests make many users without testing passwords."""
    from talent_match.models import accounts
    monkeypatch.setattr(accounts, "generate_password_hash",
                        lambda password, method=None: generate_password_hash(password, method="pbkdf2:sha256:1"))


@pytest.fixture
def token_for(app, make_user, cheap_password_hashes):
    """A new user of `role` and a token for them: returns (user_id, token)."""
    def make(role="seeker", **kwargs):
        user_id, _ = make_user(role, **kwargs)
        with app.app_context():
            _, value = api_tokens.issue(db.session, db.session.get(User, user_id), "tests")
            db.session.commit()
        return user_id, value

    return make


@pytest.fixture
def api(app, token_for):
    """api("seeker") is an ApiClient acting as a new seeker; api() is anonymous."""
    def make(role: str | None = None, **kwargs) -> ApiClient:
        if role is None:
            return ApiClient(app, None)
        user_id, token = token_for(role, **kwargs)
        return ApiClient(app, token, user_id)

    return make


# An institution's records as CSV files, as the import reads them.
COHORTS = ("cohort_code,programme_name,region,start_date,end_date\n"
           "GN-2025-1,AI 엔지니어 과정,경남,2025-01-06,2025-06-30\n")
TRAINEES = ("cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n"
            "GN-2025-1,T001,김하나,hana@example.kr,completed,2025-06-30,\n"
            "GN-2025-1,T002,이두리,,enrolled,,\n")
PLACEMENTS = ("trainee_ref,employer_name,job_title,region,start_date,annual_wage_krw,employment_type,in_field\n"
              "T001,창원정밀,ML 엔지니어,경남,2025-07-14,38000000,full_time,true\n")
FOLLOWUPS = ("trainee_ref,checkpoint_month,status,region,checked_on,evidence\n"
             "T001,3,employed_same_employer,경남,2025-10-15,employer\n")


def send_csv(client, kind: str, text: str, **params):
    """POST a CSV body to /api/v1/imports/<kind>."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"/api/v1/imports/{kind}" + (f"?{query}" if query else ""), data=text.encode(),
                       content_type="text/csv")


def load(client):
    """Import one cohort, two trainees, a placement and a follow-up as the institution `client` acts for."""
    for kind, text in (("cohorts", COHORTS), ("trainees", TRAINEES), ("placements", PLACEMENTS),
                       ("followups", FOLLOWUPS)):
        response = send_csv(client, kind, text)
        assert response.status_code == 200, response.json
    return client

"""The API keeps its OpenAPI document and the document says what the API does.

Schemathesis sends every operation generated requests, valid and invalid (examples, the coverage phase's bounds and
edge values, fuzzing), then follows the document's links from answer to operation, as a seeker, an employer, an
institution, a regional operator and an admin with real tokens, with every check it has. Any finding fails the test. A valid request may
be refused only with a problem type the document names for rules no schema can state (values that contradict each
other or stored data, a CSV file's rows): the document's own enum of types per operation holds which.
"""
from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, note, settings

from talent_match.api.openapi import PROBLEM_KINDS, document
from talent_match.errors import PROBLEM_TYPES

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .api_support import bearer, load
from .jobs_support import posting_data

pytestmark = pytest.mark.contract

ROLES = ("seeker", "employer", "institution", "operator", "admin")
BEYOND_SCHEMAS = {PROBLEM_TYPES + kind for kind, (status, _) in PROBLEM_KINDS.items() if status == 422}
# Every check, with one change: a valid request may meet a 422 (the check below says which ones).
CONFIG = """
seed = 20261207
[generation]
deterministic = true
with-security-parameters = false  # the token is the role's, below: ignored_auth probes without it
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
"""
EXAMPLES = settings(max_examples=8, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@schemathesis.check
def valid_requests_are_refused_only_for_rules_no_schema_states(ctx, response, case):
    """A schema-valid request answered 422 must carry one of the problem types beyond the document's schemas."""
    if response.status_code != 422 or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    kind = response.json().get("type")
    if kind not in BEYOND_SCHEMAS:
        raise AssertionError(f"a valid request was refused with 422 of type {kind!r}: the document is looser than "
                             f"the server ({response.json().get('detail')})")
    return None


@pytest.fixture
def tokens(api):
    """One user per role with a token, holding objects for the generated requests (and the links) to find."""
    clients = {role: api(role) for role in ROLES}
    seeker, employer = clients["seeker"], clients["employer"]
    seeker.put("/api/v1/profile", json={"headline": "ML 엔지니어", "skills": ["Python"], "discoverable": True})
    posting_id = employer.post("/api/v1/postings", json=posting_data()).json["id"]
    employer.post("/api/v1/postings", json=posting_data(status="draft"))
    assert seeker.post("/api/v1/applications", json={"posting_id": posting_id}).status_code == 201
    load(clients["institution"])
    return {role: bearer(client.token) for role, client in clients.items()}


# A copy: schemathesis rewrites what it reads (links among others), and the app serves and enforces document().
schema = schemathesis.openapi.from_dict(copy.deepcopy(document()), config=schemathesis.Config.from_str(CONFIG))


@schema.parametrize()
@EXAMPLES
def test_every_operation_answers_as_documented(case, app, tokens):
    """Each generated request is sent as each role in turn: one generation, an answer per role."""
    case.operation.schema.app = app  # read before the session's app existed: every request and probe goes to it
    for role in ROLES:
        note(f"as the {role}")
        case.call_and_validate(app=app, headers=tokens[role])


@pytest.mark.parametrize("role", ROLES)
def test_following_the_links_answers_as_documented(app, tokens, role):
    schema.app = app

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"app": app, "headers": tokens[role]}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, headers=tokens[role], additional_checks=additional_checks,
                                   transport_kwargs=kwargs, recorder=self.recorder)

    Workflow.run(settings=settings(EXAMPLES, max_examples=10, stateful_step_count=6))

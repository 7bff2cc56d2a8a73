"""The OpenAPI document describes what the API does: schemathesis sends generated requests to every operation, as
nobody and as a seeker, an employer, an institution and the operator of their region with real tokens, and checks
each answer against the document (status, content type, body schema, headers) and that none is a server error."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from talent_match.api.openapi import document

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)
from .api_support import bearer, load
from .jobs_support import posting_data

OPERATIONS = [(route, method) for route, item in document()["paths"].items() for method in item]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
ROLES = ("seeker", "employer", "institution", "operator")


@pytest.fixture
def world(api):
    """One user per role with a token, and objects of theirs for the generated requests to find."""
    clients = {role: api(role) for role in ROLES}
    seeker, employer = clients["seeker"], clients["employer"]
    seeker.put("/api/v1/profile", json={"headline": "ML 엔지니어", "skills": ["Python"], "discoverable": True})
    posting = employer.post("/api/v1/postings", json=posting_data()).json
    employer.post("/api/v1/postings", json=posting_data(status="draft"))
    application_id = seeker.post("/api/v1/applications", json={"posting_id": posting["id"]}).json["id"]
    load(clients["institution"])
    known = {"posting_id": posting["id"], "application_id": application_id, "code": "GN-2025-1",
             "company_id": posting["company"]["id"]}
    return {"tokens": [None, *(clients[role].token for role in ROLES)], "known": known}


@pytest.mark.parametrize("route, method", OPERATIONS, ids=[f"{m.upper()} {r}" for r, m in OPERATIONS])
def test_operation_answers_as_documented(app, world, route, method):
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[route][method.upper()]
    strategy = operation.as_strategy()
    known = {name: value for name, value in world["known"].items() if "{" + name + "}" in route}
    if known:  # half the cases aim at objects that exist, so success paths are checked too
        strategy = st.one_of(strategy, operation.as_strategy(path_parameters=known))

    @given(case=strategy)
    @settings(max_examples=6, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        for token in world["tokens"]:
            case.call_and_validate(headers=bearer(token) if token else None, checks=CHECKS)

    answers_as_documented()


def test_document_is_openapi_31_with_bearer_security_and_closed_bodies(api):
    doc = api().get("/api/v1/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API token from your account page."}
    for name in ("ProfileInput", "PostingInput", "PostingPatch", "ApplicationInput", "ApplicationPatch"):
        assert doc["components"]["schemas"][name]["additionalProperties"] is False, name
    for route, item in doc["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"401", "429"} <= set(responses), (method, route)
            assert responses["401"]["content"]["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"}
            if "public" not in operation["x-audience"]:
                assert "403" in responses and operation["security"] == [{"bearer": []}], (method, route)


def test_every_api_route_is_documented(app):
    documented = {(("/api/v1" + route).replace("{", "<").replace("}", ">"), method.upper())
                  for route, method in OPERATIONS}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(int|id)(\([^)]*\))?:", "<", rule.rule)
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_docs_page_is_rendered_on_the_server_without_scripts(api):
    response = api().client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script" not in page and "cdn" not in page.lower()
    for route, method in OPERATIONS:
        assert f"{method.upper()} /api/v1{route}" in page
    assert 'id="schema-PostingInput"' in page

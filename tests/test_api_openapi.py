"""The OpenAPI document itself: OpenAPI 3.1 with bearer security, every route documented and named after its view,
links that lead to real operations, enums and bounds on everything a client sends, and a docs page for people.
tests/test_api_contract.py holds the API's answers to it."""
from __future__ import annotations

import csv
import html
import json
import re

from talent_match import ROOT
from talent_match.api.openapi import document

from .api_support import api, cheap_password_hashes, token_for  # noqa: F401  (fixtures)

OPERATIONS = [(route, method) for route, item in document()["paths"].items() for method in item]


def _request_schemas(doc: dict):
    """Every schema a client fills in: parameters, and the properties of request bodies (components resolved)."""
    components = doc["components"]["schemas"]
    for item in doc["paths"].values():
        for operation in item.values():
            for parameter in operation["parameters"]:
                yield f"{operation['operationId']} {parameter['name']}", parameter["schema"]
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = content["schema"]
                body = components[body["$ref"].rsplit("/", 1)[-1]] if "$ref" in body else body
                for name, schema in body.get("properties", {}).items():
                    yield f"{operation['operationId']} {name}", schema


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


def test_docs_page_is_rendered_on_the_server_without_scripts(api):
    client = api().client
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script" not in page and "cdn" not in page.lower()
    for route, method in OPERATIONS:
        assert f"{method.upper()} /api/v1{route}" in page  # the table of contents names every operation
    for uri in document()["x-problem-types"]:
        assert f'id="{uri.partition("#")[2]}"' in page  # each problem type's URI leads to its explanation
    assert 'id="schema-PostingInput"' in client.get("/api/docs/schemas").get_data(as_text=True)


def test_each_operation_has_its_own_page_with_an_example_request_and_answer(api):
    client = api().client
    index = client.get("/api/docs?lang=en").get_data(as_text=True)
    links = re.findall(r'href="(/api/docs/[a-z0-9_.-]+)"', index)
    operation_links = [link for link in links if link != "/api/docs/schemas"]
    assert len(operation_links) == len(OPERATIONS)
    for link in operation_links:
        page = client.get(link + "?lang=en").get_data(as_text=True)
        assert "Example request" in page and "curl -X " in page and "Example answer" in page
    created = client.get("/api/docs/post-postings?lang=en").get_data(as_text=True)
    body = json.loads(html.unescape(created.split("-d &#39;")[1].split("&#39;</code>")[0]))
    assert isinstance(body["title"], str) and body["required_skills"] == ["Python"]  # the body follows the schema
    assert "Authorization: Bearer $TOKEN" in html.unescape(created)
    assert client.get("/api/docs/no-such-operation").status_code == 404


def test_the_docs_speak_one_language_at_a_time(api, app):
    """The Korean pages show the document's texts in Korean: every summary, and no English summary left over."""
    from talent_match.api import docs
    from talent_match.api.openapi import AUDIENCES
    from talent_match.i18n import translate

    client = api().client
    korean = html.unescape(client.get("/api/docs?lang=ko").get_data(as_text=True))
    with app.test_request_context("/?lang=ko"):
        untranslated = [text for text in docs.texts(document(), AUDIENCES) if translate(text) == text
                        and re.search("[A-Za-z]{4}", re.sub("`[^`]*`", "", text))]
        summaries = {o["summary"]: translate(o["summary"]) for o in docs.operations(document())}
    assert untranslated == []
    for english, korean_summary in summaries.items():
        assert korean_summary in korean and (english == korean_summary or f"— {english}<" not in korean)


def test_every_route_is_documented_and_named_after_its_view(app):
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(int|id)(\([^)]*\))?:", "<", rule.rule)
            served |= {(path, m): rule.endpoint for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(("/api/v1" + route).replace("{", "<").replace("}", ">"), method.upper()):
                  "api." + operation["operationId"]
                  for route, item in document()["paths"].items() for method, operation in item.items()}
    assert documented == served


def test_links_lead_to_operations_and_fill_their_parameters():
    doc = document()
    operations = {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}
    links = [(source, link) for source in operations.values() for response in source["responses"].values()
             for link in response.get("links", {}).values()]
    assert len(links) >= 15
    for source, link in links:
        target = operations[link["operationId"]]
        assert set(link.get("parameters", {})) <= {p["name"] for p in target["parameters"]}, link
        if "requestBody" in link:
            body = doc["components"]["schemas"][target["requestBody"]["content"]["application/json"]["schema"][
                "$ref"].rsplit("/", 1)[-1]]
            assert set(link["requestBody"]) <= set(body["properties"]), link
    followed = {link["operationId"] for _, link in links}
    assert {"get_posting", "patch_posting", "posting_matches", "create_application", "patch_application",
            "list_trainees", "get_outcomes"} <= followed


def test_regions_are_the_17_slugs_of_the_reference_data():
    with (ROOT / "talent_match" / "data" / "regions.csv").open(encoding="utf-8") as fh:
        slugs = [row["slug"] for row in csv.DictReader(fh)]
    schemas = document()["components"]["schemas"]
    assert len(slugs) == 17
    assert schemas["ProfileInput"]["properties"]["home_region"]["enum"] == slugs
    assert schemas["ProfileInput"]["properties"]["accepted_regions"]["items"]["enum"] == slugs
    assert schemas["PostingInput"]["properties"]["region"]["enum"] == slugs


def test_everything_a_client_sends_is_bounded():
    """Lists have maxItems, text a length and a pattern (no control characters), numbers a range."""
    for name, schema in _request_schemas(document()):
        if "array" in schema.get("type", ()):
            assert "maxItems" in schema, name
            schema = schema["items"]
        kinds = schema.get("type", ())
        if "string" in kinds and "enum" not in schema and "contentMediaType" not in schema:
            assert "pattern" in schema and ("maxLength" in schema or "format" in schema), name
        if "integer" in kinds:
            assert "minimum" in schema and "maximum" in schema, name


def test_refusals_valid_input_may_meet_are_typed_per_operation():
    doc = document()
    problems = doc["x-problem-types"]
    transition = doc["paths"]["/applications/{application_id}"]["patch"]["responses"]["409"]
    assert transition["content"]["application/problem+json"]["schema"]["allOf"][1]["properties"]["type"] == {
        "enum": ["/api/docs#problem-status-change-not-allowed"]}
    posting = doc["paths"]["/postings"]["post"]["responses"]["422"]["content"]["application/problem+json"]
    assert posting["schema"]["allOf"][1]["properties"]["type"]["enum"][:2] == [
        "about:blank", "/api/docs#problem-conflicting-values"]
    assert all(uri.startswith("/api/docs#problem-") for uri in problems)

"""The OpenAPI 3.1 document of /api/v1, served as JSON and rendered as a page for people at /api/docs.

Every operation lists the refusals the API really gives: 400, 401 and 429 everywhere (an invalid token is refused
even where none is needed), 403 for a role that may not, 413/415/422 where a body is read, and the problem types of
the refusals that valid input may still meet (a conflict with the object's state, values that contradict each
other). conformance.py holds requests to the document; tests/test_api_contract.py holds the answers to it.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from importlib.metadata import version

from flask import Blueprint, abort, jsonify, render_template, request

from ..errors import PROBLEM_TYPES
from ..i18n import translate
from ..web.access import PUBLIC, allow, gate
from . import conformance, docs
from .blueprint import RESOURCES, bp
from .conformance import WHOLE_NUMBER_AS_DECIMAL
from .schemas import MAX_ID, SCHEMAS, integer, ref, text

SEEKER, EMPLOYER, INSTITUTION, OPERATOR, ADMIN = "seeker", "employer", "institution", "operator", "admin"

PROBLEMS = {
    400: "A control character (such as a NUL byte) in the path, the query, a form field or a JSON string (`errors` "
         "names where), or a body that is not valid JSON.",
    401: "No token, or an unknown or revoked one (see `WWW-Authenticate`); `detail` says which.",
    403: "Your role may not do this.",
    404: f"No such object, or it is not yours (also for any id beyond {MAX_ID}, whatever the method).",
    409: "The change conflicts with the object's state (a duplicate, or a step its status does not allow).",
    413: "The body is too large.",
    415: "The body has the wrong content type.",
    422: "A value broke the rules of this document (`type` about:blank) or one of the rules below: `errors` names "
         "each field and says what would be accepted.",
    429: "Too many requests: wait the seconds in `Retry-After`.",
}


# Refusals that input valid by this document may still meet, by their problem type (`type` is /api/docs#problem-
# and the name): for 409 the object's state, for 422 rules no JSON Schema can state.
PROBLEM_KINDS = {
    "already-applied": (409, "The seeker already has an application or invitation for this posting."),
    "posting-not-open": (409, "The posting is not open, so it takes no applications or invitations."),
    "status-change-not-allowed": (409, "The application's status does not allow this move, or it is final: "
                                       "`detail` lists the moves left."),
    "changed-meanwhile": (409, "Another import changed the same records at the same time: send the file again."),
    "conflicting-values": (422, "Values each valid alone that break a rule together: a minimum above its maximum "
                                "(also the stored one), labels longer together than the field holds, or an open "
                                "posting whose `deadline` is before today in Korea."),
    "resident-registration-number": (422, "Text that looks like a resident registration number (주민등록번호), "
                                          "which the platform may not collect."),
    "invalid-rows": (422, "The CSV file breaks the import's rules: `errors` names each row and column (`file` for "
                          "the file as a whole). Nothing was imported."),
    WHOLE_NUMBER_AS_DECIMAL: (422, "A whole number written with a decimal point or an exponent (`61.0`, `6.1e1`) "
                                   "where the API takes an integer: JSON Schema counts it as one, the API wants "
                                   "`61`."),
}


def _problem(status: int, kinds=()) -> dict:
    schema = ref("Problem")
    description = PROBLEMS[status]
    if status in (409, 422):
        types = ["about:blank"] * (status == 422) + [PROBLEM_TYPES + kind for kind in kinds]
        schema = {"allOf": [schema, {"properties": {"type": {"enum": types}}}]}
        description += "".join(f" `{kind}`: {PROBLEM_KINDS[kind][1]}" for kind in kinds)
    response = {"description": description, "content": {"application/problem+json": {"schema": schema}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": text(), "description": "`Bearer realm=\"api\"`"}}
    return response


def query(name: str, schema: dict, description: str) -> dict:
    """A query argument; a list one is comma-separated (`style: form, explode: false`), given once."""
    found = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if schema.get("type") == "array":
        found.update(style="form", explode=False)
    return found


def path(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


PAGING = [query("page", integer(1, 1_000_000), "Page number, from 1."),
          query("per_page", integer(1, 100), "Items per page, at most 100 (default 20).")]
ID = "id"  # the URL converter of ids (payloads.IdConverter): a number beyond MAX_ID matches, then answers 404
POSTING_ID = path("posting_id", integer(1, MAX_ID), "The posting's id.")

AUDIENCES = {PUBLIC: "Anyone; a token is optional.", SEEKER: "Job seekers.", EMPLOYER: "Employers.",
             INSTITUTION: "Training institutions.", OPERATOR: "Regional operators, for their own region.",
             ADMIN: "The programme office (administrators)."}


def op(summary: str, *, id: str, audience: tuple[str, ...], ok: tuple[int, str | dict | None], params=(),
       body=None, refusals=(), problems=(), links=None, description: str = "") -> dict:
    """One operation, named by its view (`id`), with its refusals: 400, 401 and 429 always, 403 for a restricted
    audience, 413/415 for a body, 422 for arguments and bodies, and `problems` (PROBLEM_KINDS) by their types.
    `links` name the operations a client can follow from the answer, with the values it fills in."""
    status, schema = ok
    success = {"description": "OK" if status == 200 else "Created"}
    if schema is not None:
        success["content"] = {"application/json": {"schema": ref(schema) if isinstance(schema, str) else schema}}
    if isinstance(schema, str) and schema.endswith("Page"):
        success["headers"] = {"Link": {"schema": text(), "description": "RFC 8288 links to the `first`, `prev`, "
                                                                        "`next` and `last` pages."}}
    if links:
        success["links"] = links
    kinds = list(problems)
    if body is not None or any(p["in"] == "query" and _free_text(p["schema"]) for p in params):
        kinds.append("resident-registration-number")  # any text a service reads
    if body is not None and "application/json" in body:
        kinds.append(WHOLE_NUMBER_AS_DECIMAL)
    codes = {400, 401, 429, *refusals, *(PROBLEM_KINDS[kind][0] for kind in kinds)}
    if PUBLIC not in audience:
        codes.add(403)
    if body is not None:
        codes |= {413, 415}
    if body is not None or any(p["in"] == "query" or p["schema"].get("type") == "string" for p in params):
        codes.add(422)
    operation = {
        "operationId": id,
        "summary": summary,
        "description": " ".join(filter(None, [description, "**Who:** " + " ".join(AUDIENCES[a] for a in audience)])),
        "security": [{}, {"bearer": []}] if PUBLIC in audience else [{"bearer": []}],
        "x-audience": list(audience),
        "parameters": list(params),
        "responses": {str(status): success, **{
            str(c): _problem(c, [kind for kind in kinds if PROBLEM_KINDS[kind][0] == c]) for c in sorted(codes)}},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    return operation


def _free_text(schema: dict) -> bool:
    return schema.get("type") == "string" and "enum" not in schema and "format" not in schema


def link(operation_id: str, body: dict | None = None, **parameters: str) -> dict:
    """An OpenAPI link to the operation named `operation_id`, filling its parameters (and body fields) with runtime
    expressions such as `$response.body#/id`."""
    found = {"operationId": operation_id}
    if parameters:
        found["parameters"] = parameters
    if body:
        found["requestBody"] = body
    return found


def json_body(schema: str) -> dict:
    return {"application/json": {"schema": ref(schema)}}


def _paths() -> dict:
    """Each resource module documents its own paths in PATHS, beside the views that answer them."""
    paths: dict = {}
    for name in RESOURCES:
        paths.update(getattr(import_module(f"{__package__}.{name}"), "PATHS", {}))
    return paths


@lru_cache(maxsize=1)
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Regional AI Talent Match API", "version": version("talent-match"),
            "description": (
                "JSON in and out under /api/v1. Authenticate with `Authorization: Bearer <token>`: create a token "
                "on your account page (it is shown once) or with `flask create-token EMAIL`. A token acts with "
                "its user's role and ownership, no more. Errors are RFC 9457 problem objects. Lists take `page` "
                "and `per_page` (at most 100) and answer `{items, page, per_page, total}` with `Link` headers. "
                "Every argument and body is held to this document before anything else reads it: JSON types "
                "(`true`, not `\"yes\"`; `61`, not `\"61\"` or `61.0`; `[\"Python\"]`, not `\"Python\"`), "
                "region slugs, lengths, list sizes, dates from 1950 to 2100, and text without control characters. "
                "Links in the answers name the operations a client can follow ids to. A refusal that valid input "
                "may still meet (a conflict with stored data, values that contradict each other) has a problem "
                "`type` of its own, listed under each operation's 409 and 422."),
        },
        "servers": [{"url": "/api/v1"}],
        "x-problem-types": {PROBLEM_TYPES + kind: {"status": status, "description": meaning}
                            for kind, (status, meaning) in PROBLEM_KINDS.items()},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An API token from your account page."}},
            "schemas": SCHEMAS,
        },
        "paths": _paths(),
    }


@lru_cache(maxsize=1)
def operations_by_endpoint() -> dict[str, dict]:
    """The document's operations by endpoint: each operationId is the name of the view answering it."""
    return {f"{bp.name}.{operation['operationId']}": operation
            for item in document()["paths"].values() for operation in item.values()}


@bp.before_request
def hold_arguments_to_the_document() -> None:
    """After the caller and ids are known (blueprint.py's hooks), before the view: the documented arguments."""
    operation = operations_by_endpoint().get(request.endpoint or "")
    if operation is not None:
        conformance.refuse_arguments_the_document_does_not_take(operation)


@bp.get("/openapi.json")
@allow(PUBLIC)
def openapi_json():
    return jsonify(document())


PATHS = {"/openapi.json": {"get": op("This document", id="openapi_json", audience=(PUBLIC,),
                                      ok=(200, {"type": "object"}))}}


docs_bp = gate(Blueprint("api_docs", __name__, url_prefix="/api"), PUBLIC)


@docs_bp.get("/docs")
def page():
    """The reference for people, rendered on the server (no scripts, nothing from a CDN): what the API is, then a
    table of contents leading to one page per operation."""
    doc, rows = _docs()
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    return render_template("api_docs/page.html", doc=doc, groups=groups,
                           info_description=docs.inline(translate(doc["info"]["description"])),
                           problem_types=docs.problem_types(doc, translate))


@docs_bp.get("/docs/<anchor>")
def operation(anchor: str):
    """One operation: who may call it, its arguments, an example request and answer, every refusal."""
    doc, rows = _docs()
    index = next((i for i, row in enumerate(rows) if row["id"] == anchor), None)
    if index is None:
        abort(404)
    return render_template("api_docs/operation.html", o=rows[index], previous=rows[index - 1] if index else None,
                           next=rows[index + 1] if index + 1 < len(rows) else None,
                           schema_names={s for s in doc["components"]["schemas"]})


@docs_bp.get("/docs/schemas")
def schema_list():
    doc, _ = _docs()
    return render_template("api_docs/schemas.html", schemas=docs.schemas(doc, translate))


def extract_texts(fileobj, keywords, comment_tags, options):
    """A Babel extractor (babel.cfg) for the document's texts, so `scripts/i18n.py` keeps them in the catalogue."""
    for message in docs.texts(document(), AUDIENCES):
        yield 1, "gettext", message, []


def _docs() -> tuple[dict, list[dict]]:
    doc = document()
    return doc, docs.operations(doc, translate, AUDIENCES)
"""The OpenAPI 3.1 document of /api/v1, served as JSON and rendered as a page for people at /api/docs.

Every operation lists the refusals the API really gives: 401 and 429 everywhere (an invalid token is refused even
where none is needed), 403 for a role that may not, 400/413/415/422 where a body is read. tests/test_api_openapi.py
holds the document to the behaviour with schemathesis.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from importlib.metadata import version

from flask import Blueprint, jsonify, render_template

from ..web.access import PUBLIC, allow, gate
from .blueprint import RESOURCES, bp
from .schemas import MAX_ID, SCHEMAS, integer, ref, text

SEEKER, EMPLOYER, INSTITUTION, OPERATOR, ADMIN = "seeker", "employer", "institution", "operator", "admin"

PROBLEMS = {
    400: "The body is not valid JSON.",
    401: "No token, or an unknown or revoked one (see `WWW-Authenticate`); `detail` says which.",
    403: "Your role may not do this.",
    404: f"No such object, or it is not yours (also for any id beyond {MAX_ID}, whatever the method).",
    409: "The change conflicts with the object's state (a duplicate, or a step its status does not allow).",
    413: "The body is too large.",
    415: "The body has the wrong content type.",
    422: "A value broke a rule or had another JSON type than documented (`true`, not `\"yes\"`; `61`, not "
         "`\"61\"`), or text held lone surrogates: `errors` names each field and says what would be accepted.",
    429: "Too many requests: wait the seconds in `Retry-After`.",
}


def _problem(status: int) -> dict:
    response = {"description": PROBLEMS[status],
                "content": {"application/problem+json": {"schema": ref("Problem")}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": text(), "description": "`Bearer realm=\"api\"`"}}
    return response


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


PAGING = [query("page", integer(1, 1_000_000), "Page number, from 1."),
          query("per_page", integer(1, 100), "Items per page, at most 100 (default 20).")]
ID = "id"  # the URL converter of ids (payloads.IdConverter): a number beyond MAX_ID matches, then answers 404
POSTING_ID = path("posting_id", integer(1, MAX_ID), "The posting's id.")

AUDIENCES = {PUBLIC: "Anyone; a token is optional.", SEEKER: "Job seekers.", EMPLOYER: "Employers.",
             INSTITUTION: "Training institutions.", OPERATOR: "Regional operators, for their own region.",
             ADMIN: "The programme office (administrators)."}


def op(summary: str, *, audience: tuple[str, ...], ok: tuple[int, str | dict | None], params=(), body=None,
       refusals=(), description: str = "") -> dict:
    """One operation with its refusals: 401 and 429 always, 403 for a restricted audience, 422 for arguments."""
    status, schema = ok
    success = {"description": "OK" if status == 200 else "Created"}
    if schema is not None:
        success["content"] = {"application/json": {"schema": ref(schema) if isinstance(schema, str) else schema}}
    if isinstance(schema, str) and schema.endswith("Page"):
        success["headers"] = {"Link": {"schema": text(), "description": "RFC 8288 links to the `first`, `prev`, "
                                                                        "`next` and `last` pages."}}
    codes = {401, 429, *refusals}
    if PUBLIC not in audience:
        codes.add(403)
    if any(p["in"] == "query" for p in params):
        codes.add(422)
    operation = {
        "summary": summary,
        "description": " ".join(filter(None, [description, "**Who:** " + " ".join(AUDIENCES[a] for a in audience)])),
        "security": [{}, {"bearer": []}] if PUBLIC in audience else [{"bearer": []}],
        "x-audience": list(audience),
        "parameters": list(params),
        "responses": {str(status): success, **{str(c): _problem(c) for c in sorted(codes)}},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
        for code in ((400,) if "application/json" in body else ()) + (413, 415, 422):
            operation["responses"][str(code)] = _problem(code)
        operation["responses"] = dict(sorted(operation["responses"].items()))
    return operation


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
                "Bodies are held to their schemas' JSON types: `true`, not `\"yes\"`; `61`, not `\"61\"` or "
                "`61.0`; `[\"Python\"]`, not `\"Python\"`."),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An API token from your account page."}},
            "schemas": SCHEMAS,
        },
        "paths": _paths(),
    }


@bp.get("/openapi.json")
@allow(PUBLIC)
def openapi_json():
    return jsonify(document())


PATHS = {"/openapi.json": {"get": op("This document", audience=(PUBLIC,), ok=(200, {"type": "object"}))}}


docs_bp = gate(Blueprint("api_docs", __name__, url_prefix="/api"), PUBLIC)


@docs_bp.get("/docs")
def page():
    """The same document for people, rendered on the server (no scripts, nothing from a CDN)."""
    from .docs import inline, operations, schemas
    doc = document()
    return render_template("api_docs/page.html", doc=doc, info_description=inline(doc["info"]["description"]),
                           operations=operations(doc), schemas=schemas(doc))

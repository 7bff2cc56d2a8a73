"""Reading requests and shaping answers: JSON bodies, ids in paths, query arguments, pages of items.

Refusals raise: werkzeug's 400/404/415 and the domain's ValidationFailed (422 with `errors`), which errors.py turns
into problem+json. The API holds bodies to its OpenAPI document (conformance.py); the domain's rules stay in the
services.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask import jsonify, request, url_for
from werkzeug.exceptions import BadRequest, NotFound, UnsupportedMediaType
from werkzeug.routing import BaseConverter

from ..models.base import as_utc
from ..services import validation as v
from ..services.errors import ValidationFailed
from . import conformance
from .schemas import MAX_ID, SCHEMAS

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
NOT_TEXT = "holds characters that are not text (a lone surrogate such as \\ud800); send UTF-8 text"


def json_object(body: str) -> dict:
    """The request body as the JSON object SCHEMAS[body] documents, each field of the JSON type and within the
    rules the document gives; anything else is refused with every wrong field named, never ignored or coerced."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: not a body anyone means
        data = None
    if data is None:
        raise BadRequest("The body is not valid JSON.")
    if not isinstance(data, dict):
        raise ValidationFailed({"_": ["the body must be a JSON object"]})
    broken = not_text(data)
    if broken:  # before any name is repeated back in a message
        raise ValidationFailed(broken)
    fields = set(SCHEMAS[body]["properties"])
    accepted = ", ".join(sorted(fields))
    errors = {name: [f"is not a field you can set here; accepted: {accepted}"] for name in sorted(set(data) - fields)}
    errors.update(conformance.type_errors(body, {name: value for name, value in data.items() if name in fields}))
    if errors:
        decimals = conformance.decimal_integers(body, data)
        raise ValidationFailed(errors, problem=conformance.WHOLE_NUMBER_AS_DECIMAL if set(errors) <= decimals
                               else None)
    errors = conformance.body_errors(body, data)
    if errors:
        raise ValidationFailed(errors)
    return data


def not_text(data: dict) -> dict[str, list[str]]:
    """Messages by field for strings, keys or values at any depth, that are not Unicode text: a JSON escape such
    as "\\ud800" parses to a lone surrogate, which cannot be encoded, stored or logged."""
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if not v.is_unicode_text(name):
            errors["_"] = [f"a field name {NOT_TEXT}"]
            continue
        pending = [value]
        while pending:  # by hand, not recursively: the parser allows nesting deeper than the stack left here
            item = pending.pop()
            if isinstance(item, str) and not v.is_unicode_text(item):
                errors[name] = [NOT_TEXT]
                break
            if isinstance(item, dict):
                pending.extend(item)
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
    return errors


class IdConverter(BaseConverter):
    """`<id:...>` in API paths: ASCII digits (`\\d` would take ٦١ for 61). Every such number matches its route, so
    whatever the method, a number that names no row is a 404 from `refuse_ids_beyond_range` once the caller is
    known, never a 405 from the router skipping a rule; one too long to convert is None, refused the same way."""

    regex = "[0-9]+"
    weight = 50

    def to_python(self, value: str) -> int | None:
        return int(value) if len(value) <= 19 else None

    def to_url(self, value) -> str:
        return str(int(value))


def refuse_ids_beyond_range() -> None:
    """Ids are 32-bit integers in the database, from 1: any other number in a path names nothing."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):  # a cohort code, an import kind
            continue
        if value is None or not 1 <= value <= MAX_ID:
            raise NotFound(f"No object has this {name}: ids are whole numbers from 1 to {MAX_ID}.")


def query_int(name: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    return v.clean_int(request.args.get(name), name, minimum=minimum, maximum=maximum)


def page_args() -> tuple[int, int]:
    """`page` (from 1) and `per_page` (1 to 100) from the query string."""
    page = query_int("page", minimum=1, maximum=1_000_000) or 1
    per_page = query_int("per_page", minimum=1, maximum=MAX_PER_PAGE) or DEFAULT_PER_PAGE
    return page, per_page


def page_of(items: Sequence[dict], *, page: int, per_page: int, total: int, **extra):
    """A list answer: {"items", "page", "per_page", "total"} and RFC 8288 Link headers to the neighbours."""
    response = jsonify({"items": list(items), "page": page, "per_page": per_page, "total": total, **extra})
    last = max(1, -(-total // per_page))
    links = []
    for rel, number in (("first", 1), ("prev", page - 1), ("next", page + 1), ("last", last)):
        if 1 <= number <= last:
            args = {**request.view_args, **request.args.to_dict(), "page": number, "per_page": per_page}
            links.append(f'<{url_for(request.endpoint, **args)}>; rel="{rel}"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def sliced(items: Sequence, page: int, per_page: int) -> list:
    """One page of an already-loaded list (for lists that stay small: an institution's cohorts, regions)."""
    start = (page - 1) * per_page
    return list(items[start:start + per_page])


def query_text(name: str, max_length: int) -> str | None:
    """A short text argument, cleaned like any other text; None when absent or blank."""
    return v.clean_text(request.args.get(name), name, max_length=max_length) or None


def instant(value: datetime) -> str:
    """An RFC 3339 timestamp. SQLite hands back stored UTC times without their zone, so a naive one is UTC."""
    return as_utc(value).isoformat()

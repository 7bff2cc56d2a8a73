"""Reading requests and shaping answers: JSON bodies, query arguments, pages of items.

Refusals raise: werkzeug's 400/415 and the domain's ValidationFailed (422 with `errors`), which errors.py turns
into problem+json. Rules about the values themselves stay in services.validation.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from flask import jsonify, request, url_for
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from ..services import validation as v
from ..services.errors import ValidationFailed

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def json_object(fields: Iterable[str]) -> dict:
    """The request body as a JSON object holding only `fields`; anything else is refused, never ignored."""
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
    fields = set(fields)
    unknown = sorted(set(data) - fields)
    if unknown:
        accepted = ", ".join(sorted(fields))
        raise ValidationFailed({name: [f"is not a field you can set here; accepted: {accepted}"] for name in unknown})
    return data


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
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()

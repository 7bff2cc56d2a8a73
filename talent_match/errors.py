"""Error pages for people and RFC 9457 problem objects for API clients; never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .i18n import translate
from .security import request_id
from .services.errors import DomainError, ValidationFailed

log = logging.getLogger("talent_match.errors")
PROBLEM_TYPES = "/api/docs#problem-"  # + a DomainError's `problem`: the docs page has a section for each


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def problem(status: int, title: str, detail: str | None = None, *, kind: str | None = None, **extra):
    """An RFC 9457 problem object; `kind` (a DomainError's `problem`) picks its type, explained on the API's docs
    page, else the type is the status alone (about:blank)."""
    body = {"type": PROBLEM_TYPES + kind if kind else "about:blank", "title": title, "status": status,
            "instance": request.path, "request_id": request_id()}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        errors = getattr(exc, "errors", None)  # a refusal that names fields (security.ControlCharacter)
        if wants_json():
            response = problem(exc.code or 500, exc.name, exc.description, **({"errors": errors} if errors else {}))
        else:
            detail = translate(exc.description) if errors else None
            response = app.make_response(
                (render_template("errors/error.html", code=exc.code, title=page_title(exc.code, exc.name),
                                 detail=detail, login_form=_login_form() if exc.code == 401 else None), exc.code))
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        if exc.code == 429:
            response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        if wants_json():
            extra = {"errors": exc.errors} if isinstance(exc, ValidationFailed) else {}
            return problem(exc.status, _TITLES.get(exc.status, "Bad Request"), exc.message, kind=exc.problem, **extra)
        return render_template("errors/error.html", code=exc.status, title=translate(exc.message)), exc.status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unhandled error, request %s", request_id())
        if wants_json():
            return problem(500, "Internal Server Error", "Something went wrong on our side.")
        return render_template("errors/error.html", code=500, title=page_title(500, InternalServerError.name)), 500


# Error pages speak the visitor's language; the API's problem objects keep HTTP's English titles.
_PAGE_TITLES = {400: _l("The request could not be read"), 401: _l("Please sign in"),
                403: _l("You may not open this page"), 404: _l("Page not found"),
                405: _l("This address does not take that request"), 410: _l("This link is no longer valid"),
                413: _l("The upload is too large"), 415: _l("This kind of file is not accepted"),
                422: _l("Some answers need another look"), 429: _l("Too many requests: wait a minute and try again"),
                500: _l("Something went wrong on our side"), 503: _l("The service is busy: try again shortly")}


def page_title(code: int | None, fallback: str) -> str:
    return str(_PAGE_TITLES[code]) if code in _PAGE_TITLES else fallback


def _login_form():
    """A protected page answers 401 with the sign-in form itself, posting back to this address: sign in, and you
    are where you were going."""
    from .web.auth.forms import LoginForm

    return LoginForm()


_TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 413: "Content Too Large",
           415: "Unsupported Media Type", 422: "Unprocessable Content"}

"""Who is asking: session login, bearer tokens, and the headers every response carries."""
from __future__ import annotations

import logging
import re
import uuid
from datetime import datetime, timezone

from flask import Flask, g, request
from flask_login import current_user, user_logged_in
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from .extensions import db, login_manager
from .models import ApiToken, User
from .services.accounts.api_tokens import hash_token
from .services.accounts.users import touch_last_seen
from .services.messages import msg

security_log = logging.getLogger("talent_match.security")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 but tab, LF and CR: text may hold those
_CONTROL_IN_PATH = re.compile("[\x00-\x1f]")
CSP = "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_bearer)
    app.before_request(refuse_control_characters)  # first: before any hook or view reads the request

    @app.before_request
    def _request_id():
        request_id()  # early, so every log line of the request can carry it (returns nothing: not an answer)
    app.jinja_env.globals["request_id"] = request_id

    @app.before_request
    def _last_seen():
        """Inactive accounts are purged after INACTIVE_ACCOUNT_DAYS; using the site counts (one write a day)."""
        if current_user.is_authenticated and touch_last_seen(db.session, current_user):
            db.session.commit()

    @user_logged_in.connect_via(app)
    def _signed_in(_sender, user, **_extra):
        if touch_last_seen(db.session, user):
            db.session.commit()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["X-Request-ID"] = request_id()
        if app.config.get("TALENT_MATCH_ENV") == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if g.get("personal_page") or request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response


def request_id() -> str:
    """This request's id, made on first use: a proxy's X-Request-ID when it is a plain token (it reaches logs and
    pages), else a new one. Made lazily because answers can be decided before any hook of ours runs (a rate limit,
    a CSRF refusal) and they must carry the id too."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
    return g.request_id


class ControlCharacter(BadRequest):
    """400 for a request holding a control character; `errors` names where, as a 422 would."""

    def __init__(self, where: str, character: str):
        super().__init__(msg("contains a control character (U+{code}); send text without control characters",
                             code=f"{ord(character):04X}"))
        self.errors = {where: [self.description]}


def refuse_control_characters() -> None:
    """A NUL byte or another C0 control (tab, LF and CR aside) in a path segment, a query argument, a form field or
    a JSON string is never text anyone typed, and PostgreSQL cannot even compare it: refuse the request with 400
    before any view or database sees it. File uploads and CSV bodies are files, checked by their readers."""
    found = _CONTROL_IN_PATH.search(request.path)
    if found:
        raise ControlCharacter("path", found.group())
    fields = [*request.args.items(multi=True)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += request.form.items(multi=True)
    elif request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested deeper than the parser goes: the view refuses it as not JSON
            body = None
        fields += body.items() if isinstance(body, dict) else [("_", body)]
    for name, value in fields:
        pending = [name, value]
        while pending:  # by hand, not recursively: JSON may nest deeper than the stack left here
            item = pending.pop()
            if isinstance(item, str):
                found = _CONTROL.search(item)
                if found:
                    raise ControlCharacter(name, found.group())
            elif isinstance(item, dict):
                pending.extend(item)
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)


def _load_user(user_id: str) -> User | None:
    ident, _, version = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or str(user.session_version or 0) != (version or "0"):
        return None
    return user


def _load_user_from_bearer(req) -> User | None:
    """API clients authenticate with `Authorization: Bearer <token>`; only API paths accept it."""
    scheme, _, value = req.headers.get("Authorization", "").strip().partition(" ")
    if not req.path.startswith("/api/") or scheme.lower() != "bearer" or not value.strip():  # RFC 7235: any case
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(value.strip())))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = datetime.now(timezone.utc)
    db.session.commit()
    g.api_token_id = token.id
    return token.user


def log_security_event(event: str, **fields) -> None:
    """Security log: event kind and ids only, never emails, names or other personal data."""
    security_log.warning("%s %s", event, " ".join(f"{k}={v}" for k, v in sorted(fields.items())))

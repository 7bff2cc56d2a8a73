"""Pages anyone may see: the front page, the language switch, the health check."""
import hmac
from importlib.metadata import version

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from ...extensions import db
from ..access import PUBLIC, gate
from ..engine import search_engine
from ..forms import is_safe_redirect

bp = gate(Blueprint("public", __name__), PUBLIC)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        from ..auth.routes import home_for
        return redirect(home_for(current_user))
    return render_template("public/index.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site whatever the page links; answer with the KRDS icon, not 404."""
    return current_app.send_static_file("vendor/krds/img/favicon-32x32.png"), 200, {"Cache-Control": "max-age=86400"}


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    target = request.form.get("next") or request.referrer
    return redirect(target if is_safe_redirect(target) else url_for("public.index"))


@bp.route("/healthz")
def healthz():
    """Machine-readable health: the database, the model and the indexes. Everyone sees each part's status; admins
    and monitors presenting HEALTH_TOKEN also see the details (model path, shards failing and why), which name
    files and errors that are nobody else's business."""
    try:
        db.session.execute(text("SELECT 1"))
        database = {"status": "ok"}
    except Exception as exc:  # noqa: BLE001 - health must answer whatever broke
        db.session.rollback()
        database = {"status": "error", "error": type(exc).__name__}
    engine = search_engine()
    search = engine.health() if engine is not None else {"model": {"status": "not_configured"},
                                                           "index": {"status": "not_configured"}}
    # A model not loaded yet is not a fault: each worker loads it on its first search.
    degraded = database["status"] != "ok" or any(part.get("status") not in ("ok", "not_loaded")
                                                 for part in search.values())
    parts = {"database": database, **search}
    if not _may_see_health_details():
        parts = {name: {"status": part.get("status")} for name, part in parts.items()}
    body = {"status": "degraded" if degraded else "ok", "version": version("talent-match"), **parts}
    return jsonify(body), 200 if database["status"] == "ok" else 503


def _may_see_health_details() -> bool:
    if current_user.is_authenticated and current_user.role == "admin":
        return True
    token = current_app.config.get("HEALTH_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())

"""The programme office (admin): regional dashboard and drill-down, company verification, jobs, outgoing mail,
the audit log.

Outcome figures of institutions are shown here as others see them (services.disclosure), never exact.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import OUTBOX_STATUSES, Company
from ...services import audit, background
from ...services import validation as v
from ...services.errors import ValidationFailed
from ...services.hiring import companies
from ...services.mail import outbox
from ...services.outcomes import regional_stats
from ...services.reference.regions import all_regions
from ..access import gate
from ..engine import search_engine
from ..figures import as_of_from_request, install
from ..forms import saved
from ..regional import context
from .forms import VerifyForm

bp = gate(Blueprint("admin", __name__, url_prefix="/admin"), "admin")
bp.record_once(install)


@bp.get("/")
def dashboard():
    """Every region on one map and in one table, with the country's skill gap."""
    as_of = as_of_from_request()
    data = context.overview(request.args.get("metric"), as_of, "admin.region")
    gap = regional_stats.skill_gap(db.session, None, as_of)
    return render_template("admin/dashboard.html", gap=gap, gap_chart=context.gap_chart(gap), **data)


@bp.get("/regions/<slug>")
def region(slug: str):
    return render_template("admin/region.html",
                           **context.region(slug, as_of_from_request(), with_unknowns=True))


@bp.get("/companies")
def company_list():
    query = (request.args.get("q") or "").strip()[:100]
    unverified = request.args.get("unverified") == "1"
    found = companies.list_for_review(db.session, query, unverified_only=unverified)
    return render_template("admin/companies.html", companies=found, q=query, unverified=unverified,
                           form=VerifyForm())


@bp.post("/companies/<int:company_id>/verified")
def company_verify(company_id: int):
    company = db.session.get(Company, company_id) or abort(404)
    form = VerifyForm()
    if form.validate_on_submit():
        ok, _company = saved(None, lambda: companies.set_verified(db.session, current_user, company,
                                                                  form.verified.data))
        if ok:
            flash(_("%(name)s is now marked verified.", name=company.name) if company.verified else
                  _("%(name)s is no longer marked verified.", name=company.name), "success")
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/admin/companies")
                    else url_for(".company_list"))


@bp.get("/jobs", endpoint="jobs")
def jobs_list():
    """Background jobs, and the search index of this process: shards failing to build or save, and why."""
    recent = background.recent(db.session, limit=50)
    engine = search_engine()
    health = engine.health() if engine is not None else None
    running = any(job.status in ("queued", "running") for job in recent) or \
        (health is not None and health["index"]["status"] != "ok")
    regions = {region.id: region for region in all_regions(db.session)}
    return render_template("admin/jobs.html", jobs=recent, running=running, health=health, regions=regions)


@bp.get("/outbox", endpoint="outbox")
def outbox_list():
    """Outgoing mail, newest first: what was sent, what waits, what failed and why; without SMTP_URL, the mail
    itself (the embedded default: the outbox is where messages are read)."""
    status = request.args.get("status") or None
    if status not in (None, *OUTBOX_STATUSES):
        status = None
    return render_template("admin/outbox.html", messages=outbox.recent(db.session, status=status, limit=200),
                           status=status, statuses=OUTBOX_STATUSES,
                           delivering=current_app.extensions["mailer"].settings is not None)


@bp.get("/audit", endpoint="audit")
def audit_log():
    """Who did what: candidate views, exports, imports, verifications; filter by action, newest first."""
    action = (request.args.get("action") or "").strip()[:60] or None
    try:
        page = v.clean_int(request.args.get("page") or 1, "page", minimum=1, maximum=1_000_000)
    except ValidationFailed:
        page = 1
    result = audit.page_of_events(db.session, action=action, page=page)
    return render_template("admin/audit.html", result=result, action=action, actions=audit.actions(db.session))


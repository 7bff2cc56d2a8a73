"""The programme office. The admin's own pages (every region, jobs, outgoing mail, operators, the taxonomy), and
the pages the admin shares with each region's operator: company verification, the region's page and exports, its
institutions and watched skills, the audit log.

The blueprint admits the admin only; a shared view widens that with `@allow(*OFFICE)` and reads through
services.accounts.operators, where another region's object is NotFound, so an operator sees nothing of another
region beyond the public pages. Outcome figures of institutions are shown here as others see them
(services.disclosure), never exact.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import OUTBOX_STATUSES
from ...services import audit, background
from ...services import validation as v
from ...services.accounts import operators
from ...services.errors import ValidationFailed
from ...services.hiring import companies
from ...services.mail import outbox
from ...services.outcomes import regional_stats
from ...services.reference.regions import all_regions
from ..access import allow, gate
from ..engine import search_engine
from ..figures import as_of_from_request, install
from ..forms import saved
from ..regional import context
from .forms import VerifyForm

ADMIN, OPERATOR = "admin", "operator"
OFFICE = (ADMIN, OPERATOR)

bp = gate(Blueprint("admin", __name__, url_prefix="/admin"), ADMIN)
bp.record_once(install)


@bp.get("/")
def dashboard():
    """Every region on one map and in one table, with the country's skill gap."""
    as_of = as_of_from_request()
    data = context.overview(request.args.get("metric"), as_of, "admin.region")
    gap = regional_stats.skill_gap(db.session, None, as_of)
    return render_template("admin/dashboard.html", gap=gap, gap_chart=context.gap_chart(gap), **data)


@bp.get("/home")
@allow(*OFFICE)
def home():
    """Where the office's work starts: every region for the admin, their own region for an operator."""
    if current_user.role == OPERATOR:
        return redirect(url_for(".region", slug=current_user.region.slug))
    return redirect(url_for(".dashboard"))


def region_asked():
    """The region of `?region=`, when the reader acts there; without one the operator's own, or every region (None)
    for the admin."""
    return operators.region_or_own(db.session, current_user, request.args.get("region"))


@bp.get("/companies")
@allow(*OFFICE)
def company_list():
    region = region_asked()
    query = (request.args.get("q") or "").strip()[:100]
    unverified = request.args.get("unverified") == "1"
    found = companies.list_for_review(db.session, query, region=region, unverified_only=unverified)
    return render_template("admin/companies.html", companies=found.items, q=query, unverified=unverified,
                           region=region, form=VerifyForm())


@bp.post("/companies/<int:company_id>/verified")
@allow(*OFFICE)
def company_verify(company_id: int):
    company = companies.for_office(db.session, current_user, company_id)
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
@allow(*OFFICE)
def audit_log():
    """Who did what: candidate views, exports, imports, verifications; filter by action, newest first. An
    operator reads their region's part of it (services.audit.of_region)."""
    region = region_asked()
    action = (request.args.get("action") or "").strip()[:60] or None
    try:
        page = v.clean_int(request.args.get("page") or 1, "page", minimum=1, maximum=1_000_000)
    except ValidationFailed:
        page = 1
    result = audit.page_of_events(db.session, action=action, region=region, page=page)
    return render_template("admin/audit.html", result=result, action=action, region=region,
                           actions=audit.actions(db.session, region))

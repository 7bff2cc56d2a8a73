"""The person's own privacy page (any role): consents given and withdrawn, download my data, delete my account.

Every rule is in services.privacy; this module parses, calls it, and answers.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from ...extensions import db
from ...security import log_security_event
from ...services.privacy import consents, erasure, export
from ..access import SIGNED_IN, gate
from ..engine import search_engine
from ..forms import saved
from .forms import ConsentForm, DeleteForm

bp = gate(Blueprint("privacy", __name__, url_prefix="/privacy"), SIGNED_IN)

ITEM_LABELS = {
    "privacy_required": _l("Collection and use of personal information to run your account (required)"),
    "discoverable": _l("Employers in your regions may find your profile and invite you (optional)"),
    "share_outcomes": _l("Training institutions may link your training record to this account to follow your "
                         "outcomes (optional)"),
}


@bp.get("/")
def overview():
    return _render(DeleteForm(formdata=None))


@bp.post("/consents/<item>")
def consent(item: str):
    form = ConsentForm()
    if form.validate_on_submit() and form.granted.data in ("0", "1"):
        granted = form.granted.data == "1"
        ok, _none = saved(None, lambda: consents.set_optional_consent(
            db.session, search_engine(), current_user, item, granted, current_app.config["CONSENT_VERSION"]))
        if ok:
            log_security_event("consent_changed", user_id=current_user.id, item=item, granted=granted)
            flash(_("Your choice is recorded and applies from now on.") if granted else
                  _("Your consent is withdrawn and applies from now on."), "success")
    return redirect(url_for(".overview"))


@bp.get("/my-data.json")
def download():
    """Everything we hold about you, as one JSON file; the download is recorded (ids only)."""
    data = export.export_data(db.session, current_user)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@bp.post("/delete")
def delete_account():
    form = DeleteForm()
    if not form.validate_on_submit():
        return _render(form), 422
    if not current_user.check_password(form.password.data or ""):
        log_security_event("account_delete_refused", user_id=current_user.id)
        form.password.errors = list(form.password.errors) + [_("The password is not correct.")]
        return _render(form), 422
    user = current_user._get_current_object()
    erasure.delete_account(db.session, search_engine(), user)
    db.session.commit()
    logout_user()
    flash(_("Your account and your personal data are deleted."), "success")
    return redirect(url_for("public.index"))


def _render(delete_form: DeleteForm):
    return render_template("privacy/overview.html", consents=consents.consent_states(db.session, current_user),
                           labels=ITEM_LABELS, delete_form=delete_form,
                           inactive_days=current_app.config["INACTIVE_ACCOUNT_DAYS"],
                           interaction_days=current_app.config["INTERACTION_RETENTION_DAYS"])

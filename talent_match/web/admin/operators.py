"""The admin's list of regional operators: appoint one for a region, switch one off or on again. Rules in
services.accounts.operators."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...services.accounts import operators
from .. import choices
from ..figures import locale
from ..forms import saved
from .forms import ActiveForm, OperatorForm
from .routes import bp


@bp.get("/operators")
def operator_list():
    return _page(OperatorForm(formdata=None))


@bp.post("/operators")
def operator_add():
    form = OperatorForm()
    if form.validate_on_submit():
        ok, appointed = saved(form, lambda: operators.appoint(
            db.session, current_user, email=form.email.data, password=form.password.data, name=form.name.data,
            region=form.region.data))
        if ok:
            flash(_("%(email)s now acts for %(region)s.", email=appointed.email,
                    region=appointed.region.name(locale())), "success")
            return redirect(url_for(".operator_list"))
    return _page(form), 422


@bp.post("/operators/<int:user_id>/active")
def operator_active(user_id: int):
    form = ActiveForm()
    if form.validate_on_submit():
        ok, changed = saved(None, lambda: operators.set_active(db.session, current_user, user_id, form.active.data))
        if ok:
            flash(_("%(email)s can sign in again.", email=changed.email) if changed.active else
                  _("%(email)s is switched off: every session and API token of theirs has ended.",
                    email=changed.email), "success")
    return redirect(url_for(".operator_list"))


def _page(form: OperatorForm):
    form.region.choices = choices.regions()
    return render_template("admin/operators.html", operators=operators.operators(db.session), form=form,
                           active_form=ActiveForm())

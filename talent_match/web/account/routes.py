"""The account page: the email address and mail preferences (views in mail.py), API tokens (created and shown
once, listed, revoked)."""
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...security import log_security_event
from ...services.accounts import api_tokens, notifications
from ..access import SIGNED_IN, gate
from ..forms import ButtonForm, saved
from .forms import EmailChangeForm, PreferencesForm, TokenForm

bp = gate(Blueprint("account", __name__, url_prefix="/account"), SIGNED_IN)


@bp.before_request
def _personal():
    g.personal_page = True  # no-store: the page may show a new token


@bp.get("/")
def overview():
    return render_overview()


@bp.post("/tokens")
def create_token():
    """Answers with the page itself, not a redirect: the value is shown in this response and never again."""
    form = TokenForm()
    if not form.validate_on_submit():
        return render_overview(form=form), 400
    ok, issued = saved(form, lambda: api_tokens.issue(db.session, current_user, form.name.data or ""))
    if not ok:
        return render_overview(form=form), 422
    token, value = issued
    log_security_event("api_token_created", user_id=current_user.id, token_id=token.id)
    return render_overview(new_token=value, new_token_id=token.id)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    if ButtonForm().validate_on_submit():
        api_tokens.revoke(db.session, current_user, token_id)
        db.session.commit()
        log_security_event("api_token_revoked", user_id=current_user.id, token_id=token_id)
        flash(_("The token is revoked: requests that use it are refused from now on."), "success")
    return redirect(url_for("account.overview"))


def render_overview(**shown):
    """The page with blank forms, but for those `shown` (a form with its errors, a new token)."""
    user = current_user
    forms = {"form": TokenForm(formdata=None), "email_form": EmailChangeForm(formdata=None),
             "preferences_form": PreferencesForm(user, formdata=None, obj=user)}
    return render_template("account/overview.html", tokens=api_tokens.for_user(db.session, user),
                           preferences=notifications.preferences_of(user), **{**forms, **shown})

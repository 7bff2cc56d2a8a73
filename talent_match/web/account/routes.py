"""The account page: API tokens (created and shown once, listed, revoked)."""
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...security import log_security_event
from ...services.accounts import api_tokens
from ..access import SIGNED_IN, gate
from ..forms import ButtonForm, saved
from .forms import TokenForm

bp = gate(Blueprint("account", __name__, url_prefix="/account"), SIGNED_IN)


@bp.before_request
def _personal():
    g.personal_page = True  # no-store: the page may show a new token


@bp.get("/")
def overview():
    return _render(TokenForm())


@bp.post("/tokens")
def create_token():
    """Answers with the page itself, not a redirect: the value is shown in this response and never again."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _render(form), 400
    ok, issued = saved(form, lambda: api_tokens.issue(db.session, current_user, form.name.data or ""))
    if not ok:
        return _render(form), 422
    token, value = issued
    log_security_event("api_token_created", user_id=current_user.id, token_id=token.id)
    return _render(TokenForm(formdata=None), new_token=value, new_token_id=token.id)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    if ButtonForm().validate_on_submit():
        api_tokens.revoke(db.session, current_user, token_id)
        db.session.commit()
        log_security_event("api_token_revoked", user_id=current_user.id, token_id=token_id)
        flash(_("The token is revoked: requests that use it are refused from now on."), "success")
    return redirect(url_for("account.overview"))


def _render(form, **extra):
    return render_template("account/overview.html", form=form, tokens=api_tokens.for_user(db.session, current_user),
                           **extra)

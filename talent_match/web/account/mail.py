"""The account's mail: confirming the address, changing it, the optional mail, and its one-click way out.

Links in mail act on POST only: their GET pages show what will happen and a button, so a mail scanner that opens
every link changes nothing. The unsubscribe link also takes the POST a mail client sends by itself (RFC 8058:
`List-Unsubscribe=One-Click`, with no session or CSRF token), so it is exempt from CSRF; its token is the proof.
"""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ... import mailer
from ...extensions import configured_limit, csrf, db, limiter
from ...i18n import page_locale
from ...security import log_security_event
from ...services.accounts import addresses, notifications
from ...services.hiring import profiles
from ..access import PUBLIC, allow
from ..engine import search_engine
from ..forms import ButtonForm, saved
from .forms import EmailChangeForm, PreferencesForm
from .routes import bp, render_overview

PREFERENCE_NAMES = {"notify_matches": _l("emails about new matches"),
                    "notify_followups": _l("the weekly email of follow-ups due")}


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


mail_limit = configured_limit("MAIL_LINK_RATE_LIMIT")


def _per_user() -> str:
    """Limits run before the audience gate, so a visitor is counted by address (and then refused)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def send_confirmation(user) -> None:
    """Queue the link that confirms the user's address (registration, resend); the caller commits."""
    mailer.send("confirm_address", user.email, page_locale(), name=user.name, role=user.role,
                days=addresses.CONFIRM_AGE.days,
                url=mailer.link("account.confirm_address", token=addresses.confirmation_token(_secret(), user)))


@bp.post("/confirmation")
@limiter.limit(mail_limit, key_func=_per_user)
def resend_confirmation():
    if ButtonForm().validate_on_submit():
        if addresses.is_confirmed(current_user):
            flash(_("Your email address is already confirmed."), "info")
        else:
            send_confirmation(current_user)
            db.session.commit()
            flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for(".overview"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def confirm_address(token: str):
    """Whoever holds the link may confirm: it reached the address, which is all it proves."""
    if not ButtonForm().validate_on_submit():
        user = addresses.to_confirm(db.session, _secret(), token)
        return render_template("account/link.html", title=_("Confirm your email address"),
                               text=_("Confirm that %(email)s is your address.", email=user.email),
                               button=_("Confirm my address"))
    user = addresses.confirm(db.session, _secret(), token)
    profiles.address_confirmed(db.session, search_engine(), user)
    db.session.commit()
    log_security_event("email_confirmed", user_id=user.id)
    flash(_("Thank you: your email address is confirmed."), "success")
    return redirect(url_for(".overview") if current_user == user else url_for("auth.login"))


@bp.post("/email")
@limiter.limit(mail_limit, key_func=_per_user)
def change_email():
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return render_overview(email_form=form), 400
    ok, asked = saved(form, lambda: addresses.request_change(db.session, _secret(), current_user,
                                                             form.password.data, form.new_email.data))
    if not ok:
        return render_overview(email_form=form), 422
    address, token = asked
    mailer.send("confirm_change", address, page_locale(), name=current_user.name,
                hours=int(addresses.CHANGE_AGE.total_seconds() // 3600),
                url=mailer.link("account.confirm_email_change", token=token))
    db.session.commit()
    log_security_event("email_change_requested", user_id=current_user.id)
    flash(_("We sent a link to %(email)s. Your address changes when you follow it.", email=address), "success")
    return redirect(url_for(".overview"))


@bp.route("/email/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def confirm_email_change(token: str):
    """A refused link or an address taken meanwhile answers with the error page and changes nothing."""
    if not ButtonForm().validate_on_submit():
        _user, address = addresses.to_change(db.session, _secret(), token)
        return render_template("account/link.html", title=_("Change your email address"),
                               text=_("From now on, sign in and receive our mail at %(email)s.", email=address),
                               button=_("Use this address"))
    user, old = addresses.change(db.session, _secret(), token)
    profiles.address_confirmed(db.session, search_engine(), user)
    mailer.send("email_changed", old, page_locale(), name=user.name, new_email=user.email)
    db.session.commit()
    log_security_event("email_changed", user_id=user.id)
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    return redirect(url_for(".overview") if current_user == user else url_for("auth.login"))


@bp.post("/preferences")
def preferences():
    form = PreferencesForm(current_user)
    if form.validate_on_submit():
        ok, _user = saved(form, lambda: notifications.save(db.session, current_user, {
            name: form[name].data for name in notifications.preferences_of(current_user)}))
        if ok:
            flash(_("Your email preferences are saved."), "success")
            return redirect(url_for(".overview"))
    return render_overview(preferences_form=form), 422


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
@csrf.exempt
def unsubscribe(token: str):
    """GET asks; any POST (the page's button, or a mail client's one-click) turns the preference off."""
    if request.method == "GET":
        _user, preference = notifications.to_unsubscribe(db.session, _secret(), token)
        return render_template("account/link.html", title=_("Unsubscribe"), button=_("Unsubscribe"),
                               text=_("Stop sending me %(what)s.", what=PREFERENCE_NAMES[preference]))
    user, preference = notifications.unsubscribe(db.session, _secret(), token)
    db.session.commit()
    log_security_event("unsubscribed", user_id=user.id, preference=preference)
    return render_template("account/link.html", title=_("Unsubscribed"),
                           text=_("We will not send you %(what)s any more. You can turn them on again on your "
                                  "account page.", what=PREFERENCE_NAMES[preference]))

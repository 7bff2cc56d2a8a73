"""Sign in, sign out, register, change or reset a password."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ... import mailer
from ...extensions import db, limiter
from ...i18n import page_locale
from ...security import log_security_event
from ...services.accounts import consent, password_reset
from ...services.accounts import users as accounts
from ..access import PUBLIC, SIGNED_IN, allow, gate
from ..account.mail import mail_limit, send_confirmation
from ..forms import is_safe_redirect, saved
from .forms import ForgotPasswordForm, LoginForm, PasswordChangeForm, RegistrationForm, ResetPasswordForm

bp = gate(Blueprint("auth", __name__, url_prefix="/auth"), PUBLIC)

HOME_BY_ROLE = {"seeker": "seekers.matches", "employer": "employers.dashboard",
                "institution": "institutions.dashboard", "admin": "admin.dashboard"}


def home_for(user) -> str:
    endpoint = HOME_BY_ROLE.get(user.role, "public.index")
    return url_for(endpoint) if endpoint in current_app.view_functions else url_for("public.index")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.find_user(db.session, form.email.data)
        if user is None or not user.check_password(form.password.data) or not user.is_active:
            log_security_event("login_failed", user_id=user.id if user else None)
            flash(_("Email or password is not correct."), "error")
        else:
            login_user(user, remember=form.remember.data)
            next_url = request.args.get("next")
            return redirect(next_url if is_safe_redirect(next_url) else home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegistrationForm()
    if form.validate_on_submit():
        ok, user = saved(form, lambda: _register(form))
        if ok:
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(home_for(user))
    return render_template("auth/register.html", form=form)


def _register(form: RegistrationForm):
    user = accounts.register(
        db.session, role=form.role.data, email=form.email.data, password=form.password.data,
        name=form.name.data, region=form.region.data, company=form.company.data,
        institution=form.institution.data, institution_name=form.institution_name.data,
        institution_kind=form.institution_kind.data)
    consent.record(db.session, user, "privacy_required", True, current_app.config["CONSENT_VERSION"])
    send_confirmation(user)
    return user


@bp.route("/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        ok, _none = saved(form, lambda: accounts.change_password(current_user, form.current_password.data,
                                                                 form.new_password.data))
        if ok:
            # The session id changed with the password: sign in again here, renewing "keep me signed in" when this
            # browser had it (the old remember cookie names the old id)
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("public.index"))
    return render_template("auth/password.html", form=form)


def _reset_address_key() -> str:
    """The reset limit counts per address asked about, so nobody floods one inbox from many places."""
    return "reset:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(mail_limit, key_func=_reset_address_key, methods=["POST"])
def forgot_password():
    """One answer whatever the address: whether it has an account is not for the asker to learn."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user, token = password_reset.request(db.session, current_app.config["SECRET_KEY"], form.email.data)
        mailer.send("reset_password", user.email if user else None, page_locale(), name=user.name if user else "",
                    url=mailer.link("auth.reset_password", token=token),
                    minutes=int(password_reset.RESET_AGE.total_seconds() // 60))
        db.session.commit()
        log_security_event("password_reset_requested", user_id=user.id if user else None)
        flash(_("If an account uses that address, we have sent it a link to set a new password. The link works "
                "for one hour."), "info")
        return redirect(url_for(".login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    """Sets the password and signs the person in: the link reached their address."""
    email = password_reset.to_reset(db.session, current_app.config["SECRET_KEY"], token).email
    form = ResetPasswordForm()
    if form.validate_on_submit():
        ok, user = saved(form, lambda: password_reset.reset(db.session, current_app.config["SECRET_KEY"], token,
                                                            form.password.data))
        if ok:
            log_security_event("password_reset", user_id=user.id)
            logout_user()
            login_user(user)
            flash(_("Your password has been changed."), "success")
            return redirect(home_for(user))
    return render_template("auth/reset.html", form=form, email=email), 422 if form.errors else 200

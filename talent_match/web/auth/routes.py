"""Sign in, sign out, register, change or reset a password.

None of these pages tells a stranger whether an address has an account (services.accounts.users), and signing out
or setting a new password ends every session of the account, copies of its cookies included.
"""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ... import mailer
from ...extensions import configured_limit, db, limiter
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
                "institution": "institutions.dashboard", "operator": "admin.home", "admin": "admin.dashboard"}


def home_for(user) -> str:
    endpoint = HOME_BY_ROLE.get(user.role, "public.index")
    return url_for(endpoint) if endpoint in current_app.view_functions else url_for("public.index")


_login_limit = configured_limit("LOGIN_RATE_LIMIT")


def _per_address(purpose: str):
    """A limit key per address asked about (whoever asks), so nobody floods one inbox from many places."""
    return lambda: f"{purpose}:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user, signed_in = accounts.authenticate(db.session, form.email.data, form.password.data)
        if not signed_in:
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
    """Signs the account out everywhere: one session cannot be ended alone, since its cookie is signed, not stored,
    and a copy of it (or of the remember-me cookie) would go on working."""
    accounts.sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured_limit("REGISTRATION_RATE_LIMIT"), methods=["POST"])
@limiter.limit(mail_limit, key_func=_per_address("register"), methods=["POST"])
def register():
    """A free address and a taken one get the same answer: only the mail differs (a link confirming the new
    account, or a note to the owner of the existing one)."""
    form = RegistrationForm()
    if request.method == "GET" and request.args.get("role") in dict(form.role.choices):
        form.role.data = request.args["role"]  # the front page's "register as ..." links
    if form.validate_on_submit():
        ok, _user = saved(form, lambda: _register(form))
        if ok:
            flash(_("Check your email: we sent a message to %(email)s with the next step.", email=form.email.data),
                  "info")
            return redirect(url_for(".login"))
    return render_template("auth/register.html", form=form)


def _register(form: RegistrationForm):
    try:
        user = accounts.register(
            db.session, role=form.role.data, email=form.email.data, password=form.password.data,
            name=form.name.data, region=form.region.data, company=form.company.data,
            institution=form.institution.data, institution_name=form.institution_name.data,
            institution_kind=form.institution_kind.data)
    except accounts.AddressTaken:
        db.session.rollback()
        owner = accounts.find_user(db.session, form.email.data)  # None only if erased meanwhile
        if owner is not None and owner.is_active:
            mailer.send("registration_attempt", owner.email, owner.locale, name=owner.name,
                        sign_in_url=mailer.link("auth.login"), reset_url=mailer.link("auth.forgot_password"))
        log_security_event("registration_for_taken_address", user_id=owner.id if owner else None)
        return None
    consent.record(db.session, user, "privacy_required", True, current_app.config["CONSENT_VERSION"])
    send_confirmation(user)
    return user


@bp.route("/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        ok, revoked = saved(form, lambda: accounts.change_password(db.session, current_user,
                                                                   form.current_password.data,
                                                                   form.new_password.data))
        if ok:
            log_security_event("password_changed", user_id=current_user.id, tokens_revoked=revoked)
            # The session id changed with the password: sign in again here, renewing "keep me signed in" when this
            # browser had it (the old remember cookie names the old id)
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            _tell_what_ended(revoked)
            return redirect(url_for("public.index"))
    return render_template("auth/password.html", form=form)


def _tell_what_ended(revoked: int) -> None:
    flash(_("Your password has been changed. Every other device signed in to your account is signed out."),
          "success")
    if revoked:
        flash(_("API tokens revoked with the old password: %(count)s. Create new ones on your account page if your "
                "programs still need them.", count=revoked), "info")


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(mail_limit, key_func=_per_address("reset"), methods=["POST"])
def forgot_password():
    """One answer whatever the address: whether it has an account is not for the asker to learn."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        ok, _none = saved(form, lambda: _mail_reset(form.email.data))
        if ok:
            flash(_("If an account uses that address, we have sent it a link to set a new password. The link works "
                    "for one hour."), "info")
            return redirect(url_for(".login"))
    return render_template("auth/forgot.html", form=form)


def _mail_reset(email: str) -> None:
    """The account gets a link; an address without one (or with a disabled one) gets a note saying so. One message
    either way, so the answer costs the same whether or not the address has an account."""
    address, user, token = password_reset.request(db.session, current_app.config["SECRET_KEY"], email)
    if user is not None:
        mailer.send("reset_password", user.email, page_locale(), name=user.name,
                    url=mailer.link("auth.reset_password", token=token),
                    minutes=int(password_reset.RESET_AGE.total_seconds() // 60))
    else:
        mailer.send("reset_no_account", address, page_locale(), register_url=mailer.link("auth.register"))
    log_security_event("password_reset_requested", user_id=user.id if user else None)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    """Sets the password and signs the person in: the link reached their address."""
    email = password_reset.to_reset(db.session, current_app.config["SECRET_KEY"], token).email
    form = ResetPasswordForm()
    if form.validate_on_submit():
        ok, done = saved(form, lambda: password_reset.reset(db.session, current_app.config["SECRET_KEY"], token,
                                                            form.password.data))
        if ok:
            user, revoked = done
            log_security_event("password_reset", user_id=user.id, tokens_revoked=revoked)
            logout_user()
            login_user(user)
            _tell_what_ended(revoked)
            return redirect(home_for(user))
    return render_template("auth/reset.html", form=form, email=email), 422 if form.errors else 200

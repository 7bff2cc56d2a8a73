"""Account forms. Rules live in services; these only collect and label the fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ...services.accounts import notifications


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for, e.g. 'HR system'"), validators=[Length(max=80)],
                       render_kw={"autocomplete": "off"})


class EmailChangeForm(FlaskForm):
    new_email = EmailField(_l("New email address"), validators=[DataRequired(), Length(max=254)],
                           description=_l("We send a link to the new address; your address changes when you follow "
                                          "it."), render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class PreferencesForm(FlaskForm):
    notify_matches = SelectField(_l("New matches by email"), choices=[
        ("off", _l("Never")), ("daily", _l("Once a day")), ("weekly", _l("Once a week"))])
    notify_followups = BooleanField(_l("Each week, the follow-ups that are due"))

    def __init__(self, user, *args, **kwargs):
        """Only the preferences of the user's role, with what they mean for it."""
        super().__init__(*args, **kwargs)
        for name in sorted(set(notifications.OFF) - set(notifications.preferences_of(user))):
            delattr(self, name)
        if "notify_matches" in self:
            self.notify_matches.description = MATCHES_MEAN.get(user.role)


MATCHES_MEAN = {"seeker": _l("New postings that match your profile."),
                "employer": _l("New candidates who match your open postings.")}

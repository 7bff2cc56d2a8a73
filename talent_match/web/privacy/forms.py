"""Privacy forms: a consent's new state, and the deliberate steps of deleting one's account."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField
from wtforms.validators import DataRequired


class ConsentForm(FlaskForm):
    granted = HiddenField()


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(_l("I understand that my account and my personal data will be deleted for good"),
                           validators=[DataRequired()])

"""Account forms. Rules live in services.validation; these only collect and label the fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in"))


class RegistrationForm(FlaskForm):
    role = SelectField(_l("I am"), choices=[
        ("seeker", _l("A job seeker")), ("employer", _l("An employer (SME)")),
        ("institution", _l("A university, bootcamp or technopark")),
    ])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], render_kw={"autocomplete": "name"})
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)],
                             description=_l("At least 10 characters."), render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat password"), validators=[EqualTo("password", message=_l("Passwords differ"))],
                            render_kw={"autocomplete": "new-password"})
    region = SelectField(_l("Region"), choices=choices.regions,
                         description=_l("Seekers: your home region. Employers and institutions: where you are based."))
    company = StringField(_l("Company name (employers)"), validators=[Length(max=200)])
    institution = StringField(_l("Institution handle, e.g. gn-ai-academy (institutions)"), validators=[Length(max=60)])
    institution_name = StringField(_l("Institution name (institutions)"), validators=[Length(max=200)])
    institution_kind = SelectField(_l("Kind of institution (institutions)"), choices=choices.INSTITUTION_KINDS,
                                   default="bootcamp")
    privacy = BooleanField(_l("I agree to the collection and use of my personal information (required)"),
                           validators=[DataRequired()])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[EqualTo("new_password", message=_l("Passwords differ"))],
                            render_kw={"autocomplete": "new-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)],
                       description=_l("The address you signed up with. If it has an account, we send it a link."),
                       render_kw={"autocomplete": "username"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)],
                             description=_l("At least 10 characters."), render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[EqualTo("password", message=_l("Passwords differ"))],
                            render_kw={"autocomplete": "new-password"})

"""Admin forms. Rules live in services.reference.taxonomy, services.hiring.companies, services.training.institutions,
services.outcomes.watch_list and services.accounts.operators; field names are the services' error keys, so each
error lands beside its field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField

from ..choices import INSTITUTION_KINDS, any_of

LANGUAGES = [("ko", _l("Korean")), ("en", _l("English"))]


class SkillForm(FlaskForm):
    slug = StringField(_l("Slug (lowercase letters, digits and hyphens, e.g. defect-detection)"))
    name_ko = StringField(_l("Korean name"))
    name_en = StringField(_l("English name"))
    category = StringField(_l("Category"))
    aliases = StringField(_l("Other names (separate with commas)"))


class AliasForm(FlaskForm):
    aliases = StringField(_l("New alias"), description=_l("Another way people write this skill, e.g. a Korean spelling "
                                                          "or an abbreviation."))
    lang = SelectField(_l("Language"), choices=any_of(LANGUAGES, _l("Guess from the script")))


class RemoveAliasForm(FlaskForm):
    alias = HiddenField()


class VerifyForm(FlaskForm):
    verified = HiddenField()


class WatchForm(FlaskForm):
    skill = StringField(_l("Skill to watch"), description=_l("Any of its names, e.g. PyTorch or 파이토치."))


class UnwatchForm(FlaskForm):
    skill = HiddenField()


class InstitutionForm(FlaskForm):
    """A new institution; `region` offers the regions the reader acts for (the view fills its choices)."""
    region = SelectField(_l("Region"), choices=[], validate_choice=False)
    slug = StringField(_l("Slug (lowercase letters, digits and hyphens, e.g. gn-ai-academy)"))
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"), choices=INSTITUTION_KINDS, validate_choice=False)


class InstitutionEditForm(FlaskForm):
    name = StringField(_l("Name"))
    kind = SelectField(_l("Kind"), choices=INSTITUTION_KINDS, validate_choice=False)


class OperatorForm(FlaskForm):
    email = StringField(_l("Email"))
    name = StringField(_l("Name"))
    region = SelectField(_l("Region"), choices=[], validate_choice=False)
    password = PasswordField(_l("First password (at least 10 characters; they change it after signing in)"))


class ActiveForm(FlaskForm):
    active = HiddenField()

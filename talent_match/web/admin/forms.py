"""Admin forms. Rules live in services.reference.taxonomy and services.hiring.companies; field names are the services'
error keys, so each error lands beside its field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from ..choices import any_of

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

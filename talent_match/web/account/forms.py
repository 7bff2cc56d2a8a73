"""Account forms. Rules live in services; these only collect and label the fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for, e.g. 'HR system'"), validators=[Length(max=80)],
                       render_kw={"autocomplete": "off"})

"""The answer forms, one per audience. Nothing is chosen until the reader chooses: a preselected answer would be
recorded for anyone who only presses the button. The service checks what was chosen."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField

from ...services.training.answers import EMPLOYER_ANSWERS, TRAINEE_ANSWERS
from ...services.training.readiness import COMMENT_LENGTH, field_of
from .. import choices
from ..forms import date_field

EMPLOYER_LABELS = {"employed": _l("Yes, still employed with us"), "left": _l("No, they left on this date:"),
                   "unknown": _l("I don't know")}
TRAINEE_LABELS = {"same_employer": _l("Still with the same employer"),
                  "other_employer": _l("With another employer, in this region:"),
                  "not_employed": _l("Not employed"), "studying": _l("Studying"),
                  "military_service": _l("Doing military service")}


def _regions() -> list[tuple[str, str]]:
    return choices.any_of(choices.regions(), _l("Choose a region"))


class EmployerAnswerForm(FlaskForm):
    answer = RadioField(_l("Your answer"), choices=[(code, EMPLOYER_LABELS[code]) for code in EMPLOYER_ANSWERS],
                        validate_choice=False)
    left_on = date_field(_l("Last day with you"))


class TraineeAnswerForm(FlaskForm):
    answer = RadioField(_l("Your answer"), choices=[(code, TRAINEE_LABELS[code]) for code in TRAINEE_ANSWERS],
                        validate_choice=False)
    region = SelectField(_l("Region where you work"), choices=_regions, validate_choice=False)


READINESS_LABELS = {1: _l("Not ready"), 2: _l("Needed much support"), 3: _l("Needed some support"),
                    4: _l("Fully ready")}


class ReadinessForm(FlaskForm):
    comment = StringField(_l("Anything the training should change? (optional, one line)"),
                          render_kw={"maxlength": COMMENT_LENGTH})


def readiness_form(skills, locale: str) -> ReadinessForm:
    """A form with one 1-4 choice per skill asked about (fields named as the service reads them)."""

    class Form(ReadinessForm):
        pass

    for skill in skills:
        setattr(Form, field_of(skill), RadioField(skill.name(locale), validate_choice=False,
                                                  choices=[(str(level), label)
                                                           for level, label in READINESS_LABELS.items()]))
    return Form()


FORMS = {"employer": EmployerAnswerForm, "trainee": TraineeAnswerForm}

"""The answer forms, one per audience. Nothing is chosen until the reader chooses: a preselected answer would be
recorded for anyone who only presses the button. The service checks what was chosen."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField

from ...services.training.answers import EMPLOYER_ANSWERS, TRAINEE_ANSWERS
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


FORMS = {"employer": EmployerAnswerForm, "trainee": TraineeAnswerForm}

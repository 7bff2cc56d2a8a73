"""Messages the domain raises: English wherever they are read as text, translated where people read web pages."""
import copy
import json
import pickle
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from talent_match import i18n
from talent_match.i18n import translate
from talent_match.services import validation as v
from talent_match.services.errors import ValidationFailed
from talent_match.services.messages import msg

KOREAN = Path(__file__).resolve().parent.parent / "talent_match" / "translations" / "ko" / "LC_MESSAGES" / "messages.po"


def test_a_message_reads_as_its_english_text_and_keeps_how_it_was_made():
    message = msg("must be at least {minimum}", minimum=18)
    assert message == "must be at least 18" and isinstance(message, str)
    assert (message.template, message.values) == ("must be at least {minimum}", {"minimum": 18})
    assert json.dumps({"age": [message]}) == '{"age": ["must be at least 18"]}'
    assert f"{message}!" == "must be at least 18!"


def test_a_message_survives_copy_and_pickle_even_when_its_values_hold_braces():
    message = msg("is not a real date: {value}", value="{2024}-13-01")
    for again in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert again == "is not a real date: {2024}-13-01" and again.template == message.template


def test_a_validation_error_stays_english_for_logs_the_cli_and_the_api():
    with pytest.raises(ValidationFailed) as refused:
        v.clean_int("5", "age", minimum=18)
    assert refused.value.errors == {"age": ["must be at least 18"]}
    assert refused.value.message == "age: must be at least 18" == str(refused.value)


@pytest.mark.parametrize("locale, expected", [("ko", "18 이상이어야 합니다"), ("en", "must be at least 18")])
def test_translate_fills_the_translated_template(app, locale, expected):
    with app.test_request_context(f"/?lang={locale}"):
        assert translate(msg("must be at least {minimum}", minimum=18)) == expected


def test_translate_translates_messages_inside_messages_and_looks_plain_text_up_as_it_is(app):
    with pytest.raises(ValidationFailed) as refused:
        v.clean_text("", "name", max_length=10, required=True)
    with app.test_request_context("/"):
        assert translate(refused.value.message) == "name: 필수 항목입니다"
        assert translate("Region") == "지역" and translate("not in the catalogue") == "not in the catalogue"
        assert translate("") == ""


def test_a_translation_that_lost_a_placeholder_shows_the_english_rather_than_an_error(app, monkeypatch):
    class Broken:
        def ugettext(self, text):
            return "{somewhere} 이상"
    monkeypatch.setattr(i18n, "_translations", Broken)
    with app.test_request_context("/"):
        assert translate(msg("must be at least {minimum}", minimum=18)) == "must be at least 18"


def test_every_korean_translation_keeps_the_placeholders_of_its_template():
    with KOREAN.open("rb") as fh:
        catalogue = read_po(fh)
    placeholders = re.compile(r"\{[^{}]*\}")
    templates = [m for m in catalogue if isinstance(m.id, str) and placeholders.search(m.id)]
    assert len(templates) > 30
    for message in templates:
        assert sorted(placeholders.findall(message.string)) == sorted(placeholders.findall(message.id)), message.id


def test_services_build_messages_without_flask():
    source = (Path(__file__).resolve().parent.parent / "talent_match" / "services" / "messages.py").read_text()
    assert not re.search(r"^\s*(from|import) (flask|\.\.)", source, re.MULTILINE)

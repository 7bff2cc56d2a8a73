"""Messages the domain writes for people: English text that remembers how it was made, so the web can translate it.

Services cannot ask Flask-Babel for the reader's language, so they write `msg("must be at least {minimum}",
minimum=10)`: the result reads as the English text everywhere (logs, CLI, API, tests), and the web pages look its
template up in the catalogue and fill in the values again (`talent_match.i18n.translate`). `scripts/i18n.py`
extracts the templates through the `msg` keyword, so a template must be a literal string.
"""
from __future__ import annotations


class Message(str):
    """The English text, with the `template` and `values` it was filled from."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, values: dict[str, object] | None = None) -> Message:
        values = dict(values or {})
        text = super().__new__(cls, template.format(**values))
        text.template = template
        text.values = values
        return text

    def __reduce__(self):  # copy and pickle rebuild from the template: the English text may hold braces
        return Message, (self.template, self.values)


def msg(template: str, **values) -> Message:
    """A message from a fixed template with `{name}` placeholders (double a literal brace) and named values."""
    return Message(template, values)

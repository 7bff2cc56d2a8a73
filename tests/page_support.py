"""What the page tests share."""
import contextlib
from html.parser import HTMLParser

import sqlalchemy as sa

from talent_match.extensions import db


def english(client):
    """The client, reading the pages in English from now on (the choice is kept in its session)."""
    client.post("/lang/en", data={"next": "/"})
    return client


def filled(form: dict, **changed) -> dict:
    """A form as a person would send it, with `changed` fields."""
    return {**form, **changed}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.text, self._select = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag in ("input", "option"):
            self.controls.append((self._select if tag == "option" else attrs.get("name"), {"tag": tag, **attrs}))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        self.text.append(data)


def read_page(page: str) -> tuple[list[tuple[str, dict]], str]:
    """The page's inputs and options as (name, attributes; an option has its select's name), and its text."""
    reader = _Reader()
    reader.feed(page)
    return reader.controls, " ".join(reader.text)


@contextlib.contextmanager
def sql_writes(app, ignore=None):
    """The INSERT, UPDATE and DELETE statements the database sees inside the block (whitespace folded), but those
    `ignore` (a compiled pattern) matches."""
    found: list[str] = []

    def record(conn, cursor, statement, *_):
        text = " ".join(statement.split())
        if text.split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE") and not (ignore and ignore.match(text)):
            found.append(text[:100])

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)

"""What the page tests share."""
from html.parser import HTMLParser


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

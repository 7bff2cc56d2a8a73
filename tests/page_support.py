"""What the page tests share."""


def english(client):
    """The client, reading the pages in English from now on (the choice is kept in its session)."""
    client.post("/lang/en", data={"next": "/"})
    return client


def filled(form: dict, **changed) -> dict:
    """A form as a person would send it, with `changed` fields."""
    return {**form, **changed}

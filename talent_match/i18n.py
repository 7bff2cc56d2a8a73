"""Korean first, English on request."""
from contextlib import contextmanager

from flask import Flask, current_app, g, request, session
from flask_babel import force_locale, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from .extensions import babel, db
from .services.messages import Message
from .services.reference.taxonomy import Taxonomy


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.args.get("lang") in languages:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path) + "/translations")

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(gettext=_page_gettext, _=_page_gettext)  # replaces the gettext installed above
    app.jinja_env.filters["translate"] = translate
    app.jinja_env.globals["page_locale"] = page_locale  # for macros, which are imported without the context
    app.jinja_env.globals["skill_label"] = skill_label

    @app.context_processor
    def _locale():
        return {"current_locale": page_locale()}


@pass_context
def _page_gettext(context, string: str, **variables) -> str:
    """Jinja's newstyle gettext (translate, escape, fill), without the two layers of Context.call its `_` goes
    through: a page of matches calls it about a thousand times, and those layers were two thirds of its cost.
    A message without values is kept as the page shows it, on its catalogue (which lives as long as the app)."""
    catalogue, autoescape = _translations(), context.eval_ctx.autoescape
    if not variables:
        shown = catalogue.__dict__.setdefault("_page_messages", {})
        found = shown.get((string, autoescape))
        if found is None:
            found = shown[(string, autoescape)] = _fill(catalogue.ugettext(string), autoescape, {})
        return found
    return _fill(catalogue.ugettext(string), autoescape, variables)


def _fill(message: str, autoescape: bool, variables: dict) -> str:
    return (Markup(message) if autoescape else message) % variables


def page_locale() -> str:
    """The language this page is written in ("ko" or "en")."""
    return str(get_locale())


def skill_label(text: str) -> str:
    """A skill as people typed it ("Python", "파이썬"), named in the page's language when the taxonomy knows it, so a
    list never switches language from one tag to the next; unknown skills stay as written."""
    taxonomy = g.get("_taxonomy")
    if taxonomy is None:  # once per page: a list of matches names a hundred skills
        taxonomy = g._taxonomy = Taxonomy.from_session(db.session)
    known = taxonomy.resolve(text)
    return known.name(page_locale()) if known else text


def translate(message: str) -> str:
    """A message from the domain in the reader's language: a Message's template looked up in the catalogue and
    filled with its values (messages among them translated too); other text looked up as it is. For web pages
    only: the API and the CLI keep the English."""
    if isinstance(message, Message):
        values = {name: translate(value) if isinstance(value, Message) else value
                  for name, value in message.values.items()}
        try:
            return _translations().ugettext(message.template).format(**values)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: English, not a 500
            return str(message)
    return _translations().ugettext(message) if message else message


@contextmanager
def written_in(locale: str):
    """Translate in `locale` whatever the page's language (mail to someone); the page's catalogue comes back after."""
    kept = g.pop("_translations", None)
    try:
        with force_locale(locale):
            yield
    finally:
        g.pop("_translations", None)
        if kept is not None:
            g._translations = kept


def _translations():
    """Flask-Babel's catalogue, looked up once per request for the templates: a page of matches calls gettext
    over a thousand times, and each of Flask-Babel's own lookups walks its context (about half the render)."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found

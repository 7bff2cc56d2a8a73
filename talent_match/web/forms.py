"""Glue between WTForms and the domain, shared by every blueprint: the one way a view writes, and where its errors
are shown."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm
from wtforms import StringField

from ..extensions import db
from ..i18n import translate
from ..services.errors import DomainError, Forbidden, NotFound, ValidationFailed

T = TypeVar("T")


class ButtonForm(FlaskForm):
    """A form of one button (templates: macros/forms.html `post_button`): no fields, only the CSRF token; what it
    does is in the URL."""


def date_field(label, **options) -> StringField:
    """A date picker whose text the service reads (services.validation), so a bad date is named beside its field
    in the reader's language rather than refused by WTForms."""
    return StringField(label, render_kw={"type": "date"}, **options)


def number_field(label, **options) -> StringField:
    """A whole number typed on a numeric keypad; the service reads and bounds it."""
    return StringField(label, render_kw={"inputmode": "numeric"}, **options)


def saved(form, write: Callable[[], T]) -> tuple[bool, T | None]:
    """Run `write` (a service call) and commit; return (True, what it returned). On a domain error roll back and
    return (False, None): a ValidationFailed is shown beside the form's fields (flashed when `form` is None or lacks
    the field), a Conflict is flashed. NotFound and Forbidden go on up after the rollback, so the page answers 404
    or 403 as every other view does: they say the object is not the reader's, not what to correct."""
    try:
        result = write()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if isinstance(exc, (NotFound, Forbidden)):
            raise
        if isinstance(exc, ValidationFailed):
            apply_errors(form, exc)
        else:
            flash(translate(exc.message), "error")
        return False, None
    return True, result


def apply_errors(form, error: ValidationFailed) -> None:
    """Show each domain error in the reader's language, beside its field or at the top when the form has none."""
    for field_name, messages in error.errors.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [translate(message) for message in messages]
        else:
            for message in messages:
                flash(f"{field_name}: {translate(message)}" if field_name != "_" else translate(message), "error")


def is_safe_redirect(target: str | None) -> bool:
    """Only local paths: never send someone to another site after login."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")

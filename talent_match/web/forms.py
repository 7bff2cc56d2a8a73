"""Glue between WTForms and domain validation errors, shared by every blueprint."""
from __future__ import annotations

from typing import Callable, TypeVar
from urllib.parse import urlsplit

from flask import flash

from ..extensions import db
from ..i18n import translate
from ..services.errors import ValidationFailed

T = TypeVar("T")


def saved(form, write: Callable[[], T]) -> tuple[bool, T | None]:
    """Run `write` (a service call), commit, and return (True, what it returned); on ValidationFailed roll back,
    show the errors beside the form's fields and return (False, None). The one way a form view writes."""
    try:
        result = write()
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(form, exc)
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

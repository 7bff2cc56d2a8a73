"""Domain errors: raised by services, turned into form errors, problem+json or CSV row errors by adapters."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises for people to read."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input broke a rule. `errors` maps field name to a list of messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str | None = None):
        if isinstance(errors, str):
            errors = {field or "_": [errors]}
        self.errors = errors
        first = next(iter(errors.items()))
        super().__init__(f"{first[0]}: {first[1][0]}" if first[0] != "_" else first[1][0], field=first[0])


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409

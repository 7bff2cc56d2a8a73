"""Domain errors: raised by services, turned into form errors, problem+json or CSV row errors by adapters."""
from __future__ import annotations

from .messages import msg


class DomainError(Exception):
    """Base of every error a service raises for people to read. Messages are `messages.msg(...)`: English to logs
    and the API, translated on web pages."""

    status = 400
    problem: str | None = None  # names a refusal an API client may meet with valid input (the API's problem types)

    def __init__(self, message: str, *, field: str | None = None, problem: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problem = problem or self.problem


class ValidationFailed(DomainError):
    """Input broke a rule. `errors` maps field name to a list of messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str | None = None, problem: str | None = None):
        if isinstance(errors, str):
            errors = {field or "_": [errors]}
        self.errors = errors
        first = next(iter(errors.items()))
        message = msg("{field}: {message}", field=first[0], message=first[1][0]) if first[0] != "_" else first[1][0]
        super().__init__(message, field=first[0], problem=problem)


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409

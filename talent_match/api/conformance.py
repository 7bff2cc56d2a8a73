"""Requests held to the OpenAPI document: every query and path argument and every JSON body is checked against the
schema the document gives it before a service sees it, and refused with 422 naming each field. So the document says
exactly what the server takes, while the services' validators stay as lenient as web forms need ("예" is true there).

JSON types come first, spelled out for people ("true, not \"yes\""); then jsonschema-rs checks the rest (lengths,
patterns, choices, bounds) against the document's own schemas, so no rule is written twice.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

import jsonschema_rs
from flask import request

from ..services import validation as v
from ..services.errors import ValidationFailed
from ..services.messages import msg
from .schemas import DAY, FILLED, IN_LIST, PHONE, SCHEMAS

# JSON Schema counts 61.0 as the integer 61; the API wants 61 (a refusal of its own problem type, so clients can
# tell it from a value that breaks the document).
WHOLE_NUMBER_AS_DECIMAL = "whole-number-as-decimal"
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_arguments_the_document_does_not_take(operation: dict) -> None:
    """Each documented query and path argument of the `operation` answering this request parsed as its schema's
    type and held to that schema; every wrong one named at once (422)."""
    errors = {}
    for parameter in operation.get("parameters", ()):
        name, schema = parameter["name"], parameter["schema"]
        if parameter["in"] == "query":
            given = request.args.getlist(name)
            if not given:
                continue
            if len(given) > 1 and schema.get("type") != "array":
                errors[name] = [msg("must be given once")]
                continue
            problem = _argument_problem(schema, given)
        elif schema.get("type") == "string":  # ids are the URL converter's (a 404 beyond range)
            problem = _value_problem(_validator(_key(schema)), request.view_args[name])
        else:
            continue
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationFailed(errors)


def _argument_problem(schema: dict, given: list[str]) -> str | None:
    """A query argument as its schema's type: integers as digits, booleans as true/false, lists comma-separated
    (`style: form, explode: false`, as OpenAPI sends them by default), text as it is."""
    kind = schema.get("type")
    if kind == "array":
        value = [item for raw in given for item in (raw.split(",") if raw else [])]
    elif kind == "integer":
        if not _INTEGER.fullmatch(given[0]):
            return msg("must be a whole number")
        value = int(given[0])
    elif kind == "boolean":
        if given[0] not in ("true", "false"):
            return msg("must be true or false")
        value = given[0] == "true"
    else:
        value = given[0]
    return _value_problem(_validator(_key(schema)), value)


def body_errors(body: str, data: dict) -> dict[str, list[str]]:
    """Messages by field for the values of `data` (already of the right JSON types) that break SCHEMAS[body]."""
    errors: dict[str, list[str]] = {}
    for error in _body_validator(body).iter_errors(data):
        path = list(error.instance_path)
        name = path[0] if path else error.kind.as_dict().get("property", "_")
        message = _message(error)
        if len(path) > 1 and isinstance(path[1], int):
            message = msg("item {number} {message}", number=path[1] + 1, message=message)
        if message not in errors.setdefault(name, []):  # `format` and `pattern` of a date say the same
            errors[name].append(message)
    return errors


def decimal_integers(body: str, data: dict) -> set[str]:
    """The fields of `data` holding a whole number written with a decimal point or exponent (61.0, 6.1e1) where
    SCHEMAS[body] says integer."""
    properties = SCHEMAS[body]["properties"]
    return {name for name, value in data.items() if isinstance(value, float) and value.is_integer()
            and name in properties and "integer" in _kinds(properties[name])}


def _value_problem(validator, value) -> str | None:
    error = next(validator.iter_errors(value), None)
    return None if error is None else _message(error)


def _message(error) -> str:
    """A jsonschema-rs error as the services' validators would word it."""
    kind, value = type(error.kind).__name__, error.instance
    limit = error.kind.as_dict().get("limit")
    if kind == "Required":
        return msg("is required")
    if kind == "MaxLength":
        return msg("is too long ({length} characters; at most {limit})", length=len(value), limit=limit)
    if kind == "MaxItems":
        return msg("has too many entries ({count}; at most {limit})", count=len(value), limit=limit)
    if kind == "Minimum":
        return msg("must be at least {minimum}", minimum=limit)
    if kind == "Maximum":
        return msg("must be at most {maximum}", maximum=limit)
    if kind == "Enum":
        choices = ("null" if choice is None else choice for choice in error.kind.as_dict()["options"])
        return msg("must be one of {choices}", choices=", ".join(choices))
    if kind in ("Pattern", "Format"):
        return _pattern_message(error.kind.as_dict().get("pattern"), value)
    return error.message


def _pattern_message(pattern: str | None, value: str) -> str:
    if _CONTROL.search(value):
        return msg("contains control characters")
    if pattern in (DAY, None):  # None: `format: date`
        try:
            v.clean_date(value, "date")
        except ValidationFailed as exc:
            return exc.errors["date"][0]
        return msg("must be a date as YYYY-MM-DD")
    if pattern == FILLED:
        return msg("is required")
    if pattern == PHONE:
        return msg("must be a phone number such as 010-1234-5678 or +82 10 1234 5678")
    if pattern == IN_LIST:
        return msg("separate the labels with commas only (no semicolons, 、, ， or line breaks)")
    return msg("contains characters that are not allowed here")


def _key(schema: dict) -> str:
    return json.dumps(schema, sort_keys=True)


@lru_cache(maxsize=None)
def _validator(schema_json: str):
    """One compiled validator per distinct schema (keyed by its JSON: dicts cannot be cache keys)."""
    return jsonschema_rs.Draft202012Validator(json.loads(schema_json), validate_formats=True)


@lru_cache(maxsize=None)
def _body_validator(body: str):
    return jsonschema_rs.Draft202012Validator({"$ref": f"#/components/schemas/{body}",
                                               "components": {"schemas": SCHEMAS}}, validate_formats=True)


# --- JSON types: a request body's fields are held to the types of the document before any service sees them ------
# The services' cleaners are lenient on purpose (web forms send every value as text), so "yes", "61" or 1e2 would
# pass them; the API is held to its document instead.

_EXPECTED = {"string": "text (a JSON string)", "integer": "a whole number (a JSON integer such as 42, without "
             "quotes or a decimal point)", "number": "a number", "boolean": "true or false (a JSON boolean, "
             "without quotes)", "array": "a list (a JSON array)", "object": "an object", "null": "null"}
_ITEMS = {"string": "text (a JSON array of strings)", "integer": "whole numbers (a JSON array of integers)",
          "number": "numbers (a JSON array of numbers)", "boolean": "true/false values (a JSON array of booleans)",
          "array": "lists (a JSON array of arrays)", "object": "objects (a JSON array of objects)"}
_FOUND = {"string": "text", "integer": "a whole number", "number": "a number with a decimal point or exponent",
          "boolean": "true/false", "array": "a list", "object": "an object", "null": "null"}


def json_type(value) -> str:
    """The JSON type a parsed value had: 61 is an integer; 61.0 and 1e2 are numbers; true is a boolean."""
    if value is None:
        return "null"
    for kind, python in (("boolean", bool), ("integer", int), ("number", float), ("string", str), ("array", list)):
        if isinstance(value, python):
            return kind
    return "object"


def _kinds(schema: dict) -> list[str]:
    if "$ref" in schema:
        return ["object"]
    kinds = schema.get("type", [])
    return kinds if isinstance(kinds, list) else [kinds]


def _expected(schema: dict) -> str:
    words = []
    for kind in _kinds(schema):
        items = _kinds(schema.get("items", {})) if kind == "array" else []
        words.append(f"a list of {_ITEMS[items[0]]}" if items else _EXPECTED[kind])
    return " or ".join(words)


def _fits(value, schema: dict) -> bool:
    kinds = _kinds(schema)
    found = json_type(value)
    return not kinds or found in kinds or (found == "integer" and "number" in kinds)


def _type_problem(schema: dict, value) -> str | None:
    """What is wrong with the JSON type of `value` for a field of `schema`, for people; None when it fits."""
    if not _fits(value, schema):
        return f"must be {_expected(schema)}, not {_FOUND[json_type(value)]}"
    if isinstance(value, list) and "items" in schema:
        for number, item in enumerate(value, 1):
            if not _fits(item, schema["items"]):
                return f"must be {_expected(schema)}; item {number} is {_FOUND[json_type(item)]}"
    return None


def type_errors(body: str, data: dict) -> dict[str, list[str]]:
    """Messages by field for each documented field of `data` whose JSON type is not the one SCHEMAS[body] gives.

    Values within the type (lengths, ranges, choices) are left to the services' validators, one per field."""
    properties = SCHEMAS[body]["properties"]
    errors = {}
    for name, value in data.items():
        problem = _type_problem(properties[name], value) if name in properties else None
        if problem:
            errors[name] = [problem]
    return errors

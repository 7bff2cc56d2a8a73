"""The OpenAPI document turned into plain rows for the server-rendered docs page."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

METHODS = ("get", "post", "put", "patch", "delete")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")


def inline(text: str) -> Markup:
    """The little Markdown the descriptions use (`code` and **strong**), escaped for HTML."""
    html = _CODE.sub(r"<code>\1</code>", str(escape(text)))
    return Markup(_STRONG.sub(r"<strong>\1</strong>", html))


def type_of(schema: dict) -> str:
    """A short description of a schema's type: `Region`, `list of text`, `one of draft, open`, `integer ≥ 1`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:  # a Problem narrowed to the types this operation answers
        return type_of(schema["allOf"][0])
    kinds = schema.get("type", "any")
    kinds = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
    nullable = isinstance(schema.get("type"), list) and "null" in schema["type"]
    if "enum" in schema:
        base = "one of " + ", ".join(str(v) for v in schema["enum"])
    elif kinds == ["array"]:
        base = "list of " + type_of(schema.get("items", {}))
    else:
        base = " or ".join({"string": "text"}.get(k, k) for k in kinds)
        if schema.get("format"):
            base += f" ({schema['format']})"
    limits = []
    for key, sign in (("minimum", "≥"), ("maximum", "≤")):
        if key in schema:
            limits.append(f"{sign} {schema[key]:,}")
    if "maxLength" in schema:
        limits.append(f"at most {schema['maxLength']:,} characters")
    if "maxItems" in schema:
        limits.append(f"at most {schema['maxItems']} items")
    text = base + (f" ({'; '.join(limits)})" if limits else "")
    return text + (" or null" if nullable else "")


def fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", ()))
    return [{"name": name, "type": type_of(prop), "required": name in required,
             "description": inline(prop.get("description", ""))}
            for name, prop in schema.get("properties", {}).items()]


def operations(doc: dict) -> list[dict]:
    base = doc["servers"][0]["url"]
    rows = []
    for route, item in doc["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            bodies = [{"type": kind, "schema": type_of(content.get("schema", {}))}
                      for kind, content in operation.get("requestBody", {}).get("content", {}).items()]
            rows.append({
                "id": f"{method}-{route}".replace("/", "-").replace("{", "").replace("}", "").strip("-"),
                "method": method.upper(), "path": base + route, "summary": operation["summary"],
                "description": inline(operation.get("description", "")),
                "token": {"bearer": []} in operation.get("security", []) and {} not in operation["security"],
                "parameters": [{"name": p["name"], "in": p["in"], "type": type_of(p["schema"]),
                                "required": p.get("required", False),
                                "description": inline(p.get("description", ""))}
                               for p in operation.get("parameters", [])],
                "bodies": bodies,
                "responses": [{"status": status, "description": inline(response["description"]),
                               "schema": next((type_of(c["schema"]) for c in response.get("content", {}).values()
                                               if "schema" in c), "")}
                              for status, response in operation["responses"].items()],
            })
    return rows


def problem_types(doc: dict) -> list[dict]:
    """The problem types beyond about:blank, each with the anchor its `type` URI points at."""
    return [{"anchor": uri.partition("#")[2], "uri": uri, "status": kind["status"],
             "description": inline(kind["description"])} for uri, kind in doc["x-problem-types"].items()]


def schemas(doc: dict) -> list[dict]:
    return [{"name": name, "description": inline(schema.get("description", "")), "fields": fields(schema),
             "type": type_of(schema) if "properties" not in schema else "object"}
            for name, schema in doc["components"]["schemas"].items()]

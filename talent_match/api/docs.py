"""The OpenAPI document turned into plain rows for the server-rendered docs pages: an index, one page per
operation with an example request and answer, and the schemas.

The document itself (/api/v1/openapi.json) stays in English, as a contract; the pages show its texts in the
reader's language through `tr`; openapi.extract_texts hands those texts to Babel so the catalogue holds them.
"""
from __future__ import annotations

import json
import re
from typing import Callable, Iterator

from markupsafe import Markup, escape

METHODS = ("get", "post", "put", "patch", "delete")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_WHO = " **Who:** "
Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


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


# ---- examples: built from the schemas, so they cannot drift from the contract ----------------------------------

_EXAMPLE_TEXT = {"region": "gyeongnam", "home_region": "gyeongnam", "email": "seeker@example.kr", "name": "김지우",
                 "title": "MLOps 엔지니어", "headline": "제조 비전 검사 AI 엔지니어", "slug": "python",
                 "company": "창원정밀", "skill": "Python", "label": "Python", "phone": "010-1234-5678",
                 "summary": "YOLO로 외관 불량 검출 모델을 만들었습니다.", "description": "창원 공장의 비전 검사 모델 운영",
                 "note": "지원합니다.", "city": "창원시", "name_ko": "경상남도", "name_en": "Gyeongsangnam-do", "type": "about:blank"}
_EXAMPLE_NUMBERS = (("id", 42), ("salary", 42_000_000), ("budget", 150_000_000), ("experience", 2),
                    ("years", 2), ("per_page", 20), ("total", 1), ("page", 1), ("openings", 1), ("year", 2026))
_FORMATS = {"date": "2026-09-30", "date-time": "2026-09-30T09:00:00+09:00", "email": "seeker@example.kr",
            "uri": "https://talent.example.kr/api/v1/postings/42", "uri-reference": "/api/v1/postings/42"}


def example(schema: dict, components: dict, name: str = "", depth: int = 0):
    """A plausible value of `schema`: its own example or enum's first value, else one built from the types, the
    formats and the field's name ("region" is a region slug, "*_id" an id)."""
    if depth > 6:
        return None
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components, name, depth + 1)
    if "example" in schema:
        return schema["example"]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return example(options[0], components, name, depth + 1)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), None)
    kinds = schema.get("type", "object" if "properties" in schema else "string")
    kind = next((k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"), "null")
    if kind == "object":
        return {key: example(value, components, key, depth + 1)
                for key, value in schema.get("properties", {}).items()}
    if kind == "array":
        item = example(schema.get("items", {}), components, name.rstrip("s"), depth + 1)
        return [] if item is None else [item]
    if kind == "integer":
        wanted = next((value for part, value in _EXAMPLE_NUMBERS if part in name), 1)
        return max(int(schema.get("minimum", 0)), min(int(schema.get("maximum", wanted)), wanted))
    if kind == "number":
        return round(min(float(schema.get("maximum", 0.82)), 0.82), 2)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    text = _FORMATS.get(schema.get("format", ""), _EXAMPLE_TEXT.get(name, "Python" if "skill" in name else "…"))
    return text[:schema["maxLength"]] if "maxLength" in schema else text


def _pretty(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _request_example(method: str, path: str, operation: dict, components: dict) -> str:
    """A curl command: path parameters filled in, required query parameters given, the token when needed, and a
    JSON body built from the request schema."""
    url = path
    for parameter in operation.get("parameters", []):
        value = example(parameter["schema"], components, parameter["name"])
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", str(value))
    query = [f"{p['name']}={example(p['schema'], components, p['name'])}"
             for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")]
    if query:
        url += "?" + "&".join(query)
    lines = [f"curl -X {method.upper()} 'https://talent.example.kr{url}'"]
    if {"bearer": []} in operation.get("security", []) and {} not in operation["security"]:
        lines.append("  -H 'Authorization: Bearer $TOKEN'")
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example(content["application/json"].get("schema", {}), components)
        lines.append("  -H 'Content-Type: application/json'")
        lines.append("  -d '" + json.dumps(body, ensure_ascii=False) + "'")
    elif content:
        kind = next(iter(content))
        lines.append(f"  -H 'Content-Type: {kind}' --data-binary @file")
    return " \\\n".join(lines)


def _response_example(operation: dict, components: dict) -> tuple[str, str]:
    status, response = next((s, r) for s, r in operation["responses"].items() if s.startswith("2"))
    content = response.get("content", {}).get("application/json")
    return status, _pretty(example(content["schema"], components)) if content and "schema" in content else ""


# ---- the rows the pages show -----------------------------------------------------------------------------------

def fields(schema: dict, tr: Translate = _same) -> list[dict]:
    required = set(schema.get("required", ()))
    return [{"name": name, "type": type_of(prop), "required": name in required,
             "description": inline(tr(prop.get("description", "")))}
            for name, prop in schema.get("properties", {}).items()]


def _anchor(method: str, route: str) -> str:
    return f"{method}-" + route.strip("/").replace("/", "-").replace("{", "").replace("}", "")


def _own_description(operation: dict) -> str:
    """The operation's description without the "Who" line the document appends (the pages say who in words)."""
    text = operation.get("description", "")
    return text.split(_WHO)[0] if _WHO in text else ("" if text.startswith(_WHO.strip()) else text)


def operations(doc: dict, tr: Translate = _same, audiences: dict | None = None) -> list[dict]:
    """One row per operation, in the document's order, grouped by the first part of its path."""
    base = doc["servers"][0]["url"]
    components = doc["components"]["schemas"]
    rows = []
    for route, item in doc["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            bodies = [{"type": kind, "schema": type_of(content.get("schema", {}))}
                      for kind, content in operation.get("requestBody", {}).get("content", {}).items()]
            status, answer = _response_example(operation, components)
            rows.append({
                "id": _anchor(method, route), "group": route.strip("/").split("/")[0],
                "method": method.upper(), "path": base + route, "summary": tr(operation["summary"]),
                "description": inline(tr(_own_description(operation))),
                "who": [tr((audiences or {}).get(a, a)) for a in operation.get("x-audience", [])],
                "token": {"bearer": []} in operation.get("security", []) and {} not in operation["security"],
                "parameters": [{"name": p["name"], "in": p["in"], "type": type_of(p["schema"]),
                                "required": p.get("required", False),
                                "description": inline(tr(p.get("description", "")))}
                               for p in operation.get("parameters", [])],
                "bodies": bodies,
                "request_example": _request_example(method, base + route, operation, components),
                "response_status": status, "response_example": answer,
                "responses": [{"status": code, "description": inline(tr(response["description"])),
                               "schema": next((type_of(c["schema"]) for c in response.get("content", {}).values()
                                               if "schema" in c), "")}
                              for code, response in operation["responses"].items()],
            })
    return rows


def problem_types(doc: dict, tr: Translate = _same) -> list[dict]:
    """The problem types beyond about:blank, each with the anchor its `type` URI points at."""
    return [{"anchor": uri.partition("#")[2], "uri": uri, "status": kind["status"],
             "description": inline(tr(kind["description"]))} for uri, kind in doc["x-problem-types"].items()]


def schemas(doc: dict, tr: Translate = _same) -> list[dict]:
    return [{"name": name, "description": inline(tr(schema.get("description", ""))), "fields": fields(schema, tr),
             "type": type_of(schema) if "properties" not in schema else "object"}
            for name, schema in doc["components"]["schemas"].items()]


# ---- translation -----------------------------------------------------------------------------------------------

def texts(doc: dict, audiences: dict) -> Iterator[str]:
    """Every text of the document a person reads on the pages, once each."""
    seen: set[str] = set()
    found = [doc["info"]["description"], *audiences.values(),
             *(kind["description"] for kind in doc["x-problem-types"].values())]
    for item in doc["paths"].values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            found += [operation["summary"], _own_description(operation)]
            found += [p.get("description", "") for p in operation.get("parameters", [])]
            found += [r["description"] for r in operation["responses"].values()]
    for schema in doc["components"]["schemas"].values():
        found.append(schema.get("description", ""))
        found += [prop.get("description", "") for prop in schema.get("properties", {}).values()]
    for text in found:
        if text and text not in seen:
            seen.add(text)
            yield text

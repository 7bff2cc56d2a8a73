"""JSON Schemas of what the API reads and writes: the components of the OpenAPI document.

Request bodies are closed (`additionalProperties: false`) because the API refuses unknown fields.
"""
from __future__ import annotations

from ..models import (APPLICATION_STATUSES, EMPLOYMENT_TYPES, ENROLLMENT_STATUSES, EXCLUSION_REASONS,
                      FOLLOW_UP_EVIDENCE, FOLLOW_UP_STATUSES, POSTING_STATUSES, SEEKER_KINDS, WORK_MODES)


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required=(), *, closed: bool = True, description: str | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def nullable(schema: dict) -> dict:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


def text(max_length: int | None = None, **extra) -> dict:
    return {"type": "string", **({"maxLength": max_length} if max_length else {}), **extra}


def integer(minimum: int | None = None, maximum: int | None = None, **extra) -> dict:
    return {"type": "integer", **({"minimum": minimum} if minimum is not None else {}),
            **({"maximum": maximum} if maximum is not None else {}), **extra}


def enum(values, **extra) -> dict:
    return {"type": "string", "enum": list(values), **extra}


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database: a larger one names nothing
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
SALARY = nullable(integer(0, 2_000_000_000, description="Annual amount in KRW."))
LABELS = array(text(120), maxItems=30, description="Skill labels, Korean or English; known skills are recognised.")
REGION_SLUG = text(20, description="A region slug such as `gyeongnam` (a Korean or English name is accepted too).")
NUMBER = {"type": "number"}


def page(item: str, **extra) -> dict:
    return obj({"items": array(ref(item)), "page": integer(1), "per_page": integer(1, 100), "total": integer(0),
                **extra}, ("items", "page", "per_page", "total", *extra))


SIGNALS = ("dense", "lexical", "skills", "experience", "salary")
SCORE_PARTS = obj({name: NUMBER for name in SIGNALS}, closed=False,
                  description="Each signal's evidence, 0 to 1, before weighting.")
WEIGHTS = obj({name: NUMBER for name in SIGNALS}, closed=False, description=(
    "The weights this score used (they sum to 1; `dense` drops out while the language model is unavailable): "
    "score = sum of weight × part."))
EXPLANATION = {"score": NUMBER, "score_parts": SCORE_PARTS, "weights": WEIGHTS, "matched_skills": array(text()),
               "missing_skills": array(text())}

SCHEMAS = {
    "Problem": obj({
        "type": text(), "title": text(), "status": integer(100, 599), "detail": text(), "instance": text(),
        "request_id": nullable(text()),
        "errors": {"type": "object", "additionalProperties": array(text()),
                   "description": "On 422: messages by field (`_` for the body as a whole, `row N` for CSV rows)."},
    }, ("type", "title", "status"), closed=False, description="An RFC 9457 problem object."),
    "Region": obj({"slug": text(), "name_ko": text(), "name_en": text(), "admin_code": text(),
                   "iso_3166_2": text(), "mega_region": text(), "capital_area": {"type": "boolean"}},
                  ("slug", "name_ko", "name_en", "admin_code", "iso_3166_2", "mega_region", "capital_area")),
    "Skill": obj({"slug": text(), "name_en": text(), "name_ko": text(), "category": text(),
                  "parent": nullable(text(description="The broader skill's slug."))},
                 ("slug", "name_en", "name_ko", "category", "parent")),
    "Profile": obj({
        "id": integer(), "kind": enum(SEEKER_KINDS), "headline": text(), "summary": text(),
        "skills": array(text()), "home_region": text(), "accepted_regions": array(text()),
        "years_experience": integer(0), "education": text(), "certifications": array(text()),
        "desired_roles": array(text()), "desired_salary_min": SALARY, "desired_salary_max": SALARY,
        "work_mode": nullable(enum(WORK_MODES)), "discoverable": {"type": "boolean"}, "phone": nullable(text()),
        "updated_at": DATETIME,
    }, ("id", "kind", "headline", "summary", "skills", "home_region", "accepted_regions", "years_experience",
        "desired_salary_min", "desired_salary_max", "discoverable")),
    "ProfileInput": obj({
        "kind": enum(SEEKER_KINDS), "headline": text(200), "summary": text(5000),
        "skills": array(text(120), maxItems=50), "home_region": REGION_SLUG,
        "accepted_regions": array(REGION_SLUG, maxItems=17), "years_experience": integer(0, 60),
        "education": text(300), "certifications": array(text(100), maxItems=20),
        "desired_roles": array(text(100), maxItems=20), "desired_salary_min": SALARY, "desired_salary_max": SALARY,
        "work_mode": nullable(enum(WORK_MODES)), "discoverable": {"type": "boolean"}, "phone": text(40),
    }, description="The fields to set; fields left out keep their values. Turning `discoverable` on records "
                   "your consent to be found by employers in your regions; turning it off withdraws it."),
    "Posting": obj({
        "id": integer(), "title": text(), "description": text(), "company": obj({"id": integer(), "name": text()}),
        "required_skills": array(text()), "preferred_skills": array(text()), "region": text(), "city": text(),
        "salary_min": SALARY, "salary_max": SALARY, "employment_type": enum(EMPLOYMENT_TYPES),
        "work_mode": enum(WORK_MODES), "status": enum(POSTING_STATUSES), "min_experience": integer(0),
        "openings": integer(1), "deadline": nullable(DATE), "created_at": DATETIME, "updated_at": DATETIME,
    }, ("id", "title", "company", "required_skills", "preferred_skills", "region", "status")),
}

POSTING_FIELDS = {
    "title": text(200, minLength=1), "description": text(20_000), "required_skills": LABELS,
    "preferred_skills": LABELS, "region": REGION_SLUG, "city": text(80), "salary_min": SALARY, "salary_max": SALARY,
    "employment_type": enum(EMPLOYMENT_TYPES), "work_mode": enum(WORK_MODES), "status": enum(POSTING_STATUSES),
    "min_experience": integer(0, 60), "openings": integer(1, 999), "deadline": nullable(DATE),
}
SCHEMAS["PostingInput"] = obj(POSTING_FIELDS, ("title",), description=(
    "A new posting of your company: a draft unless `status` says `open`; the region defaults to the company's."))
SCHEMAS["PostingPatch"] = obj(POSTING_FIELDS, description="The fields to change; the others stay.")

SCHEMAS.update({
    "Match": obj({
        "posting_id": integer(), "title": text(), "company": text(), "region": text(), "city": text(),
        "salary_min": SALARY, "salary_max": SALARY, **EXPLANATION,
        "region_reason": nullable(obj({"kind": enum(("home", "accepted")), "region": text()}, closed=False,
                                      description="Why the posting's region is yours: your home or accepted.")),
    }, ("posting_id", "region", *EXPLANATION)),
    "Candidate": obj({
        "profile_id": integer(), "headline": text(), "home_region": text(), "years_experience": integer(0),
        **EXPLANATION,
        "application": nullable(obj({"id": integer(), "status": enum(APPLICATION_STATUSES)})),
        "contact": nullable(obj({"name": text(), "email": text(), "phone": nullable(text())},
                                description="Only once the seeker applied or accepted an invitation.")),
    }, ("profile_id", "home_region", *EXPLANATION, "application", "contact")),
    "Application": obj({
        "id": integer(), "posting_id": integer(), "posting_title": text(), "profile_id": integer(),
        "status": enum(APPLICATION_STATUSES), "initiated_by": enum(("seeker", "employer")), "note": text(),
        "created_at": DATETIME, "updated_at": DATETIME,
    }, ("id", "posting_id", "profile_id", "status", "initiated_by")),
    "ApplicationInput": obj({
        "posting_id": integer(1, MAX_ID), "profile_id": integer(1, MAX_ID), "note": text(2000),
    }, ("posting_id",), description="A seeker applies with `posting_id` (and a `note`); an employer invites a "
                                    "candidate to their own posting with `posting_id` and `profile_id`."),
    "ApplicationPatch": obj({
        "status": enum(APPLICATION_STATUSES), "start_date": nullable(DATE),
        "wage": nullable(integer(0, 2_000_000_000, description="Annual KRW.")),
    }, ("status",), description=(
        "Seekers accept an invitation (`applied`) or withdraw; employers move an application through "
        "`reviewing`, `interview`, `offer` and `hired`, or `rejected`. A hire may give its `start_date` (default "
        "today) and `wage` (default the posting's salary): it enters the outcome ledger as a placement.")),
    "Cohort": obj({
        "cohort_code": text(), "programme_name": text(), "region": text(), "start_date": DATE, "end_date": DATE,
        "capacity": nullable(integer(1, 10_000)),
    }, ("cohort_code", "programme_name", "region", "start_date", "end_date", "capacity")),
    "Trainee": obj({
        "cohort_code": text(), "trainee_ref": text(), "name": nullable(text()), "email": nullable(text()),
        "status": enum(ENROLLMENT_STATUSES), "completion_date": nullable(DATE),
        "excluded_reason": nullable(enum(EXCLUSION_REASONS)),
        "contact_consent": {"type": "boolean", "description": "The trainee agreed to be asked about their job by "
                                                              "email at each checkpoint."},
    }, ("cohort_code", "trainee_ref", "name", "email", "status", "completion_date", "excluded_reason",
        "contact_consent")),
    "Placement": obj({
        "trainee_ref": text(), "employer_name": text(), "job_title": nullable(text()), "region": text(),
        "start_date": DATE, "annual_wage_krw": nullable(integer(0)), "employment_type": enum(EMPLOYMENT_TYPES),
        "in_field": {"type": "boolean"},
        "employer_email": nullable(text(description="Whom the platform asks whether the person is still employed.")),
    }, ("trainee_ref", "employer_name", "job_title", "region", "start_date", "annual_wage_krw", "employment_type",
        "in_field", "employer_email")),
    "FollowUp": obj({
        "trainee_ref": text(), "checkpoint_month": integer(1), "status": enum(FOLLOW_UP_STATUSES),
        "region": nullable(text()), "checked_on": DATE, "evidence": enum(FOLLOW_UP_EVIDENCE),
    }, ("trainee_ref", "checkpoint_month", "status", "region", "checked_on", "evidence")),
    "ImportResult": obj({
        "kind": text(), "dry_run": {"type": "boolean"},
        "counts": obj({action: integer(0) for action in ("created", "updated", "unchanged")},
                      ("created", "updated", "unchanged")),
    }, ("kind", "dry_run", "counts"), description="How many rows created, updated or left unchanged records "
                                                  "(with `dry_run`: would)."),
})
COUNT = nullable(integer(0))
ANSWERS = {"answered": {**COUNT, "description": "Of the denominator, the people whose status at the checkpoint was "
                                                "recorded (null when hidden or not applicable)."},
           "verified": {**COUNT, "description": "Of those answered, the answers given by the employer or an "
                                                "insurance record."}}
RATE = obj({"numerator": COUNT, "denominator": COUNT, "rate": nullable(NUMBER), **ANSWERS},
           ("numerator", "denominator", "rate", "answered", "verified"))
FIGURES = {"open_postings": COUNT, "smes_hiring": COUNT, "discoverable_seekers": COUNT, "placements": COUNT,
           "trainees": COUNT, "completers": COUNT, "local_retention_12": RATE, "capital_outflow_12": RATE,
           "suppressed": array(text(), description="The figures hidden: `trainees`, `local_retention_12.numerator`."),
           "small": array(text(), description="Those of `suppressed` hidden for being below the threshold (\"<5\"); "
                                              "the others are 5 or more, hidden to protect a small count.")}
SCHEMAS["Outcomes"] = obj({
    "institution": text(), "cohort": nullable(text()), "as_of": DATE, "public": {"type": "boolean"},
    "metrics": {"type": "object", "additionalProperties": obj({
        "numerator": COUNT, "denominator": COUNT, "rate": nullable(NUMBER), "value": nullable(NUMBER), **ANSWERS,
        "in_training": {**integer(0), "description": "completion_rate only: cohorts not ended by the as-of date, "
                                                     "which no figure counts yet."},
        "suppressed": array(text()),
        "small": array(text(), description="Those of `suppressed` below the threshold.")},
        ("numerator", "denominator", "rate"))},
    "unknowns": {"type": "object", "additionalProperties": COUNT,
                 "description": "Placed completers with an unknown status, by checkpoint month."},
}, ("institution", "cohort", "as_of", "public", "metrics", "unknowns"), description=(
    "The figures as `flask outcomes --json` prints them: per metric its numerator, denominator and rate (the "
    "median wage in `value`). With `public`, counts below the threshold are null and named in `suppressed`."))
SCHEMAS["RegionFigures"] = obj({"region": text(), "name_ko": text(), "name_en": text(),
                                "capital_area": {"type": "boolean"}, **FIGURES},
                               ("region", "name_ko", "name_en", "capital_area", *FIGURES))
SCHEMAS["NationalFigures"] = obj(FIGURES, tuple(FIGURES))
SCHEMAS["RegionalStats"] = obj({
    "as_of": DATE, "threshold": integer(1), "definitions": {"type": "object", "additionalProperties": text()},
    "regions": array(ref("RegionFigures")), "national": ref("NationalFigures"),
}, ("as_of", "threshold", "definitions", "regions", "national"))

SCHEMAS["Company"] = obj({"id": integer(), "name": text(), "region": text(), "industry": text(), "size": text(),
                         "verified": {"type": "boolean"}, "updated_at": DATETIME},
                        ("id", "name", "region", "industry", "size", "verified", "updated_at"))
SCHEMAS["VerificationInput"] = obj({"verified": {"type": "boolean"}}, ("verified",),
                                   description="Whether the company is confirmed to be who it says it is.")

for _name in ("Region", "Skill", "Posting", "Application", "Cohort", "Trainee", "Placement", "FollowUp", "Company"):
    SCHEMAS[f"{_name}Page"] = page(_name)
for _name in ("Match", "Candidate"):
    SCHEMAS[f"{_name}Page"] = page(_name, degraded={
        "type": "boolean", "description": "True while matching runs without the language model or while a region's "
                                      "index is being rebuilt (less precise)."})


# --- JSON types: a request body's fields are held to the types above before any service sees them ---------------
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

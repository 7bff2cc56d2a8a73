"""JSON Schemas of what the API reads and writes: the components of the OpenAPI document.

They say exactly what the server takes (api/conformance.py holds every request to them before a view runs): closed
bodies (`additionalProperties: false`), the 17 region slugs and every status and kind as enums, and text as
services.validation.clean_text keeps it: no control characters but tab, LF and CR; dates within 1950-2100.
"""
from __future__ import annotations

from ..models import (APPLICATION_STATUSES, EMPLOYMENT_TYPES, ENROLLMENT_STATUSES, EXCLUSION_REASONS,
                      FOLLOW_UP_EVIDENCE, FOLLOW_UP_STATUSES, FUNDING_SOURCES, POSTING_STATUSES, SEEKER_KINDS,
                      WORK_MODES)
from ..services import validation as v
from ..services.reference.regions import reference_rows


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
    choices = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
    return {**schema, "type": [kind, "null"], **choices}


# Patterns (ECMA-262, as JSON Schema reads them) of the text services.validation.clean_text accepts.
_CONTROL = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f"
_BLANK = (r"\t\n\u000b\u000c\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064"
          r"\u2066-\u2069\u00ad\u061c\u180e\u3000\ufeff")  # what str.strip() and clean_text's invisibles take away
TEXT = f"^[^{_CONTROL}]*$"
FILLED = f"^[^{_CONTROL}]*[^{_CONTROL}{_BLANK}][^{_CONTROL}]*$"  # text left once the blanks are stripped
IN_PATH = r"^[^\u0000-\u001f\u007f/]*$"  # not even tab or a line break in a path, nor a slash
IN_LIST = r"^[^\u0000-\u001f\u007f,;\u3001\uff0c]*$"  # a label in a comma-separated list: no separators either
PHONE = r"^(?:\+?(?:[ ().-]*[0-9]){8,15}[ ().-]*)?$"
DAY = r"^(?:19[5-9][0-9]|20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def text(max_length: int | None = None, **extra) -> dict:
    return {"type": "string", **({"maxLength": max_length} if max_length else {}), **extra}


def text_in(max_length: int, pattern: str = TEXT, **extra) -> dict:
    """Text a client sends: within a length, without the control characters the API refuses."""
    return text(max_length, pattern=pattern, **extra)


def integer(minimum: int | None = None, maximum: int | None = None, **extra) -> dict:
    return {"type": "integer", **({"minimum": minimum} if minimum is not None else {}),
            **({"maximum": maximum} if maximum is not None else {}), **extra}


def enum(values, **extra) -> dict:
    return {"type": "string", "enum": list(values), **extra}


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database: a larger one names nothing
REGIONS = tuple(row["slug"] for row in reference_rows())
DATE = {"type": "string", "format": "date", "pattern": DAY, "description": "From 1950-01-01 to 2100-12-31."}
DATETIME = {"type": "string", "format": "date-time"}
SALARY = nullable(integer(0, v.MAX_SALARY_KRW, description="Annual amount in KRW."))
LABELS = array(text_in(120), maxItems=30, description="Skill labels, Korean or English; known skills are recognised.")
REGION_SLUG = enum(REGIONS, description="A region's slug (`GET /regions`).")
NUMBER = {"type": "number"}


def page(item: str, **extra) -> dict:
    return obj({"items": array(ref(item)), "page": integer(1), "per_page": integer(1, 100), "total": integer(0),
                **extra}, ("items", "page", "per_page", "total", *extra))


SIGNALS = ("dense", "lexical", "skills", "experience", "salary", "retention")
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
    "Region": obj({"slug": enum(REGIONS), "name_ko": text(), "name_en": text(), "admin_code": text(),
                   "iso_3166_2": text(), "mega_region": text(), "capital_area": {"type": "boolean"}},
                  ("slug", "name_ko", "name_en", "admin_code", "iso_3166_2", "mega_region", "capital_area")),
    "Skill": obj({"slug": text(), "name_en": text(), "name_ko": text(), "category": text(),
                  "parent": nullable(text(description="The broader skill's slug."))},
                 ("slug", "name_en", "name_ko", "category", "parent")),
    "Profile": obj({
        "id": integer(), "kind": enum(SEEKER_KINDS), "headline": text(), "summary": text(),
        "skills": array(text()), "home_region": enum(REGIONS), "accepted_regions": array(enum(REGIONS)),
        "years_experience": integer(0), "education": text(), "certifications": array(text()),
        "desired_roles": array(text()), "desired_salary_min": SALARY, "desired_salary_max": SALARY,
        "work_mode": nullable(enum(WORK_MODES)), "discoverable": {"type": "boolean"}, "phone": nullable(text()),
        "updated_at": DATETIME,
    }, ("id", "kind", "headline", "summary", "skills", "home_region", "accepted_regions", "years_experience",
        "desired_salary_min", "desired_salary_max", "discoverable")),
    "ProfileInput": obj({
        "kind": enum(SEEKER_KINDS), "headline": text_in(200), "summary": text_in(5000),
        "skills": array(text_in(120), maxItems=50), "home_region": REGION_SLUG,
        "accepted_regions": array(REGION_SLUG, maxItems=17), "years_experience": integer(0, 60),
        "education": text_in(300),
        "certifications": array(text_in(100), maxItems=20, description="At most 500 characters together."),
        "desired_roles": array(text_in(100), maxItems=20, description="At most 300 characters together."),
        "desired_salary_min": SALARY, "desired_salary_max": {**SALARY, "description": "Not below the minimum."},
        "work_mode": nullable(enum(WORK_MODES)), "discoverable": {"type": "boolean"},
        "phone": text_in(40, PHONE, description="8 to 15 digits, with +, spaces, hyphens, dots or brackets; "
                                                "empty to remove it."),
    }, description="The fields to set; fields left out keep their values. Turning `discoverable` on records "
                   "your consent to be found by employers in your regions; turning it off withdraws it."),
    "Posting": obj({
        "id": integer(), "title": text(), "description": text(), "company": obj({"id": integer(), "name": text()}),
        "required_skills": array(text()), "preferred_skills": array(text()), "region": enum(REGIONS), "city": text(),
        "salary_min": SALARY, "salary_max": SALARY, "employment_type": enum(EMPLOYMENT_TYPES),
        "work_mode": enum(WORK_MODES), "status": enum(POSTING_STATUSES), "min_experience": integer(0),
        "openings": integer(1), "deadline": nullable(DATE), "created_at": DATETIME, "updated_at": DATETIME,
    }, ("id", "title", "company", "required_skills", "preferred_skills", "region", "status")),
}

POSTING_FIELDS = {
    "title": text_in(200, FILLED, description="Not blank."), "description": text_in(20_000),
    "required_skills": LABELS, "preferred_skills": LABELS, "region": REGION_SLUG, "city": text_in(80),
    "salary_min": SALARY, "salary_max": {**SALARY, "description": "Not below the minimum."},
    "employment_type": enum(EMPLOYMENT_TYPES), "work_mode": enum(WORK_MODES), "status": enum(POSTING_STATUSES),
    "min_experience": integer(0, 60), "openings": integer(1, 999),
    "deadline": nullable({**DATE, "description": "From 1950-01-01 to 2100-12-31; an open posting's not past."}),
}
SCHEMAS["PostingInput"] = obj(POSTING_FIELDS, ("title",), description=(
    "A new posting of your company: a draft unless `status` says `open`; the region defaults to the company's."))
SCHEMAS["PostingPatch"] = obj(POSTING_FIELDS, description="The fields to change; the others stay.")

SCHEMAS.update({
    "Match": obj({
        "posting_id": integer(), "title": text(), "company": text(), "region": enum(REGIONS), "city": text(),
        "salary_min": SALARY, "salary_max": SALARY, **EXPLANATION,
        "region_reason": nullable(obj({"kind": enum(("home", "accepted")), "region": enum(REGIONS)}, closed=False,
                                      description="Why the posting's region is yours: your home or accepted.")),
    }, ("posting_id", "region", *EXPLANATION)),
    "Candidate": obj({
        "profile_id": integer(), "headline": text(), "home_region": enum(REGIONS), "years_experience": integer(0),
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
        "posting_id": integer(1, MAX_ID), "profile_id": integer(1, MAX_ID), "note": text_in(2000),
    }, ("posting_id",), description="A seeker applies with `posting_id` (and a `note`); an employer invites a "
                                    "candidate to their own posting with `posting_id` and `profile_id`. A seeker "
                                    "who sends `profile_id`, or an employer who leaves it out, is refused (403)."),
    "ApplicationPatch": obj({
        "status": enum(APPLICATION_STATUSES), "start_date": nullable(DATE),
        "wage": nullable(integer(v.MIN_ANNUAL_WAGE_KRW, v.MAX_SALARY_KRW, description="Annual KRW.")),
    }, ("status",), description=(
        "Seekers accept an invitation (`applied`) or withdraw; employers move an application through "
        "`reviewing`, `interview`, `offer` and `hired`, or `rejected`. A hire may give its `start_date` (default "
        "today) and `wage` (default the posting's salary): it enters the outcome ledger as a placement.")),
    "Cohort": obj({
        "cohort_code": text(), "programme_name": text(), "region": enum(REGIONS), "start_date": DATE, "end_date": DATE,
        "capacity": nullable(integer(1, 10_000)),
        "budget_krw": nullable(integer(0, description="What the cohort's training cost, KRW, all sources.")),
        "funding_source": nullable(enum(FUNDING_SOURCES)),
    }, ("cohort_code", "programme_name", "region", "start_date", "end_date", "capacity", "budget_krw",
        "funding_source")),
    "Trainee": obj({
        "cohort_code": text(), "trainee_ref": text(), "name": nullable(text()), "email": nullable(text()),
        "status": enum(ENROLLMENT_STATUSES), "completion_date": nullable(DATE),
        "excluded_reason": nullable(enum(EXCLUSION_REASONS)),
        "contact_consent": {"type": "boolean", "description": "The trainee agreed to be asked about their job by "
                                                              "email at each checkpoint."},
    }, ("cohort_code", "trainee_ref", "name", "email", "status", "completion_date", "excluded_reason",
        "contact_consent")),
    "Placement": obj({
        "trainee_ref": text(), "employer_name": text(), "job_title": nullable(text()), "region": enum(REGIONS),
        "start_date": DATE, "annual_wage_krw": nullable(integer(0)), "employment_type": enum(EMPLOYMENT_TYPES),
        "in_field": {"type": "boolean"},
        "employer_email": nullable(text(description="Whom the platform asks whether the person is still employed.")),
    }, ("trainee_ref", "employer_name", "job_title", "region", "start_date", "annual_wage_krw", "employment_type",
        "in_field", "employer_email")),
    "FollowUp": obj({
        "trainee_ref": text(), "checkpoint_month": integer(1), "status": enum(FOLLOW_UP_STATUSES),
        "region": nullable(enum(REGIONS)), "checked_on": DATE, "evidence": enum(FOLLOW_UP_EVIDENCE),
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
        "budget_krw": {**nullable(integer(0)), "description": "cost_per_local_retained_12 only: the budgets "
                                                               "(KRW) of the cohorts it counts."},
        "local_retained_12": {**COUNT, "description": "cost_per_local_retained_12 only: their trainees working "
                                                      "in the cohort's region at 12 months (also `denominator`)."},
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
COST = obj({"budget_krw": nullable(integer(0)), "local_retained_12": COUNT, "value": nullable(integer(0))},
           ("budget_krw", "local_retained_12", "value"), description=(
               "Cost per retained local hire (KRW): all null unless every count it rests on is shown."))
SCHEMAS["RegionFigures"] = obj({"region": enum(REGIONS), "name_ko": text(), "name_en": text(),
                                "capital_area": {"type": "boolean"}, **FIGURES, "cost_per_local_retained_12": COST},
                               ("region", "name_ko", "name_en", "capital_area", *FIGURES))
SCHEMAS["NationalFigures"] = obj(FIGURES, tuple(FIGURES))
SCHEMAS["RegionalStats"] = obj({
    "as_of": {"type": "string", "format": "date", "description": "The release's reporting date: the last quarter "
              "end on or before the date asked for."},
    "threshold": integer(1), "definitions": {"type": "object", "additionalProperties": text()},
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


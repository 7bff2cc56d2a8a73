"""An institution's own records: cohorts, trainees, placements and follow-ups, CSV imports, outcome figures.

Records are listed with the columns the CSV import reads (services.transfers.exports), so what a client reads it can send
back as a file. Imports follow the web import's rules: every row valid or nothing written, 422 with row errors.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from ..extensions import db
from ..services import audit
from ..services import validation as v
from ..services.errors import NotFound, ValidationFailed
from ..services.hiring.postings import today_in_korea
from ..services.messages import msg
from ..services.outcomes import disclosure
from ..services.training import records as training
from ..services.transfers import exports, imports
from ..web.access import allow
from .blueprint import bp
from .auth import caller
from .openapi import PAGING, link, op, path, query
from .payloads import page_args, page_of, query_text, sliced
from .schemas import DATE, IN_PATH, enum, text, text_in

INSTITUTION = "institution"


def _institution():
    user = caller()
    if user.institution is None:
        raise NotFound("You do not belong to an institution.")
    return user.institution


def _json_row(row: dict) -> dict:
    """An export row as JSON: dates as YYYY-MM-DD, yes/no as booleans, blanks as null."""
    shown = {}
    for name, value in row.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif value == "":
            value = None
        elif name in ("in_field", "contact_consent"):
            value = value == "true"
        shown[name] = value
    return shown


def _records(kind: str, keep=lambda row: True):
    """One page of the institution's records of a kind; reading them is an export, audited like a download."""
    page, per_page = page_args()
    institution = _institution()
    rows = [row for row in exports.export_rows(db.session, institution, kind) if keep(row)]
    shown = sliced(rows, page, per_page)
    audit.record_export(db.session, caller(), kind, "json", len(shown), object_id=institution.id,
                        details={"via": "api", "page": page})
    db.session.commit()
    return page_of([_json_row(r) for r in shown], page=page, per_page=per_page, total=len(rows))


@bp.get("/cohorts")
@allow(INSTITUTION)
def list_cohorts():
    return _records("cohorts")


@bp.get("/cohorts/<code>/trainees")
@allow(INSTITUTION)
def list_trainees(code: str):
    cohort = training.cohort_by_code(db.session, _institution(), code)
    return _records("trainees", lambda row: row["cohort_code"] == cohort.code)


@bp.get("/placements")
@allow(INSTITUTION)
def list_placements():
    return _records("placements")


@bp.get("/followups")
@allow(INSTITUTION)
def list_followups():
    return _records("followups")


@bp.post("/imports/<kind>")
@allow(INSTITUTION)
def import_csv(kind: str):
    """A CSV body (text/csv) or a multipart upload (field `file`); `dry_run=true` checks without writing."""
    dry_run = v.clean_bool(request.args.get("dry_run", "false"), "dry_run")
    institution = _institution()
    raw = _csv_bytes()
    if dry_run:
        plan = imports.preview(db.session, institution, kind, raw)
        if not plan.ok:
            raise imports.ImportRefused(plan.errors)
        counts = plan.counts
    else:
        counts = imports.commit(db.session, institution, kind, raw, actor=caller()).counts
    return jsonify({"kind": kind, "dry_run": dry_run, "counts": counts})


def _csv_bytes() -> bytes:
    if request.mimetype == "text/csv":
        return request.get_data()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        errors = {name: [msg("is not a part you can send here; send the file as the part 'file'")]
                  for name in sorted({*request.form, *request.files} - {"file"})}
        if upload is None:
            errors["file"] = [msg("is required: the CSV file, as the multipart field 'file'")]
        if errors:
            raise ValidationFailed(errors)
        return upload.read()
    raise UnsupportedMediaType("Send the CSV as the body with 'Content-Type: text/csv', or upload it as the "
                               "multipart/form-data field 'file'.")


@bp.get("/outcomes")
@allow(INSTITUTION)
def get_outcomes():
    """The same JSON as `flask outcomes --json`: the institution's (or one cohort's) figures as of a date."""
    institution = _institution()
    code = query_text("cohort", 60)
    as_of = v.clean_date(request.args.get("as_of"), "as_of") or today_in_korea()
    public = v.clean_bool(request.args.get("public", "false"), "public")
    cohort = training.cohort_by_code(db.session, institution, code) if code else None
    return jsonify(disclosure.institution_outcomes_json(
        db.session, institution, cohort, as_of, public=public, threshold=current_app.config["SUPPRESSION_THRESHOLD"]))


OWN = "Your institution's own records, with the columns the CSV import reads."
CSV_BODY = {"text/csv": {"schema": text()},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "additionalProperties": False,
                                               "properties": {"file": {
                                                   "type": "string", "contentMediaType": "application/octet-stream",
                                                   "description": "The CSV file, as a file part."}}},
                "encoding": {"file": {"contentType": "text/csv"}}}}
COHORT = {"Trainees": link("list_trainees", code="$response.body#/items/0/cohort_code"),
          "Outcomes": link("get_outcomes", cohort="$response.body#/items/0/cohort_code")}
PATHS = {
    "/cohorts": {"get": op("Your cohorts", id="list_cohorts", audience=(INSTITUTION,), ok=(200, "CohortPage"),
                           params=PAGING, links=COHORT, description=OWN)},
    "/cohorts/{code}/trainees": {"get": op(
        "A cohort's trainees", id="list_trainees", audience=(INSTITUTION,), ok=(200, "TraineePage"),
        refusals=(404,), params=[path("code", text_in(60, IN_PATH), "The cohort's code."), *PAGING],
        links={"Outcomes": link("get_outcomes", cohort="$request.path.code")}, description=OWN)},
    "/placements": {"get": op("Your trainees' placements", id="list_placements", audience=(INSTITUTION,),
                              ok=(200, "PlacementPage"), params=PAGING, description=OWN)},
    "/followups": {"get": op("Your trainees' follow-ups", id="list_followups", audience=(INSTITUTION,),
                             ok=(200, "FollowUpPage"), params=PAGING, description=OWN)},
    "/imports/{kind}": {"post": op(
        "Import a CSV file", id="import_csv", audience=(INSTITUTION,), ok=(200, "ImportResult"), body=CSV_BODY,
        params=[path("kind", enum(imports.KINDS), "What the file holds."),
                query("dry_run", {"type": "boolean"}, "Check the file and count what would change; write nothing.")],
        refusals=(404,), problems=("invalid-rows", "changed-meanwhile"),
        description="The same rules as the import page: UTF-8 or CP949, columns by name in any order, each row "
                    "upserted by its natural key; every row valid or nothing is written."),
    },
    "/outcomes": {"get": op(
        "Outcome figures", id="get_outcomes", audience=(INSTITUTION,), ok=(200, "Outcomes"), refusals=(404,),
        params=[query("cohort", text_in(60), "One cohort's code; the whole institution when left out."),
                query("as_of", DATE, "The date that decides which follow-ups are due; today in Korea when left out."),
                query("public", {"type": "boolean"}, "Hide counts below the disclosure threshold, as others see "
                                                     "them.")],
        description="The same JSON as `flask outcomes --json`: numerator, denominator and rate per metric.")},
}

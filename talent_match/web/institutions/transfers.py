"""CSV imports (upload, preview with per-row errors, confirm) and exports (CSV with BOM, XLSX) of the
institution's own records, plus an empty template per kind. Every rule is in services.transfers.imports and services.exports.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...extensions import db
from ...i18n import translate
from ...services import audit
from ...services.errors import Conflict
from ...services.transfers import exports, imports
from . import uploads
from .forms import ConfirmImportForm, ImportForm
from .routes import bp, institution

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
PREVIEW_ROWS = 200

COLUMN_HELP = {
    "cohort_code": _l("Your code for the cohort, unique in your institution (e.g. GN-2025-1)."),
    "programme_name": _l("The programme's name; a new name creates the programme."),
    "region": _l("A region slug or name, e.g. gyeongnam or 경상남도 (for follow-ups: where they work)."),
    "start_date": _l("YYYY-MM-DD."), "end_date": _l("YYYY-MM-DD, not before the start."),
    "trainee_ref": _l("Your reference for the trainee, unique in your institution. Never a resident registration "
                      "number."),
    "name": _l("The trainee's name."), "email": _l("Optional."),
    "status": _l("Trainees: enrolled, completed or withdrawn. Follow-ups: employed_same_employer, "
                 "employed_other_employer, not_employed or unknown."),
    "completion_date": _l("YYYY-MM-DD; required when the status is completed."),
    "excluded_reason": _l("Empty, or why the trainee is left out of the figures: further_study, military_service, "
                          "health, death, emigration or other."),
    "employer_name": _l("The employer's name as you write it every time (it identifies the placement)."),
    "job_title": _l("Optional."), "annual_wage_krw": _l("Optional, in won, e.g. 36000000."),
    "employment_type": _l("full_time (default), contract, internship or part_time."),
    "in_field": _l("true when the job uses the training, else false."),
    "checkpoint_month": _l("3, 6, 9 or 12: months after the first placement started."),
    "checked_on": _l("YYYY-MM-DD: when you found out."),
    "evidence": _l("employer, institution, trainee or insurance_record."),
}


@bp.get("/imports", endpoint="imports")
def imports_page():
    return _import_page(ImportForm(formdata=None))


def _import_page(form: ImportForm, status: int = 200):
    return render_template("institutions/imports.html", form=form, columns=imports.COLUMNS,
                           column_help=COLUMN_HELP, kinds=imports.KINDS), status


@bp.get("/imports/templates/<kind>.csv")
def import_template(kind: str):
    """An empty file with the columns of one kind, UTF-8 with BOM so Excel shows Korean correctly."""
    if kind not in imports.KINDS:
        abort(404)
    body = exports.to_csv(exports.ExportRows(kind, imports.COLUMNS[kind]))
    return download(body, "csv", f"{kind}-template.csv")


@bp.post("/imports/preview")
def import_preview():
    """Check the file and show what importing it would do; nothing is written. A clean file is kept for confirm."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, 400)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = [_("Choose a CSV file to upload.")]
        return _import_page(form, 422)
    raw = upload.read()
    inst = institution()
    plan = imports.preview(db.session, inst, form.kind.data, raw)
    db.session.rollback()
    try:
        token = uploads.keep(raw, form.kind.data, upload.filename, inst.id) if plan.ok else None
    except uploads.NotKept:
        form.file.errors = [_("The file is fine, but the server has no room to keep it for confirmation just now. "
                              "Nothing was imported or kept; please try again in a few minutes.")]
        page, status = _import_page(form, 503)
        return page, status, {"Retry-After": "120"}
    return render_template("institutions/import_preview.html", plan=plan, filename=upload.filename, token=token,
                           rows=plan.rows[:PREVIEW_ROWS], columns=imports.COLUMNS[form.kind.data]), \
        200 if plan.ok else 422


@bp.post("/imports/confirm")
def import_confirm():
    """Import the previewed file, all rows or none; importing it again changes nothing."""
    form = ConfirmImportForm()
    inst = institution()
    kept = uploads.pending(form.token.data, inst.id) if form.validate_on_submit() else None
    if kept is None:
        flash(_("That upload has expired or was already imported. Upload the file again."), "error")
        return redirect(url_for(".imports"))
    entry, raw = kept
    try:
        result = imports.commit(db.session, inst, entry["kind"], raw, actor=current_user)
    except imports.ImportRefused as refused:
        uploads.discard()
        plan = imports.ImportPreview(entry["kind"], errors=refused.row_errors)
        return render_template("institutions/import_preview.html", plan=plan, filename=entry["filename"],
                               token=None, rows=[], columns=imports.COLUMNS[entry["kind"]]), 422
    except Conflict as exc:
        flash(translate(exc.message), "error")
        return redirect(url_for(".imports"))
    uploads.discard()
    counts = result.counts
    flash(_("Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.", created=counts["created"],
            updated=counts["updated"], unchanged=counts["unchanged"]), "success")
    return redirect(url_for(".imports"))


@bp.get("/exports", endpoint="exports")
def exports_page():
    return render_template("institutions/exports.html", kinds=imports.KINDS)


@bp.get("/exports/<kind>.<file_format>")
def export_download(kind: str, file_format: str):
    """The institution's records of one kind, as they would be imported; the download is audited (no contents)."""
    if kind not in imports.KINDS or file_format not in FORMATS:
        abort(404)
    inst = institution()
    rows = exports.export_rows(db.session, inst, kind)
    body = exports.to_csv(rows) if file_format == "csv" else exports.to_xlsx(rows)
    audit.record_export(db.session, current_user, kind, file_format, len(rows), object_id=inst.id)
    db.session.commit()
    return download(body, file_format, f"{inst.slug}-{kind}.{file_format}")


def download(body: bytes, file_format: str, filename: str) -> Response:
    response = Response(body, mimetype=FORMATS[file_format].split(";")[0])
    if file_format == "csv":
        response.headers["Content-Type"] = FORMATS["csv"]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

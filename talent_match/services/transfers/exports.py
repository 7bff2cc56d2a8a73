"""CSV and XLSX exports with the same columns the imports read, and outcome tables for others.

Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) get a
leading single quote; numbers stay numbers (no exported number is negative). Imports take that quote off again.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...models import Cohort, Enrollment, FollowUp, Institution, Placement
from ..errors import ValidationFailed
from ..messages import msg
from ..outcomes.disclosure import THRESHOLD, display, public_table
from ..outcomes.ledger import OutcomeTable
from .imports import COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportRows(list):
    """Rows (dicts) that know their columns, so an empty export still has its header."""

    def __init__(self, kind: str, columns, rows=()):
        super().__init__(rows)
        self.kind = kind
        self.columns = tuple(columns)


def export_rows(session: Session, institution: Institution, kind: str) -> ExportRows:
    """The institution's own records of one kind (cohorts, trainees, placements, followups), as import reads them."""
    if kind not in COLUMNS:
        raise ValidationFailed({"kind": [msg("must be one of {choices}", choices=", ".join(COLUMNS))]})
    return ExportRows(kind, COLUMNS[kind], _ROWS[kind](session, institution))


def _cohorts(session: Session, institution: Institution):
    query = (select(Cohort).where(Cohort.institution_id == institution.id)
             .options(selectinload(Cohort.programme), selectinload(Cohort.region)).order_by(Cohort.code))
    for cohort in session.scalars(query):
        yield {"cohort_code": cohort.code, "programme_name": cohort.programme.name, "region": cohort.region.slug,
               "start_date": cohort.start_date, "end_date": cohort.end_date, "capacity": cohort.capacity,
               "budget_krw": cohort.budget_krw, "funding_source": cohort.funding_source or ""}


def _trainees(session: Session, institution: Institution):
    query = (select(Enrollment).where(Enrollment.institution_id == institution.id)
             .options(selectinload(Enrollment.cohort)).order_by(Enrollment.trainee_ref))
    return map(trainee_row, session.scalars(query))


def trainee_row(trainee: Enrollment) -> dict:
    """One trainee as trainees.csv writes it (and the page's form shows it)."""
    return {"cohort_code": trainee.cohort.code, "trainee_ref": trainee.trainee_ref, "name": trainee.name,
            "email": trainee.email or "", "status": trainee.status, "completion_date": trainee.completion_date,
            "excluded_reason": trainee.excluded_reason or "",
            "contact_consent": "true" if trainee.contact_consent else "false"}


def _placements(session: Session, institution: Institution):
    query = (select(Placement, Enrollment.trainee_ref).join(Enrollment)
             .where(Enrollment.institution_id == institution.id).options(selectinload(Placement.region))
             .order_by(Enrollment.trainee_ref, Placement.start_date, Placement.id))
    return (placement_row(placement, ref) for placement, ref in session.execute(query))


def placement_row(placement: Placement, trainee_ref: str) -> dict:
    """One job as placements.csv writes it (and the page's form shows it)."""
    return {"trainee_ref": trainee_ref, "employer_name": placement.employer_name, "job_title": placement.job_title,
            "region": placement.region.slug, "start_date": placement.start_date,
            "annual_wage_krw": placement.annual_wage_krw, "employment_type": placement.employment_type,
            "in_field": "true" if placement.in_field else "false", "employer_email": placement.employer_email}


def _follow_ups(session: Session, institution: Institution):
    query = (select(FollowUp, Enrollment.trainee_ref).join(Enrollment)
             .where(Enrollment.institution_id == institution.id).options(selectinload(FollowUp.region))
             .order_by(Enrollment.trainee_ref, FollowUp.checkpoint_month))
    return (follow_up_row(follow_up, ref) for follow_up, ref in session.execute(query))


def follow_up_row(follow_up: FollowUp, trainee_ref: str) -> dict:
    """One answer as followups.csv writes it (and the page's form shows it)."""
    return {"trainee_ref": trainee_ref, "checkpoint_month": follow_up.checkpoint_month, "status": follow_up.status,
            "region": follow_up.region.slug if follow_up.region else "", "checked_on": follow_up.checked_on,
            "evidence": follow_up.evidence}


_ROWS = {"cohorts": _cohorts, "trainees": _trainees, "placements": _placements, "followups": _follow_ups}


def outcome_rows(table: OutcomeTable, *, public: bool, threshold: int = THRESHOLD) -> ExportRows:
    """A table of outcome figures, one row per group then the total; `public` hides small counts ("<5").

    Pass public=True for anyone but the institution itself (admins, regional pages, funders' downloads).
    """
    if public:
        table = public_table(table, threshold)
    reports = [*table.rows, *([table.total] if table.total else [])]
    names = list(table.total.metrics) if table.total else []
    columns = ["group", "key", "label", "as_of"]
    parts = {name: _parts(name, table.total.metrics[name]) for name in names}
    for name in names:
        columns += [f"{name}_{part}" for part in parts[name]]
    rows = []
    for position, report in enumerate(reports):
        row = {"group": "total" if position == len(table.rows) else report.group, "key": report.key,
               "label": report.label, "as_of": report.as_of}
        for name in names:
            for part in parts[name]:
                row[f"{name}_{part}"] = display(report.metrics[name], part, threshold)
        rows.append(row)
    return ExportRows("outcomes", columns, rows)


def _parts(name: str, metric: dict) -> tuple[str, ...]:
    """The columns of one metric: its counts and its figure, then who answered and how many were verified."""
    if "budget_krw" in metric:
        return ("budget_krw", "local_retained_12", "value")
    last = "value" if "value" in metric else "rate"
    return ("numerator", "denominator", last, *(("answered", "verified") if "answered" in metric else ()))


def neutralise(value):
    """A cell value safe to open in a spreadsheet: formula-like text gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _columns(rows, columns):
    return list(columns or getattr(rows, "columns", None) or (rows[0].keys() if rows else []))


def to_csv(rows, columns=None) -> bytes:
    """UTF-8 with a BOM (so Excel reads Korean correctly), comma-separated, dates as YYYY-MM-DD."""
    columns = _columns(rows, columns)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in columns])
    for row in rows:
        writer.writerow([_text(neutralise(row.get(name))) for name in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows, columns=None) -> bytes:
    """One sheet: text as text (formulas neutralised), numbers as numbers, dates as dates shown YYYY-MM-DD."""
    columns = _columns(rows, columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(getattr(rows, "kind", "export"))[:31])
    sheet.append([neutralise(name) for name in columns])
    for row in rows:
        sheet.append([_cell(sheet, row.get(name)) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _cell(sheet, value):
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return neutralise(value)

"""CSV imports of cohorts, trainees, placements and follow-ups: preview first, then commit all or nothing.

Files may be UTF-8 (with or without BOM) or CP949/EUC-KR, as Korean Excel saves them. Columns are named as
COLUMNS says (Korean aliases such as 기수코드 work too), in any order. Each row is upserted by its natural key
(cohort code or trainee_ref within the institution; a placement by trainee_ref, employer_name and start_date; a
follow-up by trainee_ref and checkpoint_month), so importing the same file twice changes nothing. An import writes
nothing unless every row is valid, and commits once at the end, so a killed process leaves no half import.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import AuditEvent, Enrollment, FollowUp, Institution, Placement
from ..errors import Conflict, ValidationFailed
from ..messages import msg
from ..training import followups, placements
from ..training import records as training
from .. import validation as v
from ..validation import refuse_resident_number

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000

# Every column a kind reads, in the order exports write them; REQUIRED ones must be in the file, the others may be
# left out (a missing optional column is read as empty).
COLUMNS: dict[str, tuple[str, ...]] = {
    "cohorts": ("cohort_code", "programme_name", "region", "start_date", "end_date", "capacity", "budget_krw",
                "funding_source"),
    "trainees": ("cohort_code", "trainee_ref", "name", "email", "status", "completion_date", "excluded_reason",
                 "contact_consent"),
    "placements": ("trainee_ref", "employer_name", "job_title", "region", "start_date", "annual_wage_krw",
                   "employment_type", "in_field", "employer_email"),
    "followups": ("trainee_ref", "checkpoint_month", "status", "region", "checked_on", "evidence"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "cohorts": ("cohort_code", "programme_name", "region", "start_date", "end_date"),
    "trainees": ("cohort_code", "trainee_ref", "status"),
    "placements": ("trainee_ref", "employer_name", "region", "start_date", "in_field"),
    "followups": ("trainee_ref", "checkpoint_month", "status", "checked_on", "evidence"),
}
DATE_COLUMNS = ("start_date", "end_date", "completion_date", "checked_on")
KINDS = tuple(COLUMNS)

# Header names seen in Korean spreadsheets; matching ignores case, spaces, hyphens, underscores and brackets.
# The site's own labels (Korean and English, as the pages and exports show them) work as headers too.
HEADER_ALIASES = {
    "cohort_code": ("기수코드", "기수", "코호트코드", "과정기수", "cohort", "cohort code"),
    "programme_name": ("과정명", "과정", "프로그램명", "훈련과정명", "program_name", "programme", "program"),
    "region": ("지역", "시도", "근무지역", "훈련지역"),
    "start_date": ("시작일", "개강일", "입사일", "훈련시작일", "start"),
    "end_date": ("종료일", "종강일", "훈련종료일", "end"),
    "capacity": ("정원", "모집정원", "places"),
    "budget_krw": ("예산", "훈련예산", "사업비", "예산원", "budget", "budget krw"),
    "funding_source": ("재원", "예산출처", "지원기관", "funding", "funding source"),
    "trainee_ref": ("관리번호", "훈련생관리번호", "훈련생번호", "훈련생코드", "훈련생id", "수강생번호", "학번",
                    "reference", "trainee", "trainee reference"),
    "name": ("이름", "성명"),
    "email": ("이메일", "전자우편", "훈련생이메일"),
    "status": ("상태", "훈련상태", "추적상태"),
    "completion_date": ("수료일", "completed"),
    "excluded_reason": ("제외사유", "excluded"),
    "contact_consent": ("연락동의", "추적조사동의", "이메일수신동의"),
    "employer_name": ("회사명", "기업명", "사업장명", "고용주", "employer"),
    "job_title": ("직무", "직무명", "직함"),
    "annual_wage_krw": ("연봉", "연봉원", "연봉krw", "annual wage"),
    "employment_type": ("고용형태",),
    "in_field": ("분야일치", "전공일치", "훈련분야일치"),
    "employer_email": ("담당자이메일", "기업담당자이메일", "회사이메일", "employer contact"),
    "checkpoint_month": ("추적개월", "확인개월", "추적시점", "checkpoint"),
    "checked_on": ("확인일", "추적일"),
    "evidence": ("근거", "확인근거", "확인방법", "출처", "source"),
}

# Exports neutralise formulas with a leading quote; an import takes it off again so the round trip is exact.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")

@dataclass(frozen=True)
class _Kind:
    clean: Callable            # (records, row) -> cleaned values, or ValidationFailed per column
    upsert: Callable           # (records, values, dry_run=) -> (record, action)
    key: Callable              # cleaned values -> natural key
    key_columns: str
    model: type | None = None  # with `new`: new rows go in one bulk INSERT (thousands of trainees in seconds)
    new: Callable | None = None


_KINDS = {
    "cohorts": _Kind(training.clean_cohort, training.upsert_cohort, lambda v: v["code"], "cohort_code"),
    "trainees": _Kind(training.clean_enrollment, training.upsert_enrollment, lambda v: v["trainee_ref"],
                      "trainee_ref", Enrollment, training.new_enrollment),
    "placements": _Kind(placements.clean_placement, placements.upsert_placement,
                        lambda v: (v["enrollment_id"], v["employer_name"], v["start_date"]),
                        "trainee_ref, employer_name, start_date", Placement, placements.new_placement),
    "followups": _Kind(followups.clean_follow_up, followups.upsert_follow_up,
                       lambda v: (v["enrollment_id"], v["checkpoint_month"]), "trainee_ref, checkpoint_month",
                       FollowUp, lambda records, values: values),
}


@dataclass(frozen=True)
class RowError:
    """A problem in the file: `row` as a spreadsheet numbers it (the header is row 1); None for the whole file."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass(frozen=True)
class PreviewRow:
    row: int
    action: str            # created, updated, unchanged or error
    values: dict[str, str]


@dataclass
class ImportPreview:
    kind: str
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    kind: str
    counts: dict[str, int]


class ImportRefused(ValidationFailed):
    """Nothing was imported; `row_errors` says why, row by row."""

    problem = "invalid-rows"

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        errors: dict[str, list[str]] = {}
        for error in row_errors:
            key = "file" if error.row is None else f"row {error.row}"
            errors.setdefault(f"{key}: {error.column}" if error.column else key, []).append(error.message)
        super().__init__(errors)


class _FileRefused(Exception):
    def __init__(self, *errors: RowError):
        self.errors = list(errors)


def preview(session: Session, institution: Institution, kind: str, raw_bytes: bytes) -> ImportPreview:
    """Check a file and say what importing it would do, without writing anything."""
    return _plan(session, institution, kind, raw_bytes)[0]


def commit(session: Session, institution: Institution, kind: str, raw_bytes: bytes, *, actor=None) -> ImportResult:
    """Check the file again and import every row in one transaction; ImportRefused (nothing written) on errors."""
    plan, records, valid = _plan(session, institution, kind, raw_bytes)
    if plan.errors:
        raise ImportRefused(plan.errors)
    spec = _KINDS[kind]
    try:
        created = []
        with session.no_autoflush:
            for values, action in valid:
                if action == "created" and spec.new is not None:
                    created.append(spec.new(records, values))
                elif action != "unchanged":
                    spec.upsert(records, values)
        if created:
            session.execute(insert(spec.model), created)
        session.add(AuditEvent(actor_id=getattr(actor, "id", None), actor_role=getattr(actor, "role", None),
                               action=f"import_{kind}", object_type="institution", object_id=str(institution.id),
                               details=dict(plan.counts)))
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(msg("the same records were changed at the same time; import the file again"),
                       problem="changed-meanwhile") from None
    except BaseException:
        session.rollback()
        raise
    return ImportResult(kind, dict(plan.counts))


def decode(raw_bytes: bytes) -> str:
    """The file's text: UTF-8 (BOM or not) tried strictly first, then CP949 (which covers EUC-KR)."""
    if not isinstance(raw_bytes, (bytes, bytearray)):
        raise _FileRefused(RowError(None, None, msg("expected the file's bytes")))
    if len(raw_bytes) > MAX_BYTES:
        raise _FileRefused(RowError(None, None, msg("the file is too large ({size} MB; at most {limit} MB): split "
                                                    "it into smaller files", limit=MAX_BYTES // 1048576,
                                                    size=format(len(raw_bytes) / 1048576, ".1f"))))
    if raw_bytes.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _FileRefused(RowError(None, None, msg("this is an Excel workbook, not CSV: save it as "
                                                    "'CSV UTF-8 (comma delimited)' and upload that")))
    if raw_bytes.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw_bytes:
        raise _FileRefused(RowError(None, None, msg("this is not a text CSV file (it contains NUL bytes: binary or "
                                                    "UTF-16); save it as 'CSV UTF-8 (comma delimited)'")))
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return bytes(raw_bytes).decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _FileRefused(RowError(None, None, msg("the file is neither UTF-8 nor CP949/EUC-KR text; save it as "
                                                "'CSV UTF-8 (comma delimited)'")))


def _plan(session: Session, institution: Institution, kind: str, raw_bytes: bytes):
    """Validate every row: (preview, records, [(cleaned values, action)] of the valid rows in file order)."""
    plan = ImportPreview(kind)
    records = training.Records(session, institution)
    if kind not in _KINDS:
        plan.errors.append(RowError(None, None, msg("unknown kind {kind}; one of {kinds}", kind=repr(kind),
                                                    kinds=", ".join(KINDS))))
        return plan, records, []
    try:
        rows = _read(decode(raw_bytes))
        columns = _columns(kind, rows[0] if rows else None)
    except _FileRefused as refused:
        plan.errors.extend(refused.errors)
        return plan, records, []
    headers = {name: cell.strip() for name, cell in zip(columns, rows[0]) if name}  # errors say the file's words
    spec = _KINDS[kind]
    valid, first_seen = [], {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        data = {name: _NEUTRALISED.sub("", cell) for name, cell in zip(columns, cells) if name}
        data.update({name: v.iso_date_text(data[name]) for name in DATE_COLUMNS if name in data})
        errors = _shape_errors(number, cells, columns) or _resident_numbers(number, data)
        values = None
        if not errors:
            try:
                values = spec.clean(records, data)
            except ValidationFailed as exc:
                errors = [RowError(number, headers.get(column, column), message)
                          for column, messages in exc.errors.items() for message in messages]
        if values is not None:
            key = spec.key(values)
            if key in first_seen:
                errors = [RowError(number, spec.key_columns, msg("repeats row {row} (same {columns}); keep one of "
                                                                 "them", row=first_seen[key],
                                                                 columns=spec.key_columns))]
            else:
                first_seen[key] = number
        action = "error"
        if not errors:
            action = spec.upsert(records, values, dry_run=True)[1]
            plan.counts[action] += 1
            valid.append((values, action))
        plan.errors.extend(errors)
        plan.rows.append(PreviewRow(number, action, data))
    return plan, records, valid


def _read(text: str) -> list[list[str]]:
    if not text.strip():
        raise _FileRefused(RowError(None, None, msg("the file is empty: the first row must name the columns")))
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for cells in reader:
            rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                raise _FileRefused(RowError(None, None, msg("the file has more than {limit} rows: split it",
                                                            limit=format(MAX_ROWS, ","))))
    except csv.Error as exc:
        reason = (msg("a value is too long") if "field limit" in str(exc) else
                  msg("unbalanced quotes: a quoted value is not closed, or text follows its closing quote "
                      "(write a quote inside a quoted value as \"\")"))
        raise _FileRefused(RowError(len(rows) + 1, None, reason)) from None
    return rows


def _key(name: str) -> str:
    return re.sub(r"[\s_\-()\[\]]", "", unicodedata.normalize("NFC", name).strip().lstrip("\ufeff").casefold())


_HEADER_NAMES = {_key(alias): canonical for canonical, aliases in HEADER_ALIASES.items() for alias in aliases}
_HEADER_NAMES.update({_key(canonical): canonical for names in COLUMNS.values() for canonical in names})


def _columns(kind: str, header: list[str] | None) -> list[str | None]:
    """The canonical column name of each header cell (None for a blank one); file-level errors for the rest."""
    expected = COLUMNS[kind]
    listing = ", ".join(expected)
    if header is None:
        raise _FileRefused(RowError(1, None, msg("the first row must name the columns: {columns}", columns=listing)))
    columns: list[str | None] = []
    errors: list[RowError] = []
    for cell in header:
        name = _HEADER_NAMES.get(_key(cell)) if cell.strip() else None
        if cell.strip() and name not in expected:
            errors.append(RowError(1, cell.strip()[:60], msg("unexpected column for {kind}.csv; the columns are: "
                                                             "{columns}", kind=kind, columns=listing)))
            name = None
        elif name is not None and name in columns:
            errors.append(RowError(1, cell.strip()[:60], msg("column {column} appears twice", column=name)))
        columns.append(name)
    missing = [name for name in REQUIRED[kind] if name not in columns]
    if missing:
        errors.append(RowError(1, None, msg("missing column(s): {missing}; the columns are: {columns}",
                                            missing=", ".join(missing), columns=listing)))
    if errors:
        raise _FileRefused(*errors)
    return columns


def _shape_errors(number: int, cells: list[str], columns: list[str | None]) -> list[RowError]:
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
        return [RowError(number, None, msg("has {count} values but the header names {columns} columns (a comma "
                                           "inside a value needs quotes)", count=len(cells), columns=len(columns)))]
    if len(cells) < len(columns):
        return [RowError(number, None, msg("has {count} values but the header names {columns} columns",
                                           count=len(cells), columns=len(columns)))]
    return [RowError(number, f"column {index + 1}", msg("has a value under a column with no name"))
            for index, (name, cell) in enumerate(zip(columns, cells)) if name is None and cell.strip()]


def _resident_numbers(number: int, data: dict[str, str]) -> list[RowError]:
    """No cell may hold a resident registration number, whatever its column."""
    errors = []
    for column, cell in data.items():
        try:
            refuse_resident_number(cell, column)
        except ValidationFailed as exc:
            errors.append(RowError(number, column, exc.errors[column][0]))
    return errors

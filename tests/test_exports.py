"""Exports: the import's columns, formulas neutralised, numbers kept as numbers, a lossless round trip."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from talent_match.extensions import db
from talent_match.services.outcomes import ledger as outcomes
from talent_match.services.training import records as training
from talent_match.services.transfers import exports
from talent_match.services.transfers.exports import export_rows, to_csv, to_xlsx
from talent_match.services.transfers.imports import COLUMNS, commit

from .training_world import sample

COHORTS, TRAINEES, PLACEMENTS, FOLLOWUPS = (sample(kind)
                                             for kind in ("cohorts", "trainees", "placements", "followups"))

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def loaded(app_ctx, make_user):
    make_user("institution", institution="inst-a", region="gyeongnam")
    inst = training.institution_by_slug(db.session, "inst-a")
    for kind, text in (("cohorts", COHORTS), ("trainees", TRAINEES), ("placements", PLACEMENTS),
                       ("followups", FOLLOWUPS)):
        commit(db.session, inst, kind, text.encode())
    return inst


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_exports_have_the_import_columns_and_reimport_unchanged(loaded, kind):
    data = to_csv(export_rows(db.session, loaded, kind))
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == list(COLUMNS[kind])
    result = commit(db.session, loaded, kind, data)
    assert result.counts["created"] == 0 and result.counts["updated"] == 0


def test_trainee_export_reads_like_the_import(loaded):
    rows = read_csv(to_csv(export_rows(db.session, loaded, "trainees")))
    assert rows[0] == {"cohort_code": "GN-01", "trainee_ref": "T001", "name": "김민준", "email": "minjun@example.kr",
                       "status": "completed", "completion_date": "2024-06-28", "excluded_reason": "",
                       "contact_consent": "false"}


def test_csv_neutralises_formula_text_but_not_numbers():
    rows = exports.ExportRows("x", ["text", "wage", "day"],
                              [{"text": value, "wage": 36_000_000, "day": date(2024, 7, 15)} for value in DANGEROUS])
    parsed = read_csv(to_csv(rows))
    assert [row["text"] for row in parsed] == ["'" + value for value in DANGEROUS]
    assert {row["wage"] for row in parsed} == {"36000000"} and parsed[0]["day"] == "2024-07-15"


def test_xlsx_neutralises_formula_text_and_keeps_numbers_and_dates_typed():
    rows = exports.ExportRows("x", ["text", "wage", "day"],
                              [{"text": value, "wage": 36_000_000, "day": date(2024, 7, 15)} for value in DANGEROUS])
    sheet = load_workbook(io.BytesIO(to_xlsx(rows))).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in values] == ["'" + value for value in DANGEROUS]
    assert all(cell.data_type == "s" for cell in next(sheet.iter_cols(min_row=2, max_col=1)))
    assert values[0][1] == 36_000_000 and isinstance(values[0][1], int)
    assert values[0][2].date() == date(2024, 7, 15)


def test_formula_names_survive_a_round_trip(loaded):
    text = TRAINEES.replace("이서연", "=2+3")
    commit(db.session, loaded, "trainees", text.encode())
    data = to_csv(export_rows(db.session, loaded, "trainees"))
    assert "'=2+3" in data.decode("utf-8-sig")
    assert commit(db.session, loaded, "trainees", data).counts["updated"] == 0
    assert training.Records(db.session, loaded).enrollments["T002"].name == "=2+3"


def test_an_empty_export_still_has_its_header(app_ctx, make_user):
    make_user("institution", institution="inst-e", region="seoul")
    inst = training.institution_by_slug(db.session, "inst-e")
    assert to_csv(export_rows(db.session, inst, "cohorts")).decode("utf-8-sig").strip() == ",".join(
        COLUMNS["cohorts"])
    sheet = load_workbook(io.BytesIO(to_xlsx(export_rows(db.session, inst, "placements")))).active
    assert [cell.value for cell in sheet[1]] == list(COLUMNS["placements"])


def test_outcome_exports_for_others_show_small_counts_as_less_than_five(loaded):
    table = outcomes.table(db.session, "cohort", date(2025, 12, 31), institution=loaded)
    public = read_csv(to_csv(exports.outcome_rows(table, public=True)))
    own = read_csv(to_csv(exports.outcome_rows(table, public=False)))
    public_gn, own_gn = ([row for row in rows if row["key"] == "GN-01"][0] for rows in (public, own))
    assert public_gn["placement_rate_90_numerator"] == "<5" and public_gn["placement_rate_90_rate"] == ""
    assert own_gn["placement_rate_90_numerator"] == "2" and own[-1]["group"] == "total"


def test_cli_exports_csv_and_xlsx(loaded, runner, tmp_path):
    result = runner.invoke(args=["export-csv", "--institution", "inst-a", "placements"])
    assert result.exit_code == 0
    assert read_csv(result.stdout_bytes)[0]["employer_name"] == "(주)경남정밀"
    target = tmp_path / "trainees.xlsx"
    result = runner.invoke(args=["export-csv", "--institution", "inst-a", "trainees", "--format", "xlsx",
                                 "--output", str(target)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).active
    assert [cell.value for cell in sheet[1]] == list(COLUMNS["trainees"]) and sheet.max_row == 5

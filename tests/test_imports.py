"""CSV imports: encodings, row errors, all or nothing, idempotence and institution scoping."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from talent_match.extensions import db
from talent_match.models import Cohort, Enrollment, FollowUp, Placement, Programme
from talent_match.services.training import records as training
from talent_match.services.transfers import imports
from talent_match.services.transfers.imports import ImportRefused, commit, preview

from .training_world import sample

COHORTS, TRAINEES, PLACEMENTS, FOLLOWUPS = (sample(kind)
                                             for kind in ("cohorts", "trainees", "placements", "followups"))


@pytest.fixture
def inst(app_ctx, make_user):
    make_user("institution", institution="inst-a", region="gyeongnam")
    return training.institution_by_slug(db.session, "inst-a")


@pytest.fixture
def loaded(inst):
    for kind, text in (("cohorts", COHORTS), ("trainees", TRAINEES), ("placements", PLACEMENTS),
                       ("followups", FOLLOWUPS)):
        commit(db.session, inst, kind, text.encode("utf-8"))
    return inst


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def refused(inst, kind, text, encoding="utf-8"):
    with pytest.raises(ImportRefused) as caught:
        commit(db.session, inst, kind, text.encode(encoding) if isinstance(text, str) else text)
    return caught.value.row_errors


def test_a_utf8_import_creates_cohorts_programmes_on_the_fly_and_trainees(inst):
    result = commit(db.session, inst, "cohorts", COHORTS.encode("utf-8"))
    assert result.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert count(Programme) == 2
    assert commit(db.session, inst, "trainees", TRAINEES.encode()).counts["created"] == 4
    first = db.session.scalar(select(Enrollment).where(Enrollment.trainee_ref == "T001"))
    assert first.name == "김민준" and first.cohort.code == "GN-01" and first.cohort.region.slug == "gyeongnam"


def test_utf8_with_bom_reads_the_first_column_name(inst):
    assert commit(db.session, inst, "cohorts", "\ufeff".encode() + COHORTS.encode()).counts["created"] == 3


def test_cp949_from_korean_excel_with_korean_headers_and_region_names(inst):
    text = ("기수코드,과정명,지역,시작일,종료일\r\n"
            "경남-01,인공지능 실무 과정,경남,2024-01-08,2024-06-28\r\n"
            "대구-01,스마트제조 과정,대구광역시,2024-03-04,2024-08-30\r\n")
    raw = text.encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert commit(db.session, inst, "cohorts", raw).counts["created"] == 2
    trainees = ("기수코드,훈련생번호,이름,이메일,상태,수료일,제외사유\r\n"
                "경남-01,경남-T1,홍길동,,completed,2024-06-28,\r\n").encode("euc-kr")
    assert commit(db.session, inst, "trainees", trainees).counts["created"] == 1
    trainee = db.session.scalar(select(Enrollment).where(Enrollment.trainee_ref == "경남-T1"))
    assert trainee.name == "홍길동" and trainee.cohort.programme.name == "인공지능 실무 과정"


def test_korean_words_for_statuses_reasons_and_types_read_as_their_codes(loaded):
    text = ("기수코드,훈련생번호,이름,이메일,상태,수료일,제외사유\r\n"
            "GN-01,T101,한가람,,수료,2024-06-28,\r\n"
            "GN-01,T102,두나래,,중도탈락,,\r\n"
            "GN-01,T103,세찬솔,,수료,2024-06-28,군입대\r\n")
    assert commit(db.session, loaded, "trainees", text.encode("cp949")).counts["created"] == 3
    rows = {e.trainee_ref: e for e in db.session.scalars(select(Enrollment))}
    assert (rows["T101"].status, rows["T102"].status, rows["T103"].excluded_reason) == (
        "completed", "withdrawn", "military_service")
    placements = ("trainee_ref,employer_name,job_title,region,start_date,annual_wage_krw,employment_type,in_field\n"
                  "T101,(주)한빛,데이터 분석가,경남,2024-08-01,34000000,정규직,예\n"
                  "T103,(주)한빛,인턴,경남,2024-08-01,24000000,Full-Time,아니오\n")
    commit(db.session, loaded, "placements", placements.encode())
    kinds = dict(db.session.execute(select(Enrollment.trainee_ref, Placement.employment_type)
                                    .join(Placement, Placement.enrollment_id == Enrollment.id)).all())
    assert kinds["T101"] == kinds["T103"] == "full_time"
    checks = ("trainee_ref,checkpoint_month,status,region,checked_on,evidence\n"
              "T101,3,동일기업재직,경남,2024-11-02,고용보험\n")
    commit(db.session, loaded, "followups", checks.encode())
    latest = db.session.scalar(select(FollowUp).join(FollowUp.enrollment).where(Enrollment.trainee_ref == "T101"))
    assert (latest.status, latest.evidence) == ("employed_same_employer", "insurance_record")
    assert refused(loaded, "trainees", "cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n"
                                       "GN-01,T104,가,,졸업했음,,\n")[0].column == "status"


def test_one_bad_row_refuses_the_whole_file_and_names_row_and_column(inst):
    commit(db.session, inst, "cohorts", COHORTS.encode())
    bad = TRAINEES + "GN-01,T005,정하준,not-an-email,completed,,\n"
    errors = refused(inst, "trainees", bad)
    assert {(e.row, e.column) for e in errors} == {(6, "email"), (6, "completion_date")}
    assert count(Enrollment) == 0


def test_preview_counts_without_writing(inst):
    result = preview(db.session, inst, "cohorts", COHORTS.encode())
    assert result.ok and result.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert [row.action for row in result.rows] == ["created"] * 3
    db.session.commit()
    assert count(Cohort) == 0 and count(Programme) == 0


def test_importing_the_same_files_twice_changes_nothing(loaded):
    stamps = {ref: e.updated_at for ref, e in ((e.trainee_ref, e) for e in db.session.scalars(select(Enrollment)))}
    follow_up_stamps = [f.updated_at for f in db.session.scalars(select(FollowUp).order_by(FollowUp.id))]
    totals = [count(m) for m in (Cohort, Programme, Enrollment, Placement, FollowUp)]
    for kind, text, rows in (("cohorts", COHORTS, 3), ("trainees", TRAINEES, 4), ("placements", PLACEMENTS, 2),
                             ("followups", FOLLOWUPS, 2)):
        assert commit(db.session, loaded, kind, text.encode()).counts == {"created": 0, "updated": 0,
                                                                           "unchanged": rows}
    db.session.expire_all()
    assert [count(m) for m in (Cohort, Programme, Enrollment, Placement, FollowUp)] == totals
    assert {e.trainee_ref: e.updated_at for e in db.session.scalars(select(Enrollment))} == stamps
    assert [f.updated_at for f in db.session.scalars(select(FollowUp).order_by(FollowUp.id))] == follow_up_stamps


def test_a_changed_row_updates_in_place(loaded):
    changed = TRAINEES.replace("T003,박도윤,,withdrawn,,", "T003,박도윤,,completed,2024-07-05,")
    assert commit(db.session, loaded, "trainees", changed.encode()).counts == {"created": 0, "updated": 1,
                                                                                "unchanged": 3}
    assert db.session.scalar(select(Enrollment).where(Enrollment.trainee_ref == "T003")).status == "completed"


def test_another_institutions_cohort_and_trainee_are_unknown_here(loaded, make_user):
    make_user("institution", institution="inst-b", region="busan")
    other = training.institution_by_slug(db.session, "inst-b")
    errors = refused(other, "trainees", TRAINEES)
    assert errors[0].row == 2 and errors[0].column == "cohort_code"
    assert "inst-a" not in errors[0].message and "no cohort 'GN-01' in this institution" in errors[0].message
    placement_errors = refused(other, "placements", PLACEMENTS)
    assert {e.column for e in placement_errors} == {"trainee_ref"}
    assert count(Placement) == 2


def test_column_problems_are_file_errors(inst):
    missing = refused(inst, "cohorts", "cohort_code,programme_name,region,start_date\nA,B,seoul,2024-01-01\n")
    assert missing[0].row == 1 and "missing column(s): end_date" in missing[0].message
    extra = refused(inst, "cohorts", COHORTS.replace("end_date", "end_date,notes", 1))
    assert extra[0].row == 1 and extra[0].column == "notes"
    duplicate = refused(inst, "cohorts", COHORTS.replace("start_date", "기수코드", 1))
    assert any("appears twice" in e.message for e in duplicate)


def test_optional_columns_may_be_left_out_and_then_keep_what_the_record_has(loaded):
    with_contact = ("trainee_ref,employer_name,region,start_date,in_field,employer_email\n"
                    "T001,(주)경남정밀,gyeongnam,2024-07-15,true,HR@gn-precision.kr\n")
    assert commit(db.session, loaded, "placements", with_contact.encode()).counts["updated"] == 1
    placement = db.session.scalar(select(Placement).where(Placement.employer_name == "(주)경남정밀"))
    assert (placement.employer_email, placement.job_title, placement.annual_wage_krw) == \
        ("hr@gn-precision.kr", "ML 엔지니어", 36_000_000)  # the columns left out kept their values
    bare = "trainee_ref,employer_name,region,start_date,in_field\nT001,(주)경남정밀,gyeongnam,2024-07-15,true\n"
    assert commit(db.session, loaded, "placements", bare.encode()).counts["unchanged"] == 1
    assert placement.employer_email == "hr@gn-precision.kr"
    new = "cohort_code,trainee_ref,status\nGN-01,T009,enrolled\n"  # name, email and the rest are optional
    assert commit(db.session, loaded, "trainees", new.encode()).counts["created"] == 1


def test_the_pages_own_labels_work_as_headers(loaded):
    text = "기수,관리번호,이름,상태,수료일,연락동의\nGN-01,T010,정하늘,수료,2024-06-28,예\n"
    assert commit(db.session, loaded, "trainees", text.encode()).counts["created"] == 1
    trainee = db.session.scalar(select(Enrollment).where(Enrollment.trainee_ref == "T010"))
    assert (trainee.status, trainee.contact_consent) == ("completed", True)


@pytest.mark.parametrize("written", ["2024-06-28", "2024.06.28", "2024/06/28", "20240628", "2024. 6. 28.",
                                     "2024-6-28"])
def test_dates_are_read_as_korean_spreadsheets_write_them(loaded, written):
    text = f"cohort_code,trainee_ref,status,completion_date\nGN-01,T011,completed,{written}\n"
    commit(db.session, loaded, "trainees", text.encode())
    assert db.session.scalar(select(Enrollment.completion_date).where(Enrollment.trainee_ref == "T011")).isoformat() \
        == "2024-06-28"


def test_an_error_names_the_column_as_the_file_names_it(loaded):
    [error] = refused(loaded, "trainees", "기수,관리번호,상태,수료일\nGN-01,T012,수료,28.06.2024\n")
    assert (error.row, error.column) == (2, "수료일") and "YYYY-MM-DD" in error.message


def test_columns_may_come_in_any_order(inst):
    text = "end_date,start_date,region,programme_name,cohort_code\n2024-06-28,2024-01-08,seoul,과정,S-1\n"
    assert commit(db.session, inst, "cohorts", text.encode()).counts["created"] == 1


def test_unbalanced_quotes_binary_and_oversized_files_are_refused(inst, monkeypatch):
    quotes = refused(inst, "cohorts", COHORTS + 'X-1,"AI 과정,seoul,2024-01-01,2024-02-01\n')
    assert quotes[0].row == 5 and "quote" in quotes[0].message
    binary = refused(inst, "cohorts", b"cohort_code\x00\x01\x02")
    assert binary[0].row is None and "NUL" in binary[0].message
    excel = refused(inst, "cohorts", b"PK\x03\x04rest-of-a-zip")
    assert "Excel" in excel[0].message
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    assert "too large" in refused(inst, "cohorts", COHORTS)[0].message
    monkeypatch.setattr(imports, "MAX_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    assert "more than 2 rows" in refused(inst, "cohorts", COHORTS)[0].message
    assert "empty" in refused(inst, "cohorts", b"")[0].message
    assert count(Cohort) == 0


def test_row_numbers_count_records_as_a_spreadsheet_does(inst):
    text = COHORTS + '"X\n-1",과정,seoul,2024-01-01,2024-02-01\nX-2,과정,atlantis,2024-01-01,2024-02-01\n'
    errors = refused(inst, "cohorts", text)
    assert [(e.row, e.column) for e in errors] == [(6, "region")]


def test_field_rules_apply_to_every_row(loaded):
    rows = refused(loaded, "placements", PLACEMENTS + "T001,창원AI,엔지니어,gyeongnam,2025-02-30,3600,full_time,"
                                                      "maybe\n")
    assert {e.column for e in rows} == {"start_date", "annual_wage_krw", "in_field"}
    follow = refused(loaded, "followups", FOLLOWUPS + "T001,5,employed_other_employer,,2025-01-01,rumour\n"
                                                      "T003,6,not_employed,,2025-01-01,trainee\n")
    assert {(e.row, e.column) for e in follow} == {(4, "checkpoint_month"), (4, "region"), (4, "evidence"),
                                                   (5, "trainee_ref")}   # T003 has no placement
    status = refused(loaded, "trainees", TRAINEES + "GN-01,T009,김하늘,,graduated,2024-06-28,\n")
    assert [(e.row, e.column) for e in status] == [(6, "status")]


def test_a_follow_up_checked_before_the_job_began_is_refused(loaded):
    # T001's first placement starts 2024-07-15 (placements.csv)
    rows = refused(loaded, "followups", "trainee_ref,checkpoint_month,status,region,checked_on,evidence\n"
                                        "T001,12,employed_same_employer,gyeongnam,2024-07-01,employer\n")
    assert [(e.row, e.column) for e in rows] == [(2, "checked_on")] and "2024-07-15" in rows[0].message


def test_no_cell_may_hold_a_resident_registration_number(loaded):
    errors = refused(loaded, "trainees", TRAINEES + "GN-01,T010,900101-1234567,,enrolled,,\n")
    assert errors[0].column == "name" and "resident registration number" in errors[0].message


def test_a_repeated_natural_key_in_one_file_is_a_row_error(inst):
    errors = refused(inst, "cohorts", COHORTS + "GN-01,다른 과정,seoul,2024-01-01,2024-02-01\n")
    assert errors[0].row == 5 and "repeats row 2" in errors[0].message


def test_refusal_reads_as_validation_errors(inst):
    with pytest.raises(ImportRefused) as caught:
        commit(db.session, inst, "cohorts", COHORTS.replace("2024-06-28", "2023-06-28").encode())
    assert caught.value.errors == {"row 2: end_date": ["must not be before start_date (2024-01-08)"]}


def test_cli_import_prints_counts_or_every_row_error(app, make_user, runner, tmp_path):
    make_user("institution", institution="inst-c", region="gyeongnam")
    cohorts = tmp_path / "cohorts.csv"
    cohorts.write_bytes(COHORTS.encode("cp949"))
    result = runner.invoke(args=["import-csv", "--institution", "inst-c", "cohorts", str(cohorts)])
    assert result.exit_code == 0, result.output
    assert "created 3, updated 0, unchanged 0" in result.output
    trainees = tmp_path / "trainees.csv"
    trainees.write_text(TRAINEES + "GN-01,T005,정하준,not-an-email,completed,2024-06-28,\nGN-09,T006,,,enrolled,,\n",
                        encoding="utf-8")
    result = runner.invoke(args=["import-csv", "--institution", "inst-c", "trainees", str(trainees)])
    assert result.exit_code == 2
    assert "row 6, email:" in result.output and "row 7, cohort_code:" in result.output
    assert "nothing imported" in result.output
    with app.app_context():
        assert count(Enrollment) == 0
    result = runner.invoke(args=["import-csv", "--institution", "nobody", "cohorts", str(cohorts)])
    assert result.exit_code != 0 and "no institution" in result.output


def test_form_services_share_the_cleaners_and_stay_within_the_institution(loaded, make_user):
    from talent_match.services.errors import NotFound, ValidationFailed

    gn01 = training.cohort_by_code(db.session, loaded, "GN-01")
    with pytest.raises(ValidationFailed) as caught:
        training.save_cohort(db.session, loaded, {"cohort_code": "GN-02", "programme_name": "x", "region": "seoul",
                                                  "start_date": "2024-01-01", "end_date": "2024-02-01"}, gn01.id)
    assert "cohort_code" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        training.save_enrollment(db.session, loaded, {"cohort_code": "GN-01", "trainee_ref": "T009",
                                                      "status": "completed"})
    assert set(caught.value.errors) == {"completion_date"}
    renamed = training.save_cohort(db.session, loaded, {"cohort_code": "GN-01A", "programme_name": "새 과정",
                                                        "region": "경남", "start_date": "2024-01-08",
                                                        "end_date": "2024-06-28"}, gn01.id)
    assert renamed.id == gn01.id and renamed.programme.name == "새 과정"
    db.session.commit()
    make_user("institution", institution="inst-b", region="busan")
    other = training.institution_by_slug(db.session, "inst-b")
    with pytest.raises(NotFound):
        training.get_cohort(db.session, other, gn01.id)
    with pytest.raises(NotFound):
        training.cohort_by_code(db.session, other, "GN-01A")
    assert training.list_cohorts(db.session, other) == [] and training.list_enrollments(db.session, other) == []
    assert len(training.list_enrollments(db.session, loaded, gn01.id)) == 4

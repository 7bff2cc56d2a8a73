"""Writes that race: the same import sent at once from several processes leaves each record once.

Each child plans the import (reads what exists), waits until every child has planned, then writes: the moment a
second server would write the same rows. The database's uniqueness turns the losers into a clear Conflict (409
on the API) with nothing written, on SQLite and PostgreSQL alike.
"""
import multiprocessing

import pytest
import sqlalchemy as sa

from talent_match.extensions import db
from talent_match.models import Placement, User
from talent_match.services.transfers import imports

RACERS = 3
PLACEMENTS_CSV = ("trainee_ref,employer_name,job_title,region,start_date,annual_wage_krw,employment_type,in_field\n"
                  "R1,창원정밀,ML 엔지니어,gyeongnam,2026-03-02,42000000,full_time,true\n"
                  "R2,김해스마트,데이터 분석가,gyeongnam,2026-03-09,38000000,full_time,true\n"
                  "R3,부산AI,MLOps,busan,2026-04-01,45000000,full_time,false\n").encode()


def _racer(url: str, institution_id: int, barrier, outcomes) -> None:
    from talent_match import create_app
    from talent_match.extensions import db
    from talent_match.models import Institution
    from talent_match.services.errors import Conflict
    from talent_match.services.transfers import imports

    planned = imports._plan

    def plan_then_wait(*args, **kwargs):
        result = planned(*args, **kwargs)
        barrier.wait(timeout=240)  # a busy CI machine starts three apps slowly
        return result

    imports._plan = plan_then_wait
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": "/tmp"})
    with app.app_context():
        institution = db.session.get(Institution, institution_id)
        try:
            imports.commit(db.session, institution, "placements", PLACEMENTS_CSV)
            outcomes.append("imported")
        except Conflict:
            outcomes.append("conflict")


@pytest.mark.slow
def test_the_same_placements_imported_at_once_by_several_processes_are_written_once(app, make_user, database_url):
    institution_id, _ = make_user("institution")
    with app.app_context():
        institution = db.session.get(User, institution_id).institution
        imports.commit(db.session, institution, "cohorts", b"cohort_code,programme_name,region,start_date,end_date\n"
                                                             b"C1,AI,gyeongnam,2025-09-01,2026-02-27\n")
        imports.commit(db.session, institution, "trainees", "cohort_code,trainee_ref,name,email,status,"
                       "completion_date,excluded_reason\nC1,R1,가,,completed,2026-02-27,\nC1,R2,나,,completed,"
                       "2026-02-27,\nC1,R3,다,,completed,2026-02-27,\n".encode())
        institution_pk = institution.id
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier, outcomes = manager.Barrier(RACERS), manager.list()
        racers = [context.Process(target=_racer, args=(database_url, institution_pk, barrier, outcomes))
                  for _ in range(RACERS)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(timeout=300)
        assert [racer.exitcode for racer in racers] == [0] * RACERS
        outcomes = sorted(outcomes)
    assert outcomes.count("imported") >= 1 and len(outcomes) == RACERS
    with app.app_context():
        keys = db.session.execute(sa.select(Placement.enrollment_id, Placement.employer_name,
                                            Placement.start_date)).all()
        assert len(keys) == 3 == len(set(keys))
        # and the institution's file still imports cleanly (nothing repeats)
        assert imports.preview(db.session, institution, "placements", PLACEMENTS_CSV).counts == \
            {"created": 0, "updated": 0, "unchanged": 3}

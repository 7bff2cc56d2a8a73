"""SQLite under concurrent writers: WAL and the busy timeout must keep 'database is locked' away."""
import multiprocessing

import pytest
import sqlalchemy as sa

WRITERS = 8
WRITES_EACH = 200


def _writer(url: str, index: int, errors) -> None:
    from talent_match import create_app
    from talent_match.extensions import db
    from talent_match.models import AuditEvent

    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": "/tmp"})
    with app.app_context():
        for n in range(WRITES_EACH):
            try:
                # Read, then write in the same unit of work: the pattern services follow.
                db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
                db.session.add(AuditEvent(action="load_test", object_type="writer", object_id=f"{index}-{n}"))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")


def test_eight_writer_processes_never_see_database_is_locked(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        errors = manager.list()
        processes = [context.Process(target=_writer, args=(database_url, i, errors)) for i in range(WRITERS)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=300)
        assert all(process.exitcode == 0 for process in processes)
        assert list(errors) == []
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        written = conn.execute(sa.text("SELECT count(*) FROM audit_event WHERE action = 'load_test'")).scalar()
    engine.dispose()
    assert written == WRITERS * WRITES_EACH

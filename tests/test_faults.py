"""Faults the site must survive: a killed import, a lost or broken index file, no model, a PostgreSQL restart, and
Redis going away. Each test breaks one thing and checks what a user (or operator) would see."""
from __future__ import annotations

import copy
import errno
import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from talent_match import create_app
from talent_match.extensions import db, limiter
from talent_match.models import AuditEvent, BackgroundJob, Enrollment, Posting, User
from talent_match.services import background
from talent_match.services.hiring import postings
from talent_match.services.search import replica
from talent_match.services.transfers import imports

from .api_support import cheap_password_hashes  # noqa: F401 - fixture
from .conftest import login
from .indexing_support import engine, make_engine, region_id  # noqa: F401 - fixture
from .jobs_support import make_posting, make_profile, posting_data, user

TRAINEES = 400


def _trainees_csv(count: int = TRAINEES) -> bytes:
    rows = [f"GN-K,K{n:04d},훈련생{n},,enrolled,," for n in range(count)]
    return ("cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n"
            + "\n".join(rows) + "\n").encode()


KILLED_IMPORT = textwrap.dedent("""
    import os, sys, time
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from talent_match import create_app
    from talent_match.extensions import db
    from talent_match.services.training import records as training
    from talent_match.services.transfers import imports

    app = create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": os.environ["FAULT_DB"],
                      "INDEX_DIR": os.environ["FAULT_INDEX_DIR"]})

    @event.listens_for(Session, "before_commit")
    def _stop_before_commit(session):
        session.flush()                      # every row is written inside the open transaction...
        print("WRITTEN", flush=True)
        time.sleep(120)                      # ...and the process is killed before it commits

    with app.app_context():
        institution = training.institution_by_slug(db.session, os.environ["FAULT_INSTITUTION"])
        imports.commit(db.session, institution, "trainees", sys.stdin.buffer.read())
""")


@pytest.mark.slow
def test_an_import_killed_before_its_commit_writes_nothing_and_can_be_run_again(app, make_user, tmp_path):
    institution_id, _ = make_user("institution")
    with app.app_context():
        institution = db.session.get(User, institution_id).institution
        imports.commit(db.session, institution, "cohorts", b"cohort_code,programme_name,region,start_date,end_date\n"
                                                             b"GN-K,AI,gyeongnam,2025-01-06,2025-06-30\n")
        slug = institution.slug
        db.session.remove()
    env = {**os.environ, "FAULT_DB": app.config["SQLALCHEMY_DATABASE_URI"], "FAULT_INSTITUTION": slug,
           "FAULT_INDEX_DIR": str(tmp_path / "indexes"), "HF_HUB_OFFLINE": "1"}
    child = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, cwd=os.getcwd())
    try:
        child.stdin.write(_trainees_csv())
        child.stdin.close()
        line = _read_line(child, timeout=180)
        assert line == "WRITTEN", child.stderr.read().decode()[-2000:] if child.poll() is not None else line
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "import_trainees")) == 0
        institution = db.session.get(User, institution_id).institution
        result = imports.commit(db.session, institution, "trainees", _trainees_csv())
        assert result.counts["created"] == TRAINEES
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == TRAINEES
        db.session.remove()


def test_a_full_disk_while_keeping_an_upload_answers_503_and_leaves_no_trainee_data(app, login_as, monkeypatch,
                                                                                   tmp_path):
    client, user_id = login_as("institution")
    with app.app_context():
        institution = db.session.get(User, user_id).institution
        imports.commit(db.session, institution, "cohorts", b"cohort_code,programme_name,region,start_date,end_date\n"
                                                             b"GN-K,AI,gyeongnam,2025-01-06,2025-06-30\n")
        db.session.remove()
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(folder))
    real_fdopen = os.fdopen

    class FullDisk:  # the first half of the file reaches the disk, then there is no room
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[:len(data) // 2])
            self.fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))
    csv = ("cohort_code,trainee_ref,name,email,status,completion_date,excluded_reason\n" + "".join(
        f"GN-K,K{n:04d},훈련생{n},trainee{n}@example.kr,enrolled,,\n" for n in range(20))).encode()
    response = client.post("/institutions/imports/preview", content_type="multipart/form-data",
                           data={"kind": "trainees", "file": (io.BytesIO(csv), "trainees.csv")})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert 'name="token"' not in response.get_data(as_text=True)
    assert [path for path in folder.iterdir()] == []  # not even part of a file with names and emails


def _read_line(child, timeout: float) -> str:
    """The child's first line of output, or "" when it ends or the time runs out."""
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(child.stdout.readline().decode().strip()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0] if found else ""


# --- the vector index -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_a_lost_or_broken_index_file_is_served_degraded_and_rebuilt(app, engine, make_user, monkeypatch, tmp_path,
                                                                    damage):
    seeker_id, email = make_user("seeker")
    employer_id, _ = make_user("employer")
    _, admin_email = make_user("admin")
    with app.app_context():
        make_profile(seeker_id, headline="제조 비전 검사 엔지니어", skills=["Python", "OpenCV"])
        posting = make_posting(employer_id, title="비전 검사 엔지니어", required_skills=["Python", "OpenCV"])
        posting_id, title = posting.id, posting.title
        engine.catch_up(db.session)
        engine.save()
        gyeongnam = region_id(db.session, "gyeongnam")
        db.session.remove()
    [shard] = list((tmp_path / "indexes").glob(f"posting--{gyeongnam}.g*.faiss"))
    shard.unlink() if damage == "deleted" else shard.write_bytes(shard.read_bytes()[:64])

    release = threading.Event()
    real = replica.shard_vectors
    monkeypatch.setattr(replica, "shard_vectors", lambda *a, **k: (release.wait(30), real(*a, **k))[1])
    restarted = make_engine(tmp_path / "indexes", rebuild_wait=0)  # the next process, on the same disk
    monkeypatch.setitem(app.extensions, "search_engine", restarted)
    client = app.test_client()
    login(client, email)
    page = client.get("/seekers/")
    assert page.status_code == 200 and title in page.get_data(as_text=True)  # words and skills still match
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "degraded"
    assert health.json["index"] == {"status": "degraded"}  # no file names or errors but to admins
    admin = app.test_client()
    login(admin, admin_email)
    [shard_report] = admin.get("/healthz").json["index"]["degraded"]
    assert shard_report["shard"] == f"posting/{gyeongnam}" and "ShardCorruptError" in shard_report["reason"]
    release.set()
    assert restarted.wait_for_rebuilds(30)
    assert client.get("/healthz").json["index"]["status"] == "ok"
    with app.app_context():
        query = restarted.query_vector(db.session, "posting", posting_id)
        assert posting_id in restarted.search(db.session, "posting", [gyeongnam], query, 5)
        db.session.remove()
    assert list((tmp_path / "indexes").glob(f"posting--{gyeongnam}.g*.faiss"))  # saved again


# --- the model --------------------------------------------------------------------------------------------------

def test_without_the_model_the_site_stays_up_on_words_and_skills_and_says_so(app, engine, make_user, tmp_path):
    seeker_id, email = make_user("seeker")
    employer_id, _ = make_user("employer")
    with app.app_context():
        make_profile(seeker_id, headline="데이터 엔지니어", skills=["Python", "SQL"])
        make_posting(employer_id, title="데이터 파이프라인 엔지니어", required_skills=["Python", "SQL"])
        db.session.remove()
    broken = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SERVER_NAME": "localhost",
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "WTF_CSRF_ENABLED": False, "INDEX_DIR": str(tmp_path / "other"),
                         "TALENT_MATCH_MODEL": "/nonexistent"})
    client = broken.test_client()
    assert login(client, email).status_code == 302
    page = client.get("/seekers/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "데이터 파이프라인 엔지니어" in text
    client.post("/lang/en", data={"next": "/"})
    assert "ranked by keywords and skills only" in client.get("/seekers/").get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "degraded"
    assert health.json["model"] == {"status": "unavailable"} and "/nonexistent" not in health.get_data(as_text=True)
    saved = client.post("/seekers/profile", data={"kind": "bootcamp_graduate", "home_region": "gyeongnam",
                                                  "headline": "데이터 엔지니어 (Airflow)", "skills": "Python, SQL",
                                                  "years_experience": "1", "work_mode": ""})
    assert saved.status_code == 302  # saving still works; the vector waits for the model
    with broken.app_context():
        db.session.remove()


# --- PostgreSQL -------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_after_postgres_drops_every_connection_the_next_request_succeeds_and_nothing_is_lost(app, engine, make_user,
                                                                                           database_url):
    employer_id, email = make_user("employer")
    with app.app_context():
        posting_id = make_posting(employer_id, title="재시작 전 공고").id
        db.session.remove()
    client = app.test_client()
    assert login(client, email).status_code == 302
    assert client.get(f"/employers/postings/{posting_id}").status_code == 200  # the pool holds live connections

    name = sa.engine.make_url(database_url).database
    admin = sa.create_engine(sa.engine.make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # a restart as the app sees it, without restarting the shared server
        killed = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                      "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
    admin.dispose()
    assert killed >= 1

    response = client.get(f"/employers/postings/{posting_id}")
    assert response.status_code == 200 and "재시작 전 공고" in response.get_data(as_text=True)
    assert client.get("/healthz").json["database"]["status"] == "ok"
    with app.app_context():
        assert db.session.get(Posting, posting_id).title == "재시작 전 공고"
        db.session.remove()


# --- Redis ------------------------------------------------------------------------------------------------------

CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def no_redis_app(app, tmp_path):
    """An app whose Redis is gone. The limiter is one object shared by every app of the process: it is put back
    as it was afterwards, so later tests keep their in-memory storage."""
    saved = {name: copy.copy(value) for name, value in vars(limiter).items()}
    yield create_app({"TESTING": True, "SECRET_KEY": "r" * 40, "SERVER_NAME": "localhost",
                       "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "WTF_CSRF_ENABLED": False,
                       "INDEX_DIR": str(tmp_path / "indexes"), "REDIS_URL": CLOSED_REDIS,
                       "RATELIMIT_STORAGE_URI": CLOSED_REDIS, "LOGIN_RATE_LIMIT": "3 per minute"})
    vars(limiter).clear()
    vars(limiter).update(saved)


def test_with_redis_down_the_rate_limits_fall_back_to_memory_and_still_hold(no_redis_app, make_user):
    _, email = make_user("seeker")
    client = no_redis_app.test_client()
    answers = [client.post("/auth/login", data={"email": email, "password": "wrong-password-9"}).status_code
               for _ in range(5)]
    assert all(code < 500 for code in answers), answers
    assert answers[:3] == [200, 200, 200] and answers[-1] == 429, answers
    assert no_redis_app.test_client().get("/api/v1/regions").status_code == 200


def test_with_redis_down_background_jobs_run_on_a_thread(no_redis_app, make_user, tmp_path, cheap_password_hashes):  # noqa: F811,E501
    engine = make_engine(tmp_path / "job-indexes")
    employer_id, _ = make_user("employer")
    with no_redis_app.app_context():
        make_posting_with(engine, employer_id)
        job = background.submit(db.session, engine, "reindex", redis_url=no_redis_app.config["REDIS_URL"])
        job_id = job.id
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            status = db.session.get(BackgroundJob, job_id).status
            if status in ("done", "failed"):
                break
            time.sleep(0.2)
        row = db.session.get(BackgroundJob, job_id)
        assert row.status == "done", row.message
        assert "shards hold 1 vectors" in row.message
        db.session.remove()


def make_posting_with(engine, employer_id: int) -> None:
    postings.create(db.session, engine, user(employer_id), posting_data(title=f"공고 {uuid.uuid4().hex[:4]}"))
    db.session.commit()

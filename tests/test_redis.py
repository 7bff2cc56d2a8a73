"""With a live Redis (REDIS_URL_FOR_TESTS; CI sets it): rate-limit counters live in Redis, so a restarted process
(or another worker) keeps counting, and a reindex queued on RQ is run by a worker. Skipped without one."""
from __future__ import annotations

import os
import uuid

import pytest

from talent_match import create_app
from talent_match.extensions import db
from talent_match.models import BackgroundJob
from talent_match.services import background
from talent_match.services.search import indexing

from .conftest import login
from .indexing_support import company, make_engine, posting

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL_FOR_TESTS (a Redis database to scribble in)")


@pytest.fixture
def redis():
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError:
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    yield connection
    connection.close()


def _app(database_url, tmp_path, prefix):
    return create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url,
                       "INDEX_DIR": str(tmp_path), "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "3 per minute",
                       "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL,
                       "RATELIMIT_KEY_PREFIX": prefix, "REDIS_URL": REDIS_URL})


@pytest.mark.usefixtures("app")  # the migrated database
def test_login_attempts_are_counted_in_redis_across_a_restart(redis, database_url, tmp_path):
    prefix = f"tm-test-{uuid.uuid4().hex[:8]}"
    try:
        first = _app(database_url, tmp_path, prefix).test_client()
        codes = [login(first, "nobody@example.kr", "wrong-password-1").status_code for _ in range(2)]
        assert redis.keys(f"*{prefix}*"), "the counter is not in Redis"
        restarted = _app(database_url, tmp_path, prefix).test_client()  # memory storage would start again at 0
        codes += [login(restarted, "nobody@example.kr", "wrong-password-1").status_code for _ in range(2)]
        assert codes == [200, 200, 200, 429]
    finally:
        for key in redis.keys(f"*{prefix}*"):
            redis.delete(key)
        # The limiter is one object for every app in this process: point it back at memory for the other tests.
        create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url,
                    "INDEX_DIR": str(tmp_path), "RATELIMIT_STORAGE_URI": "memory://"})


def test_a_reindex_queued_on_rq_is_run_by_a_worker(redis, app_ctx, tmp_path):
    from rq import Queue, SimpleWorker

    engine = make_engine(tmp_path / "shards")
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    queue = Queue(f"{background.QUEUE_NAME}-test-{uuid.uuid4().hex[:8]}", connection=redis)
    try:
        job = background.create(db.session, "reindex")
        queue.enqueue(background.QUEUED_ENTRY, job.id, "reindex", {"kinds": ["posting"]})
        assert db.session.get(BackgroundJob, job.id).status == "queued"
        app_ctx.extensions["search_engine"], real = engine, app_ctx.extensions["search_engine"]
        try:
            SimpleWorker([queue], connection=redis).work(burst=True)  # runs it in this process, in this app
        finally:
            app_ctx.extensions["search_engine"] = real
        db.session.expire_all()
        done = db.session.get(BackgroundJob, job.id)
        assert done.status == "done" and "shards hold 1 vectors" in done.message
    finally:
        queue.delete(delete_jobs=True)
        engine.reset(delete_files=True)

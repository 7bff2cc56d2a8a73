"""Long jobs (bulk encoding, reindexing) run off the request path, with progress kept in BackgroundJob rows.

With REDIS_URL set a job goes to an RQ queue and `flask worker` runs it; otherwise (or while Redis is unreachable)
it runs on a thread of the process that asked (fine for one host; the row still tells admins and `flask jobs` how far it got).
"""
from __future__ import annotations

import logging
import threading
import time
from importlib import import_module
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BackgroundJob
from ..models.base import utcnow

log = logging.getLogger(__name__)

QUEUE_NAME = "talent-match"
JOB_TIMEOUT_S = 6 * 3600
# name -> "module:function"; the function takes (session, engine, progress, **params) and returns a message.
REGISTRY = {
    "reindex": "talent_match.services.search.indexing:reindex_job",
}
# What RQ runs for a queued job: it builds the app around `execute` (cli.worker).
QUEUED_ENTRY = "talent_match.cli.worker.run_queued"


class Progress:
    """Writes done/total to the job row at most once a second, in its own short transaction.

    Call it between the work's transactions (after a commit): on SQLite a write from a second session would wait
    for the work's open write transaction.
    """

    def __init__(self, bind, job_id: int, min_interval: float = 1.0):
        self.bind, self.job_id, self.min_interval = bind, job_id, min_interval
        self._written_at = 0.0
        self.latest: dict = {}

    def __call__(self, done: int, total: int, message: str | None = None) -> None:
        self.latest = {"done": done, "total": total, **({"message": message} if message else {})}
        if time.monotonic() - self._written_at >= self.min_interval:
            self.flush()

    def flush(self) -> None:
        if self.latest:
            _update(self.bind, self.job_id, **self.latest)
            self._written_at = time.monotonic()


def _update(bind, job_id: int, **fields) -> None:
    with Session(bind) as session, session.begin():
        job = session.get(BackgroundJob, job_id)
        if job is not None:
            for name, value in fields.items():
                setattr(job, name, value)


def create(session: Session, name: str, message: str = "") -> BackgroundJob:
    """A queued job row, committed so other processes (the worker, `flask jobs`) can see it."""
    if name not in REGISTRY:
        raise ValueError(f"unknown job {name!r}; known: {', '.join(sorted(REGISTRY))}")
    job = BackgroundJob(kind=name, status="queued", message=message)
    session.add(job)
    session.commit()
    return job


def submit(session: Session, engine, name: str, params: dict | None = None, *,
           redis_url: str | None = None) -> BackgroundJob:
    """Queue a job on RQ when redis_url is given, else start it on a daemon thread of this process.

    When Redis cannot be reached the job runs on a thread all the same (and its row says so): a queue that is down
    must not stop the work."""
    params = dict(params or {})
    job = create(session, name)
    if redis_url:
        from redis import Redis
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
        from rq import Queue

        try:
            Queue(QUEUE_NAME, connection=Redis.from_url(redis_url, socket_connect_timeout=2)).enqueue(
                QUEUED_ENTRY, job.id, name, params, job_timeout=JOB_TIMEOUT_S)
            return job
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            log.warning("job %s (%s): Redis unreachable (%s); running it on a thread instead", job.id, name,
                        type(exc).__name__)
            _update(session.get_bind(), job.id, message="Redis unreachable: running on a thread of this process")
    bind = session.get_bind()
    threading.Thread(target=execute, args=(bind, engine, job.id, name, params),
                     name=f"job-{job.id}", daemon=True).start()
    return job


def execute(bind, engine, job_id: int, name: str, params: dict) -> None:
    """Run a job to the end in this thread, recording running/done/failed on its row."""
    _update(bind, job_id, status="running")
    function, progress = _resolve(name), Progress(bind, job_id)
    try:
        with Session(bind) as session:
            message = function(session, engine, progress, **params)
    except Exception as exc:  # noqa: BLE001 - the row must say it failed, whatever broke
        log.exception("job %s (%s) failed", job_id, name)
        progress.flush()
        _update(bind, job_id, status="failed", message=f"{type(exc).__name__}: {exc}"[:2000], finished_at=utcnow())
        raise
    progress.flush()
    _update(bind, job_id, status="done", message=message or "", finished_at=utcnow())


def recent(session: Session, limit: int = 20) -> list[BackgroundJob]:
    return list(session.scalars(select(BackgroundJob).order_by(BackgroundJob.id.desc()).limit(limit)))


def _resolve(name: str) -> Callable:
    module, _, attribute = REGISTRY[name].partition(":")
    return getattr(import_module(module), attribute)

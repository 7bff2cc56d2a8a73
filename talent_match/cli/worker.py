"""The RQ worker for background jobs, and the entry point each queued job runs through."""
from __future__ import annotations

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext

from ..extensions import db
from ..services import background


def run_queued(job_id: int, name: str, params: dict) -> None:
    """RQ entry point: runs inside `flask worker` (app context present) or builds the app from the environment."""
    if has_app_context():
        _run_in(current_app, job_id, name, params)
        return
    from .. import create_app

    app = create_app()
    with app.app_context():
        _run_in(app, job_id, name, params)


def _run_in(app, job_id: int, name: str, params: dict) -> None:
    background.execute(db.engine, app.extensions.get("search_engine"), job_id, name, params)


@click.command("worker")
@with_appcontext
def worker():
    """Run an RQ worker for background jobs (needs REDIS_URL)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException(
            "REDIS_URL is not set, so there is no queue to work on: jobs run on a thread of the web process or, "
            "from the CLI, as a detached process (`flask --app wsgi reindex --background`). "
            "Set REDIS_URL=redis://host:6379/0 to use a worker.")
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    Worker([Queue(background.QUEUE_NAME, connection=connection)], connection=connection).work(with_scheduler=False)


COMMANDS = [worker]


def deliver_mail() -> None:
    """RQ entry point for a mail kick: deliver what is due, in the worker's app."""
    if has_app_context():
        current_app.extensions["mailer"].deliver(db.engine)
        return
    from .. import create_app

    app = create_app()
    with app.app_context():
        app.extensions["mailer"].deliver(db.engine)

"""Index commands: `reindex` (encode what is missing, rebuild shards), `jobs` (progress) and `prepare-model`
(the int8 model built ahead of first use)."""
from __future__ import annotations

import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from ..extensions import db
from ..models import ENTITY_KINDS, BackgroundJob
from ..services import background
from ..services.search import indexing

COMMANDS = []


class _Bar:
    """A tqdm bar fed (done, total) calls; a phase change (done going down) starts a new bar."""

    def __init__(self, label: str):
        self.label, self.bar, self.phase = label, None, 0

    def __call__(self, done: int, total: int, message: str | None = None, **_) -> None:
        from tqdm import tqdm

        if self.bar is None or done < self.bar.n:
            self.close()
            self.phase += 1
            self.bar = tqdm(total=total, desc=("encode" if self.phase == 1 else "rebuild"), unit=self.label,
                            file=sys.stderr, dynamic_ncols=True)
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@click.command("reindex")
@click.option("--reencode", is_flag=True, help="Encode every entity again (after changing the model).")
@click.option("--kind", type=click.Choice(ENTITY_KINDS), default=None, help="Only postings or only profiles.")
@click.option("--batch-size", type=int, default=None, help="Texts per model batch (default: the encoder's own).")
@click.option("--background", is_flag=True, help="Queue it (RQ with REDIS_URL, else a detached process).")
@click.option("--job", "job_id", type=int, default=None, hidden=True)
@with_appcontext
def reindex(reencode, kind, batch_size, background, job_id):
    """Encode entities lacking a current vector (all with --reencode), then rebuild the shards from stored
    vectors. Shards are never rebuilt by encoding: without --reencode nothing already stored is encoded again."""
    engine = current_app.extensions["search_engine"]
    params = {"kinds": [kind] if kind else list(ENTITY_KINDS), "reencode": reencode, "batch_size": batch_size}
    if job_id is not None:  # the detached process started by --background
        background.execute(db.engine, engine, job_id, "reindex", params)
        return
    if background:
        redis_url = current_app.config.get("REDIS_URL")
        if redis_url:
            job = background.submit(db.session, engine, "reindex", params, redis_url=redis_url)
            click.echo(f"queued job {job.id}; `flask --app wsgi worker` runs it, `flask --app wsgi jobs` shows it")
        else:
            job = background.create(db.session, "reindex", "started as a detached process (no REDIS_URL)")
            _detach(job.id, reencode, kind, batch_size)
            click.echo(f"started job {job.id} in the background; `flask --app wsgi jobs` shows its progress")
        return
    bar = _Bar("items")
    try:
        message = indexing.reindex_job(db.session, engine, bar, **params)
    except indexing.ModelUnavailable as exc:
        raise click.ClickException(f"the embedding model is unavailable ({exc}); check TALENT_MATCH_MODEL")
    except indexing.IndexNotWritten as exc:
        raise click.ClickException(f"{exc}; check the space in INDEX_DIR")
    finally:
        bar.close()
    click.echo(message)


def _detach(job_id: int, reencode: bool, kind: str | None, batch_size: int) -> None:
    """Run this command again as a process of its own that outlives the shell's."""
    info = click.get_current_context().ensure_object(ScriptInfo)
    command = [sys.executable, "-m", "flask"] + (["--app", info.app_import_path] if info.app_import_path else [])
    command += ["reindex", "--job", str(job_id)] + (["--batch-size", str(batch_size)] if batch_size else [])
    command += (["--reencode"] if reencode else []) + (["--kind", kind] if kind else [])
    log_path = os.path.join(current_app.instance_path, f"job-{job_id}.log")
    os.makedirs(current_app.instance_path, exist_ok=True)
    with open(log_path, "ab") as out:
        subprocess.Popen(command, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True)


@click.command("jobs")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_jobs(limit):
    """Recent background jobs with their progress."""
    rows: list[BackgroundJob] = background.recent(db.session, limit)
    if not rows:
        click.echo("no jobs")
    for job in rows:
        share = f"{job.done}/{job.total}" + (f" ({100 * job.done // job.total}%)" if job.total else "")
        click.echo(f"{job.id:>5}  {job.kind:<10} {job.status:<8} {share:<22} "
                   f"{job.created_at:%Y-%m-%d %H:%M}  {job.message}")


@click.command("prepare-model")
@with_appcontext
def prepare_model():
    """Load the embedding model now, building its int8 copy in MODEL_CACHE_DIR if it is not there yet (about 15
    CPU-seconds, once per model). scripts/serve runs it in the background while the database is migrated."""
    engine = current_app.extensions["search_engine"]
    if engine.encoder() is None:
        raise click.ClickException(f"the embedding model is unavailable ({engine.health()['model'].get('error')})")
    click.echo(f"model ready: {engine.encoder().model_id}")


COMMANDS.extend([reindex, list_jobs, prepare_model])

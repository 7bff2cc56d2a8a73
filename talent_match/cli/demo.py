"""Demo data commands: `seed-demo` fills an empty database, `demo-logins` prints the accounts to try,
`is-empty` tells scripts/serve whether to seed."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services import demo
from ..services.errors import Conflict

COMMANDS = []


@click.command("seed-demo")
@click.option("--seekers", default=500, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--postings", default=150, show_default=True, type=click.IntRange(1, 500_000))
@click.option("--seed", default=7, show_default=True, help="Same seed and --today, same data.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date the demo world is seen from (default: today in Korea).")
@click.option("--embeddings/--no-embeddings", default=True, show_default=True,
              help="Encode postings and profiles and build the region shards afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print counts and per-phase seconds as JSON.")
@with_appcontext
def seed_demo(seekers, postings, seed, today, embeddings, as_json):
    """Load reproducible demo data for all 17 regions (refuses if the demo accounts exist)."""
    today = today.date() if today else datetime.now(ZoneInfo("Asia/Seoul")).date()
    say = (lambda message: click.echo(f"... {message}", err=True))
    try:
        report = demo.seed_demo(
            db.session, seekers=seekers, postings=postings, seed=seed, today=today,
            consent_version=current_app.config["CONSENT_VERSION"],
            checkpoint_months=tuple(current_app.config["CHECKPOINT_MONTHS"]),
            engine=current_app.extensions.get("search_engine"), embeddings=embeddings, progress=say)
    except Conflict as exc:
        db.session.rollback()
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(2)
    if as_json:
        click.echo(json.dumps({"counts": report.counts, "timings": report.timings, "cpu_seconds": report.cpu_seconds,
                               "embeddings": report.embeddings, "texts_per_second": report.texts_per_second},
                              sort_keys=True))
        return
    rows = ", ".join(f"{name} {count:,}" for name, count in sorted(report.counts.items()))
    click.echo(f"demo data loaded: {rows}")
    click.echo("seconds: " + ", ".join(f"{phase} {secs}" for phase, secs in report.timings.items())
               + f"; embeddings: {report.embeddings}"
               + (f" ({report.texts_per_second} texts/s)" if report.texts_per_second else ""))
    _print_logins()


@click.command("demo-logins")
@with_appcontext
def demo_logins():
    """Print the demo accounts and their passwords (exit 1 when no demo data is loaded)."""
    if not demo.demo_present(db.session):
        click.echo("no demo accounts; run `flask --app wsgi seed-demo`", err=True)
        raise SystemExit(1)
    _print_logins()


@click.command("is-empty")
@with_appcontext
def is_empty():
    """Print "yes" when the database has no users, else "no"."""
    click.echo("yes" if demo.is_empty(db.session) else "no")


def _print_logins() -> None:
    click.echo("demo logins (role, email, password):")
    for login in demo.DEMO_LOGINS:
        click.echo(f"  {login.role:<12} {login.email:<22} {login.password}")


COMMANDS += [seed_demo, demo_logins, is_empty]

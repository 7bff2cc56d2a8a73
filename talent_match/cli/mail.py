"""Mail commands: `send-mail` delivers the outbox now (cron, tests), `purge-mail` forgets old messages."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services.mail import delivery, outbox


@click.command("send-mail")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@with_appcontext
def send_mail(as_json):
    """Deliver every message queued before this command started, and those whose retry is due; print counts."""
    mailer = current_app.extensions["mailer"]
    counts = mailer.deliver(db.engine, up_to_id=delivery.newest_id(db.session))
    if as_json:
        click.echo(json.dumps(counts))
        return
    where = mailer.settings.describe() if mailer.settings else "no SMTP_URL: kept in the outbox (/admin/outbox)"
    click.echo(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}, "
               f"held {counts['held']} ({where})")


@click.command("purge-mail")
@click.option("--days", type=int, default=outbox.RETENTION_DAYS, show_default=True)
@with_appcontext
def purge_mail(days):
    """Delete sent, failed and held messages older than --days (their bodies hold personal data)."""
    removed = outbox.purge(db.session, days=days)
    db.session.commit()
    click.echo(f"deleted {removed} message(s)")


COMMANDS = [send_mail, purge_mail]

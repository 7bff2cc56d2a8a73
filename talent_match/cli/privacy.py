"""Privacy commands: the purge of accounts nobody has used for INACTIVE_ACCOUNT_DAYS, and of interaction logs
older than INTERACTION_RETENTION_DAYS."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services.hiring import interactions
from ..services.privacy import erasure

COMMANDS = []


@click.command("purge-inactive")
@click.option("--days", type=click.IntRange(30, 36500), default=None,
              help="Inactive for more than this many days (default: INACTIVE_ACCOUNT_DAYS).")
@click.option("--dry-run", is_flag=True, help="List the account ids that would be deleted; delete nothing.")
@with_appcontext
def purge_inactive(days, dry_run):
    """Delete accounts (not admins) unused for too long, keeping pseudonymous training outcomes, and the matching
    lists' interaction log older than INTERACTION_RETENTION_DAYS. Prints ids and counts only."""
    days = days or current_app.config["INACTIVE_ACCOUNT_DAYS"]
    ids = erasure.purge_inactive(db.session, current_app.extensions.get("search_engine"), days, dry_run=dry_run)
    shown = ", ".join(str(i) for i in ids[:50]) + (" …" if len(ids) > 50 else "")
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{verb} {len(ids)} account(s) inactive for more than {days} days" + (f": {shown}" if ids else ""))
    kept = current_app.config["INTERACTION_RETENTION_DAYS"]
    removed = interactions.purge(db.session, kept, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    click.echo(f"{verb} {removed} interaction log row(s) older than {kept} days")


COMMANDS += [purge_inactive]

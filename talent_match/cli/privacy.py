"""Privacy commands: the purge of accounts nobody has used for INACTIVE_ACCOUNT_DAYS."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services.privacy import erasure

COMMANDS = []


@click.command("purge-inactive")
@click.option("--days", type=click.IntRange(30, 36500), default=None,
              help="Inactive for more than this many days (default: INACTIVE_ACCOUNT_DAYS).")
@click.option("--dry-run", is_flag=True, help="List the account ids that would be deleted; delete nothing.")
@with_appcontext
def purge_inactive(days, dry_run):
    """Delete accounts (not admins) unused for too long, keeping pseudonymous training outcomes. Prints ids only."""
    days = days or current_app.config["INACTIVE_ACCOUNT_DAYS"]
    ids = erasure.purge_inactive(db.session, current_app.extensions.get("search_engine"), days, dry_run=dry_run)
    shown = ", ".join(str(i) for i in ids[:50]) + (" …" if len(ids) > 50 else "")
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{verb} {len(ids)} account(s) inactive for more than {days} days" + (f": {shown}" if ids else ""))


COMMANDS += [purge_inactive]

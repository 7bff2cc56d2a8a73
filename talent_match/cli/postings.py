"""Posting commands for operators."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services.hiring import postings

COMMANDS = []


@click.command("close-expired-postings")
@click.option("--today", default=None, help="Treat this date (YYYY-MM-DD) as today; defaults to today in Korea.")
@with_appcontext
def close_expired_postings(today):
    """Close open postings whose deadline has passed and take them out of the index (run daily)."""
    day = date.fromisoformat(today) if today else None
    closed = postings.close_expired(db.session, current_app.extensions.get("search_engine"), day)
    db.session.commit()
    click.echo(f"closed {len(closed)} posting(s)" + (f": {', '.join(map(str, closed))}" if closed else ""))


COMMANDS.append(close_expired_postings)

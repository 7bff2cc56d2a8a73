"""`digests`: the daily run that mails each person who chose it what is new for them."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import mailer
from ..extensions import db
from ..services.digests import schedule
from . import as_of_option, day_of


def _mail(user, preference: str, news) -> None:
    mailer.send("digest", user.email, user.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
                unsubscribe_url=mailer.unsubscribe_url(user, preference), name=user.name, news=news,
                link=mailer.link)


@click.command("digests")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@with_appcontext
def digests_command(as_of, as_json):
    """Queue the digests due today (daily ones, weekly ones on Mondays) of what is new since each person's last;
    run it daily. `flask send-mail` (or the worker) delivers them."""
    day = day_of(as_of)
    counts = schedule.run(db.session, current_app.extensions.get("search_engine"), day, _mail,
                          size=current_app.config["DIGEST_SIZE"], weights=current_app.config["MATCH_WEIGHTS"])
    db.session.commit()
    if as_json:
        click.echo(json.dumps(counts))
    else:
        click.echo(f"as of {day.isoformat()}: {counts['queued']} digest(s) queued listing {counts['items']} item(s), "
                   f"{counts['due'] - counts['queued']} with nothing new")


COMMANDS = [digests_command]

"""Pages whose GET writes a record of what was shown (impressions, audit rows, "opened"): commit without expiring
what the page shows, then render.

A commit expires every row the session has loaded, so a template rendered after a plain commit reloads each posting
or person on the page with a query of its own: half of a matches page's time at 8,000 seekers. Rendering before
the commit would keep the transaction, and on SQLite the database's one write lock, open for the whole render.
So the commit comes first and leaves the loaded rows as they were read in the transaction it ends.
"""
from flask import render_template

from ..extensions import db


def render_recorded(template: str, **context) -> str:
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    return render_template(template, **context)

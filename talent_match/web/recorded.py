"""Pages whose GET writes a record of what was shown (impressions, audit rows, "opened"): render, then commit.

A commit expires every row the session has loaded, so a template rendered after it reloads each posting or person
on the page with a query of its own: half of a matches page's time at 8,000 seekers. Rendering first reads the
rows already loaded; the commit after it still fails the request if it fails.
"""
from flask import render_template

from ..extensions import db


def render_recorded(template: str, **context) -> str:
    html = render_template(template, **context)
    db.session.commit()
    return html

"""The public regional dashboard: per region demand, supply, training and retention, small counts hidden.

Anyone may look, so nothing here is personal: counts and rates only, every one through services.disclosure.
"""
from flask import Blueprint, render_template, request

from ..access import PUBLIC, gate
from ..figures import as_of_from_request, install
from . import context

bp = gate(Blueprint("regional", __name__, url_prefix="/regions"), PUBLIC)
bp.record_once(install)


@bp.get("/")
def index():
    data = context.overview(request.args.get("metric"), as_of_from_request(), "regional.region")
    return render_template("regional/index.html", **data)


@bp.get("/<slug>")
def region(slug: str):
    return render_template("regional/region.html", **context.region(slug, as_of_from_request()))

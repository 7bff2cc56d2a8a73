"""The public regional dashboard: per region demand, supply, training and retention, small counts hidden.

Anyone may look, so nothing here is personal: counts and rates only, every one through services.disclosure.
"""
from flask import Blueprint, jsonify, render_template, request

from ...extensions import db
from ...services.outcomes import open_data, regional_stats
from ...services.transfers import exports
from ..access import PUBLIC, gate
from ..figures import as_of_from_request, install
from ..institutions.transfers import download
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


@bp.get("/data.csv")
def data_csv():
    """The dashboard's figures as published (one release, suppressed): the licence on the first line, then the
    header and one row per region and the country (schema: services.outcomes.open_data, README)."""
    figures = regional_stats.regional_figures(db.session, as_of_from_request())
    table = exports.to_csv(open_data.csv_rows(figures), open_data.COLUMN_NAMES).decode("utf-8")
    body = ("\ufeff" + open_data.licence_line(figures) + "\r\n" + table.removeprefix("\ufeff")).encode("utf-8")
    return download(body, "csv", f"regional-ai-talent-{figures.as_of.isoformat()}.csv")


@bp.get("/data.json")
def data_json():
    figures = regional_stats.regional_figures(db.session, as_of_from_request())
    response = jsonify(open_data.document(figures))
    response.headers["Content-Disposition"] = f'inline; filename="regional-ai-talent-{figures.as_of.isoformat()}.json"'
    return response

"""GET /api/v1/stats/regions: the regional dashboard's figures, with small counts suppressed."""
from flask import current_app, jsonify, request

from ..extensions import db
from ..services import validation as v
from ..services.outcomes import regional_stats
from ..web.access import PUBLIC, allow
from .blueprint import bp
from .openapi import op, query
from .schemas import DATE


@bp.get("/stats/regions")
@allow(PUBLIC)
def regional_figures():
    as_of = v.clean_date(request.args.get("as_of"), "as_of")
    figures = regional_stats.regional_figures(db.session, as_of, current_app.config["SUPPRESSION_THRESHOLD"])
    return jsonify({"as_of": figures.as_of.isoformat(), "threshold": figures.threshold,
                    "definitions": regional_stats.DEFINITIONS, "regions": figures.regions,
                    "national": figures.national})


PATHS = {"/stats/regions": {"get": op(
    "Regional figures", id="regional_figures", audience=(PUBLIC,), ok=(200, "RegionalStats"),
    params=[query("as_of", DATE,
                  "The date that decides which postings are open and which follow-ups are due; today in Korea "
                  "when left out.")],
    description="Per region and for the country: open postings, SMEs hiring, discoverable seekers, trainees and "
                "completers, placements, and 12-month local retention and capital outflow. A count below the "
                "disclosure threshold (and any cell it could be worked out from) is null and named in "
                "`suppressed`.")}}

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
                  "Any date: the answer is the release of the last quarter end on or before it (its `as_of`); "
                  "today in Korea when left out.")],
    description="Per region and for the country, as published at a quarter end: open postings, SMEs hiring, "
                "discoverable seekers, trainees and completers, placements, and 12-month local retention and "
                "capital outflow with who answered. A count below the disclosure threshold is null and named in "
                "`suppressed` and `small`; a count hidden because a small one could be worked out from it, in this "
                "release or with any earlier one, is null and named in `suppressed` only.")}}

"""What the regional pages show, built once for the public dashboard and the programme office's pages (the admin's
and the regional operators').

Every figure here comes from services.regional_stats and services.disclosure, so every audience sees the same
suppressed numbers; the office's pages only add tools around them.
"""
from __future__ import annotations

from datetime import date

from flask import abort, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...services.outcomes import disclosure, flows, regional_stats, releases
from ...services.reference.regions import all_regions
from .. import charts
from .. import flows as flow_figures
from ..figures import (
    REGIONAL_FIGURES,
    REGIONAL_RATES,
    definition,
    locale,
    metric_label,
    number,
    percent,
    region_name,
    regional_value,
)

# The institutions' figures a regional page lists (all of them on the admin page).
HEADLINE_METRICS = ("completion_rate", "placement_rate_180", "retention_12", "local_retention_12",
                    "capital_outflow_12")
def overview(metric: str | None, as_of: date, region_endpoint: str) -> dict:
    """Every region's figures, the map shaded by `metric`, and links to each region's page."""
    figures = regional_stats.regional_figures(db.session, as_of)
    shown = {name: sum(regional_value(row, name).value is not None for row in figures.regions)
             for name in REGIONAL_FIGURES}
    if metric not in REGIONAL_FIGURES:  # by default the first figure that most regions can show
        metric = max(REGIONAL_FIGURES, key=lambda name: shown[name])
    is_rate = metric in REGIONAL_RATES
    values = {row["region"]: regional_value(row, metric) for row in figures.regions}
    names = {row["region"]: region_name(row) for row in figures.regions}
    links = {slug: url_for(region_endpoint, slug=slug, as_of=figures.as_of.isoformat()) for slug in values}
    region_map = None  # a map of hidden tiles says nothing: the page says why instead
    if shown[metric]:
        region_map = charts.region_map(
            _("%(figure)s by region", figure=metric_label(metric)), values, names,
            legend_title=metric_label(metric), no_data=_("Hidden (<%(k)s) or none", k=figures.threshold),
            value_format=percent if is_rate else number, integer=not is_rate, desc=definition(metric), links=links)
    return {"figures": figures, "metric": metric, "region_map": region_map, "figure_names": REGIONAL_FIGURES,
            "as_of": figures.as_of, "requested_as_of": as_of, "region_endpoint": region_endpoint}


def region(slug: str, as_of: date, *, with_unknowns: bool = False, watched=(), by_institution: bool = False) -> dict:
    """One region's figures, its skill gap and its institutions' outcome figures (suppressed); `with_unknowns`
    adds the share of 12-month answers still unknown (the programme office chases those), `watched` the skills
    the office watches (ids) to the skill gap, `by_institution` the flows of trained people per institution (the
    public page shows them per cohort year only).

    The institutions' table is part of the same public release as the regional table, and its total is the
    region's own row, so the two views never show different things of the same count.
    """
    found = next((r for r in all_regions(db.session) if r.slug == slug), None)
    if found is None:
        abort(404)
    figures = regional_stats.regional_figures(db.session, as_of)
    row = next(r for r in figures.regions if r["region"] == slug)
    gap = regional_stats.skill_gap(db.session, found, figures.as_of, watched=watched)
    published = releases.release(db.session, as_of)
    table = releases.institutions_table(published, slug)
    flow_years, flow_institutions = flows.regional(db.session, published, found)
    names = list(HEADLINE_METRICS) + (["unknown_12"] if with_unknowns else [])
    retention_chart = charts.bar_chart(
        _("Where trained people work 12 months after their first job"),
        [(metric_label(name), regional_value(row, name)) for name in REGIONAL_RATES], max_value=1.0)
    return {"region": found, "row": row, "figures": figures, "gap": gap, "gap_chart": gap_chart(gap),
            "institutions": table, "metric_names": names, "retention_chart": retention_chart,
            "as_of": figures.as_of, "requested_as_of": as_of, "figure_names": REGIONAL_FIGURES,
            "flow": flow_figures.view(flow_years, _("Cohort start year"), _("All years")),
            "flow_by_institution": (flow_figures.view(flow_institutions, _("Institution"),
                                                     _("All institutions in the region")) if by_institution
                                    else None)}


def gap_chart(gap: list[dict]):
    """Paired bars: open postings asking for each skill beside the people who hold it (None when no skill)."""
    if not gap:
        return None
    english = locale() == "en"
    return charts.paired_bar_chart(
        _("Skills asked for by open postings, beside people who hold them"),
        [(g["name_en"] if english else g["name_ko"], _count_value(g, "postings"), _count_value(g, "people"))
         for g in gap],
        (_("Open postings asking"), _("People holding it")),
        desc=_("Postings: open postings naming the skill. People: discoverable seekers and trainees who share "
               "their outcomes."))


def _count_value(row: dict, name: str) -> charts.Value:
    if name in row["suppressed"]:
        return charts.Value(None, "<%d" % disclosure.THRESHOLD)
    return charts.Value(row[name], number(row[name]))

"""Outcome reports: the institution's own exact figures for itself, a cohort, a programme or a year, as of a date.

Every number sits beside its definition (services.outcomes.ledger.DEFINITIONS) with its numerator and denominator; the
charts repeat the figures for those who would rather look. A printable view and a CSV download carry the same.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ...config import Defaults
from ...extensions import db
from ...services import audit
from ...services.outcomes import flows
from ...services.outcomes import ledger as outcomes
from ...services.outcomes import readiness
from ...services.transfers import exports
from .. import charts
from .. import flows as flow_figures
from ..figures import as_of_from_request, metric_label, metric_value
from .routes import bp, institution
from .transfers import download

GROUPS = ("institution", "cohort", "programme", "year")
BREAKDOWNS = ("cohort", "programme", "year")
CHECKPOINTS = Defaults.CHECKPOINT_MONTHS
PLACEMENT = ("completion_rate", "placement_rate_90", "placement_rate_180", "in_field_rate", "local_placement_rate",
             "median_wage_krw")
HEADLINE = ("completion_rate", "placement_rate_180", "retention_6", "retention_12", "local_retention_12")


@bp.get("/report", endpoint="report")
def report_page():
    return render_template("institutions/report.html", **_report(printable=False))


@bp.get("/report/print")
def report_print():
    return render_template("institutions/report_print.html", **_report(printable=True))


@bp.get("/report.csv")
def report_csv():
    """The breakdown table (rows and total) with every metric's numerator, denominator and rate; exact figures."""
    inst = institution()
    by = request.args.get("by") if request.args.get("by") in BREAKDOWNS else "cohort"
    as_of = as_of_from_request()
    rows = exports.outcome_rows(outcomes.table(db.session, by, as_of, institution=inst), public=False)
    audit.record_export(db.session, current_user, "outcomes", "csv", len(rows), object_id=inst.id,
                        details={"group_by": by, "as_of": as_of.isoformat()})
    db.session.commit()
    return download(exports.to_csv(rows), "csv", f"{inst.slug}-outcomes-{by}-{as_of.isoformat()}.csv")


def _report(printable: bool) -> dict:
    """The selected report (the institution, or one cohort, programme or year of it) and the breakdown table."""
    inst = institution()
    as_of = as_of_from_request()
    group = request.args.get("group") if request.args.get("group") in GROUPS else "institution"
    by = request.args.get("by") if request.args.get("by") in BREAKDOWNS else "cohort"
    key = request.args.get("key") or ""
    breakdown = outcomes.table(db.session, by, as_of, institution=inst)
    if group == "institution":
        selected = breakdown.total
    else:
        source = breakdown if group == by else outcomes.table(db.session, group, as_of, institution=inst)
        selected = next((row for row in source.rows if row.key == key), None)
        if selected is None:
            abort(404)
    names = outcomes.metric_names(CHECKPOINTS)
    return {"institution": inst, "report": selected, "breakdown": breakdown, "group": group, "key": key, "by": by,
            "flow": _flow(inst, group, key, as_of), "as_of": as_of, "printable": printable,
            "checkpoints": CHECKPOINTS, "headline": HEADLINE,
            "placement_names": [n for n in names if n in PLACEMENT],
            "retention_names": [n for n in names if n not in PLACEMENT and not n.startswith("unknown_")
                                and n != outcomes.COST],
            "cost": selected.metrics.get(outcomes.COST),
            "over_time_chart": over_time_chart(selected.metrics), "where_chart": where_chart(selected.metrics),
            "readiness": readiness.for_institution(db.session, inst),
            "group_labels": {"institution": _("Whole institution"), "cohort": _("Cohort"),
                             "programme": _("Programme"), "year": _("Start year")}}


def _flow(inst, group: str, key: str, as_of):
    """Where the selected cohorts' trained people went, per cohort start year: the institution's exact figures."""
    cohorts = outcomes.load_cohorts(db.session, institution=inst)
    if group != "institution":
        cohorts = flows.in_group(cohorts, group, key)
    table = flows.by_year(cohorts, as_of, outcomes.capital_region_ids(db.session))
    return flow_figures.view(table, _("Cohort start year"), _("All years"))


def over_time_chart(metrics: dict):
    """Placement (90 and 180 days, drawn at 3 and 6 months) and retention over the checkpoints, with unknowns."""
    def at(name: str):
        return metric_value(metrics[name]) if name in metrics else charts.Value(None, "—")

    placed = {3: "placement_rate_90", 6: "placement_rate_180"}
    series = [
        (_("Placed after completing"), [at(placed[m]) if m in placed else charts.Value(None, "—")
                                        for m in CHECKPOINTS]),
        (_("Still employed"), [at(f"retention_{m}") for m in CHECKPOINTS]),
        (_("Same employer"), [at(f"same_employer_retention_{m}") for m in CHECKPOINTS]),
        (_("Status unknown"), [at(f"unknown_{m}") for m in CHECKPOINTS]),
    ]
    return charts.line_chart(_("Placement and retention over the follow-up checkpoints"),
                             [_("%(m)s months", m=m) for m in CHECKPOINTS], series,
                             desc=_("Placement within 90 and 180 days is drawn at 3 and 6 months; the other lines "
                                    "are shares of the people due at each checkpoint."))


def where_chart(metrics: dict):
    names = [n for n in ("retention_12", "local_retention_12", "capital_outflow_12") if n in metrics]
    return charts.bar_chart(_("Where people work 12 months after their first job"),
                            [(metric_label(n), metric_value(metrics[n])) for n in names], max_value=1.0)

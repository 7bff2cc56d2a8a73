"""How figures read on pages: metric names in words, definitions in the page's language, rates as percentages,
hidden counts as "<5", and the chart values built from them. Shared by the institution, admin and regional pages.
"""
from __future__ import annotations

from datetime import date

from flask import flash, request
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _

from ..services import validation as v
from ..services.errors import ValidationFailed
from ..services.hiring.postings import today_in_korea
from ..services.outcomes import disclosure, regional_stats
from ..services.outcomes import ledger as outcomes
from . import charts

# The regional dashboard's figures, in the order pages list them; the last two are rates.
REGIONAL_FIGURES = ("open_postings", "smes_hiring", "discoverable_seekers", "trainees", "completers", "placements",
                    "local_retention_12", "capital_outflow_12")
REGIONAL_RATES = ("local_retention_12", "capital_outflow_12")


def as_of_from_request() -> date:
    """The `as_of` query parameter, or today in Korea; a date that does not parse is said so and ignored."""
    raw = request.args.get("as_of")
    try:
        return v.clean_date(raw, "as_of") or today_in_korea()
    except ValidationFailed:
        flash(_("The date %(value)s is not a date (YYYY-MM-DD); showing today instead.", value=raw[:20]), "error")
        return today_in_korea()


def locale() -> str:
    return "en" if str(get_locale()).startswith("en") else "ko"


def metric_label(name: str) -> str:
    """A metric's name in words (retention_6 -> "Still employed at 6 months")."""
    family, _sep, months = name.rpartition("_")
    if months.isdigit() and family in _FAMILIES:
        return _FAMILIES[family](months)
    return _LABELS[name]() if name in _LABELS else name


_LABELS = {
    "completion_rate": lambda: _("Completion rate"),
    "placement_rate_90": lambda: _("Placed within 90 days"),
    "placement_rate_180": lambda: _("Placed within 180 days"),
    "in_field_rate": lambda: _("Placed in the trained field"),
    "local_placement_rate": lambda: _("Placed in the cohort's region"),
    "local_retention_12": lambda: _("Working in the region at 12 months"),
    "capital_outflow_12": lambda: _("Working in the capital area at 12 months"),
    "median_wage_krw": lambda: _("Median annual wage (KRW)"),
    "cost_per_local_retained_12": lambda: _("Cost per retained local hire (KRW)"),
    "open_postings": lambda: _("Open AI postings"),
    "smes_hiring": lambda: _("SMEs hiring"),
    "discoverable_seekers": lambda: _("Discoverable seekers"),
    "trainees": lambda: _("Trainees"),
    "completers": lambda: _("Completers"),
    "placements": lambda: _("Placements"),
}
_FAMILIES = {
    "retention": lambda m: _("Still employed at %(m)s months", m=m),
    "same_employer_retention": lambda m: _("With the same employer at %(m)s months", m=m),
    "unknown": lambda m: _("Status unknown at %(m)s months", m=m),
}


def definition(name: str) -> str:
    """The definition to show beside a figure, in the page's language."""
    texts = outcomes.DEFINITIONS.get(name) or regional_stats.DEFINITIONS_BY_LOCALE.get(name) or {}
    return texts.get(locale()) or texts.get("en", "")


def note(name: str) -> str:
    texts = outcomes.NOTES.get(name, {})
    return texts.get(locale()) or texts.get("en", "")


def number(value) -> str:
    """A count or value as the page's language writes it. Whole numbers are grouped by thousands with commas in
    both languages the site speaks (ko, en), written here directly: a report shows hundreds, and Babel's
    formatter looks the locale up and parses its pattern on every call (a sixth of the report page)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—"
    return f"{value:,}" if isinstance(value, int) else format_decimal(value)


def percent(rate) -> str:
    return format_percent(rate, "#,##0.0%") if isinstance(rate, (int, float)) else "—"


def part(metric: dict, name: str) -> str:
    """A count as shown: the number, "<5" when hidden as small, "hidden" when hidden otherwise, "—" when none."""
    shown = disclosure.display(metric, name)
    if shown == disclosure.HIDDEN:
        return hidden_label(False)
    return shown if isinstance(shown, str) else number(shown)


def rate(metric: dict) -> str:
    """A metric's headline: its rate (or, for the median wage, its value); "hidden" when small counts hide it;
    "in training" for a completion rate whose cohorts have not ended yet."""
    if metric.get("in_training") and not metric.get("denominator") and "denominator" not in metric.get(
            "suppressed", ()):
        return _("in training")
    if "value" in metric:
        return _("hidden") if "value" in metric.get("suppressed", ()) else number(metric.get("value"))
    if "rate" in metric.get("suppressed", ()):
        return _("hidden")
    return percent(metric.get("rate"))


def answers(metric: dict) -> str:
    """Beside a retention figure, how many of its due people answered and how many answers were verified:
    "answered 9 of 11, 7 verified by employers" ("" for other figures)."""
    if "answered" not in metric or metric.get("denominator") is None and not metric.get("suppressed"):
        return ""
    return _("answered %(answered)s of %(due)s, %(verified)s verified by employers or insurance records",
             answered=part(metric, "answered"), due=part(metric, "denominator"), verified=part(metric, "verified"))


def metric_value(metric: dict) -> charts.Value:
    return charts.Value(metric.get("rate"), rate(metric))


# ---- the regional dashboard's rows (services.regional_stats), figure by figure -----------------------------------

def regional_value(row: dict, name: str) -> charts.Value:
    """One region's figure as a chart value: counts as numbers, rates as percentages, "<5" when hidden."""
    hidden = row.get("suppressed", ())
    if name in REGIONAL_RATES:
        metric = row[name]
        parts = [entry for entry in hidden if entry.startswith(f"{name}.") and not entry.endswith((".answered",
                                                                                                   ".verified"))]
        if parts:
            small = all(entry in row.get("small", ()) for entry in parts)
            return charts.Value(None, hidden_label(small))
        return charts.Value(metric.get("rate"), percent(metric.get("rate")))
    if name in hidden:
        return charts.Value(None, hidden_label(name in row.get("small", ())))
    return charts.Value(row.get(name), number(row.get(name)))


def regional_part(row: dict, name: str, part: str) -> str:
    """A rate's count in a regional row: the number, "<5" when hidden as small, "hidden" when hidden otherwise."""
    entry = f"{name}.{part}"
    if entry in row.get("suppressed", ()):
        return hidden_label(entry in row.get("small", ()))
    return number(row[name].get(part))


def hidden_label(small: bool) -> str:
    """"<5" for a count hidden because it is small; "hidden" for one hidden because a small one could be worked
    out from it (it is not small, and saying "<5" would be wrong)."""
    return "<%d" % disclosure.THRESHOLD if small else _("hidden")


def regional_answers(row: dict, name: str) -> str:
    """Beside a regional retention rate, who answered and how many answers were verified (see `answers`)."""
    return _("answered %(answered)s of %(due)s, %(verified)s verified by employers or insurance records",
             answered=regional_part(row, name, "answered"), due=regional_part(row, name, "denominator"),
             verified=regional_part(row, name, "verified"))


def region_name(row_or_region) -> str:
    english = locale() == "en"
    if isinstance(row_or_region, dict):
        return row_or_region["name_en"] if english else row_or_region["name_ko"]
    return row_or_region.name_en if english else row_or_region.name_ko


def install(state) -> None:
    """Make the helpers Jinja globals (`bp.record_once(install)`), so imported macros can call them too."""
    state.app.jinja_env.globals.update(template_helpers())


def template_helpers() -> dict:
    """What the figure templates call."""
    return {"metric_label": metric_label, "metric_definition": definition, "metric_note": note, "fig_number": number,
            "fig_percent": percent, "fig_part": part, "fig_rate": rate, "fig_answers": answers,
            "regional_value": regional_value,
            "regional_part": regional_part, "regional_answers": regional_answers, "regional_rates": REGIONAL_RATES,
            "region_label": region_name}

"""How the flows of trained people read on pages (services.outcomes.flows): category and stage names, cells as
numbers or "<5", and the flow chart with its table. Shared by the institution's report, the programme office's
region page and the public regional page."""
from __future__ import annotations

from flask_babel import gettext as _

from ..services.outcomes import flows
from ..services.outcomes.flows import CATEGORIES, HIDDEN, SMALL, STAGES, TOTAL
from . import charts
from .figures import hidden_label, locale, number


def stage_label(stage: str) -> str:
    return {"placement": _("At first placement"), "month_12": _("At 12 months")}[stage]


def category_label(category: str) -> str:
    return {"stayed": _("Stayed in the region"), "capital": _("Moved to the capital area"),
            "elsewhere": _("Another region"), "not_employed": _("Not employed"), "unknown": _("Unknown"),
            TOTAL: _("Total")}[category]


def cell_text(table: flows.FlowTable, row: flows.Flow, stage: str, category: str) -> str:
    value = table.cell(row, stage, category)
    if value in (SMALL, HIDDEN):
        return hidden_label(value == SMALL)
    return number(value)


def chart_value(table: flows.FlowTable, row: flows.Flow, stage: str, category: str) -> charts.Value:
    value = table.cell(row, stage, category)
    return charts.Value(value if isinstance(value, int) else None, cell_text(table, row, stage, category))


def flow_chart(table: flows.FlowTable):
    """The total row as a flow chart; bands only for exact figures (suppressed bands would tell hidden counts)."""
    row = table.total
    columns = tuple([(category_label(c), chart_value(table, row, stage, c)) for c in CATEGORIES] for stage in STAGES)
    moves = None
    if table.shown is None:
        index = {category: i for i, category in enumerate(CATEGORIES)}
        moves = {(index[a], index[b]): people for (a, b), people in row.moves.items()}
    return charts.flow_chart(_("Where trained people go"), (stage_label("placement"), stage_label("month_12")),
                             columns, moves, desc=definition())


def definition() -> str:
    return flows.DEFINITIONS.get(locale()) or flows.DEFINITIONS["en"]


def view(table: flows.FlowTable, row_title: str, total_label: str) -> dict:
    """What templates/macros/flows.html draws: the table, its chart and the words around them (the table may be
    memoised: it is only read)."""
    return {"table": table, "chart": flow_chart(table), "row_title": row_title, "total_label": total_label,
            "definition": definition(),
            "stages": STAGES, "categories": (*CATEGORIES, TOTAL), "exact": table.shown is None,
            "cell": cell_text, "stage_label": stage_label, "category_label": category_label}

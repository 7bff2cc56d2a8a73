"""Disclosure control: what anyone but the institution itself may see of its outcome figures.

The institution sees its own exact figures. Everything shown to anyone else (admin and public regional pages,
exports for others, `flask outcomes --public`) goes through this module first. The rule, with k the
SUPPRESSION_THRESHOLD (5):

1. Primary suppression: a numerator or denominator below k, zero included, is hidden (null in JSON, "<5" on a
   page): "none of the 12 stayed" tells about each of the 12 as surely as "1 of 12" tells about one. A hidden
   numerator or denominator hides the rate, and a hidden count hides the median it belongs to.
2. Complementary suppression, for tables whose rows add up to a total row (cohorts of an institution, institutions
   of a region): in each column (one metric's numerators, or its denominators) a hidden cell could be worked out
   as the total minus the shown cells. So while exactly one cell of a column is hidden, or the hidden cells add up
   to less than k, the smallest shown cell of the column is hidden too. A count hidden in one metric of a
   row is hidden wherever the same number appears in that row (completers are completion_rate's numerator and
   placement_rate_90's denominator), and the columns are checked again until nothing changes.
3. Within one checkpoint m, shown counts never fix a hidden one. Its numerators all count some of its due people
   (the denominator): retained; inside retained, same employer, local and capital outflow (local and outflow are
   never the same person); and unknown, never retained. So a hidden count lies between the largest shown count
   inside it (local plus outflow together) and its container less the shown counts beside it (due less unknown
   for retained, due less retained for unknown, retained less outflow for local). Where those bounds meet ("<5 of
   11 retained" beside "11 of 11 unknown" says 0), the shown count that closes them is hidden: the one beside it
   (unknown for retained and back, outflow for local and back), else the one inside it, until none meet.
   This is enough: inclusion and these disjoint pairs are the only relations between a checkpoint's counts, and
   each container also holds people no figure counts (not employed, another employer, working elsewhere), so
   bounds that do not meet leave at least two possible counts. Bounds that narrow are allowed, as any shown
   figure tells its complement (18 of 20 retained tells that 2 were not; 12 of 12 completers is shown). Other
   counts (trainees, completers, placed within 90 and 180 days, placed, in field, local, wages, the due people of
   later checkpoints) only nest: within one set of figures a hidden count is below k, so no shown count lies
   inside it; in a table a shown count inside it that fixes it is the same number, which rule 2 hides.
4. One table for every public view of an institution: its total and any one cohort are rows of the same table
   (cohorts, with the institution as total) after rules 1 to 3, so no two public views differ by a hidden cohort
   (`public_outcomes`).
5. A null that means "not applicable" (capital_outflow_12 of a capital-area cohort) is not a count and stays null.
   The cost per retained local hire counts people once, as its denominator (local_retained_12): hidden, it hides
   the whole figure (budget, count and value), since budget / value would give the count back.
6. The retention metrics' `answered` and `verified` are counts like the others (rules 1 and 2). Of the people due
   at checkpoint m, those answered are exactly the ones not unknown, so `answered` and unknown_m's numerator are
   hidden together, and with the due count (due = answered + unknown). `verified` lies inside `answered`: while
   `answered` is hidden, a shown `verified` equal to the due count would pin it, and is hidden too.

7. A count hidden by rule 1 is labelled "<5" (`small`); any other hidden count is 5 or more and reads HIDDEN,
   never "<5" (saying "<5" of a 12 would be wrong, and an outsider who knows the rules learns the same either way).

Rules 1 and 3 protect one set of figures (`suppress_metrics`); rule 2 is what `suppress_table` adds. Across the
public releases of several dates, services.releases adds what no single table can see.
"""
from __future__ import annotations

import copy

from ...config import Defaults
from .ledger import OutcomeReport, OutcomeTable
from .ledger import report as outcome_report
from .ledger import table as outcome_table

PARTS = ("numerator", "denominator")            # the parts a rate is made of: hiding one hides the rate
COUNTS = PARTS + ("answered", "verified")      # every count a metric may carry
THRESHOLD = Defaults.SUPPRESSION_THRESHOLD
HIDDEN = "hidden"   # how a count hidden to protect another one reads: it is not below the threshold


def suppress_metrics(metrics: dict[str, dict], threshold: int = THRESHOLD) -> dict[str, dict]:
    """A copy of one set of figures ({name: {numerator, denominator, rate}}) with small counts hidden (rules 1, 3).

    Each metric gains "suppressed": the parts hidden (empty when nothing was), so a page can tell "<5" from
    "not applicable".
    """
    shown = {name: hide(dict(metric), [part for part in COUNTS if _small(metric, part, threshold)], small=True)
             for name, metric in metrics.items()}
    _protect_checkpoints(metrics, shown)
    return shown


def suppress_table(rows: list[dict[str, dict]], total: dict[str, dict] | None, keys=None,
                   threshold: int = THRESHOLD) -> tuple[list[dict[str, dict]], dict[str, dict] | None]:
    """Copies of a table's rows and total with primary and complementary suppression applied.

    `rows` and `total` are sets of figures as `outcomes.compute` returns them; the rows must add up to the total.
    `keys` names the metrics to protect (default: every metric of the total). Without a total only rule 1 applies.
    """
    shown_rows = [suppress_metrics(row, threshold) for row in rows]
    shown_total = suppress_metrics(total, threshold) if total is not None else None
    if total is None:
        return shown_rows, None
    columns = [(name, part) for name in (keys or total.keys()) for part in COUNTS]
    changed = True
    while changed:
        changed = False
        for name, part in columns:
            changed |= _protect_column(rows, shown_rows, total, name, part, threshold)
        for raw, shown in zip(rows, shown_rows):
            changed |= _hide_same_numbers(raw, shown)
            changed |= _protect_checkpoints(raw, shown)
    return shown_rows, shown_total


def public_outcomes(session, institution, cohort, as_of, threshold: int = THRESHOLD) -> OutcomeReport:
    """The institution's figures, or one of its cohorts', as others may see them (rule 4).

    Both are cut from the institution's public table of cohorts, so that a cohort hidden there cannot be worked out
    as the institution less its other cohorts' public figures.
    """
    if cohort is not None and cohort.institution_id != institution.id:
        return public_report(outcome_report(session, as_of, institution=institution, cohort=cohort), threshold)
    table = public_table(outcome_table(session, "cohort", as_of, institution=institution), threshold)
    if cohort is None:
        return table.total
    return next(row for row in table.rows if row.key == cohort.code)


def public_report(report: OutcomeReport, threshold: int = THRESHOLD) -> OutcomeReport:
    """One set of figures as others may see it, when no other public figures overlap it.

    An institution's or a cohort's figures overlap each other: show them through `public_outcomes`.
    """
    return _with_metrics(report, suppress_metrics(report.metrics, threshold))


def public_table(table: OutcomeTable, threshold: int = THRESHOLD) -> OutcomeTable:
    """A table of groups and its total as others may see it."""
    rows, total = suppress_table([row.metrics for row in table.rows],
                                 table.total.metrics if table.total else None, threshold=threshold)
    public = copy.copy(table)
    public.rows = [_with_metrics(row, metrics) for row, metrics in zip(table.rows, rows)]
    public.total = _with_metrics(table.total, total) if table.total else None
    return public


def display(metric: dict, part: str, threshold: int = THRESHOLD):
    """What a page shows for one part: the number; "<5" when hidden as small, HIDDEN when hidden because a small
    count could be worked out from it; None when not applicable or empty."""
    if part == "local_retained_12" and "budget_krw" in metric:    # the cost's count is its denominator
        part = "denominator"
    if part in metric.get("suppressed", ()):
        if part not in COUNTS:
            return None
        return f"<{threshold}" if part in metric.get("small", ()) else HIDDEN
    return metric.get(part)


def _with_metrics(report: OutcomeReport, metrics: dict) -> OutcomeReport:
    shown = copy.copy(report)
    shown.metrics = metrics
    return shown


def _count(metric: dict, part: str):
    value = metric.get(part)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _small(metric: dict, part: str, threshold: int) -> bool:
    value = _count(metric, part)
    return value is not None and value < threshold


def hide(metric: dict, parts, small: bool = False) -> dict:
    """Hide these parts of one shown metric (in place, with the rate they make); `small` says they are below
    the threshold, which is what "<5" tells: anything else hidden reads "hidden", since it is not small."""
    if small and parts:
        metric["small"] = sorted(set(metric.get("small", ())) | set(parts))
    hidden = set(metric.get("suppressed", ())) | set(parts)
    for part in parts:
        metric[part] = None
    if hidden & set(PARTS):
        metric["rate"] = None
        hidden.add("rate")
        if "value" in metric and "denominator" in hidden:
            metric["value"] = None
            hidden.add("value")
        if "budget_krw" in metric and "denominator" in hidden:   # the cost: its budget and count go with it
            metric["budget_krw"] = metric["local_retained_12"] = None
            hidden |= {"budget_krw", "local_retained_12"}
    metric["suppressed"] = sorted(hidden)
    return metric


def _is_hidden(shown_row: dict, name: str, part: str) -> bool:
    return part in shown_row.get(name, {}).get("suppressed", ())


def _protect_column(rows, shown_rows, total, name, part, threshold) -> bool:
    """Rule 2 for one column; True when it hid something."""
    total_count = _count(total.get(name, {}), part)
    if total_count is None or total_count < threshold:
        return False
    cells = [(_count(row.get(name, {}), part), index) for index, row in enumerate(rows)]
    cells = [(value, index) for value, index in cells if value is not None]
    hidden = [(value, index) for value, index in cells if _is_hidden(shown_rows[index], name, part)]
    changed = False
    while hidden and (len(hidden) == 1 or sum(value for value, _ in hidden) < threshold):
        shown = [cell for cell in cells if cell not in hidden]
        if not shown:
            break
        value, index = min(shown)
        hide(shown_rows[index][name], [part])
        hidden.append((value, index))
        changed = True
    return changed


def _hide_same_numbers(raw: dict, shown: dict) -> bool:
    """Hide every count in a row equal to a count hidden elsewhere in it: it may be the same quantity."""
    hidden_values = {_count(raw[name], part) for name in raw for part in COUNTS if _is_hidden(shown, name, part)}
    hidden_values.discard(None)
    changed = False
    for name in raw:
        for part in COUNTS:
            if _count(raw[name], part) in hidden_values and not _is_hidden(shown, name, part):
                hide(shown[name], [part])
                changed = True
    return changed


def _protect_checkpoints(raw: dict, shown: dict) -> bool:
    """Rule 3 for one set of figures; True when it hid something."""
    changed = False
    for m in [name.removeprefix("retention_") for name in raw if name.startswith("retention_")]:
        while True:
            step = _hide_answered_with_unknown(raw, shown, m) | _hide_what_fills_answered(raw, shown, m)
            if (closing := _closing_count(raw, shown, m)) is not None:
                hide(shown[closing], ["numerator"])
                step = True
            if not step:
                break
            changed = True
    return changed


def _due_family(raw: dict, m: str) -> list[str]:
    """The metrics of checkpoint m whose denominator is everyone due at m (capital outflow counts fewer)."""
    return [name for name in (f"retention_{m}", f"same_employer_retention_{m}", f"local_retention_{m}")
            if name in raw and "answered" in raw[name]]


def _hide_answered_with_unknown(raw: dict, shown: dict, m: str) -> bool:
    """Rule 6: answered and unknown are complements within the due; hide them, and every copy, together."""
    family, unknown = _due_family(raw, m), f"unknown_{m}"
    if not family or unknown not in raw:
        return False
    changed = False
    for part in ("answered", "verified"):
        if any(_is_hidden(shown, name, part) for name in family):
            for name in family:
                if not _is_hidden(shown, name, part):
                    hide(shown[name], [part])
                    changed = True
    hidden = (_is_hidden(shown, unknown, "numerator") or _is_hidden(shown, family[0], "answered")
              or _is_hidden(shown, family[0], "denominator"))
    if hidden:
        for name in family:
            if not _is_hidden(shown, name, "answered"):
                hide(shown[name], ["answered"])
                changed = True
        if not _is_hidden(shown, unknown, "numerator"):
            hide(shown[unknown], ["numerator"])
            changed = True
    return changed


def _hide_what_fills_answered(raw: dict, shown: dict, m: str) -> bool:
    """Rule 6: a hidden `answered` lies between what is inside it (the employed, the verified) and the due; a shown
    count inside it that equals the due pins it, and is hidden."""
    changed = False
    for name in [n for n in raw if n.endswith(f"_{m}") and "answered" in raw[n]]:
        due = _count(raw[name], "denominator")
        if not _is_hidden(shown, name, "answered") or _is_hidden(shown, name, "denominator") or not due:
            continue
        for part in ("numerator", "verified"):
            if not _is_hidden(shown, name, part) and _count(raw[name], part) == due:
                hide(shown[name], [part])
                changed = True
    return changed


def _closing_count(raw: dict, shown: dict, m: str) -> str | None:
    """The shown numerator of checkpoint m that pins a hidden one of it, or None while every hidden one has room."""
    retained, unknown, local, outflow = f"retention_{m}", f"unknown_{m}", f"local_retention_{m}", f"capital_outflow_{m}"
    due = None if _is_hidden(shown, retained, "denominator") else _count(raw[retained], "denominator")
    if due is None or unknown not in raw:
        return None

    def value(name):
        """The shown numerator; None when hidden, not applicable or not computed."""
        return None if name not in raw or _is_hidden(shown, name, "numerator") else _count(raw[name], "numerator")

    def hidden(name) -> bool:
        return name in raw and _is_hidden(shown, name, "numerator")

    inside = [(value(name), name) for name in (f"same_employer_retention_{m}", local, outflow)
              if value(name) is not None]
    if value(local) is not None and value(outflow) is not None:   # different people: together a lower bound
        inside.append((value(local) + value(outflow), min((value(local), local), (value(outflow), outflow))[1]))
    lowest, largest_inside = max(inside, default=(0, None))
    fewest = value(retained) if value(retained) is not None else lowest
    most = value(retained) if value(retained) is not None else due - (value(unknown) or 0)
    if hidden(retained) and fewest == most:
        return unknown if value(unknown) is not None else largest_inside
    if hidden(unknown) and fewest == due:
        return retained if value(retained) is not None else largest_inside
    for name, beside in ((local, outflow), (outflow, local)):
        if hidden(name) and value(beside) is not None and value(beside) == most:
            return beside
    return None


def institution_outcomes_json(session, institution, cohort, as_of, *, public: bool, threshold: int) -> dict:
    """The outcomes document shared by `flask outcomes --json` and GET /api/v1/outcomes: exact, or suppressed."""
    if public:
        report = public_outcomes(session, institution, cohort, as_of, threshold)
    else:
        report = outcome_report(session, as_of, institution=institution, cohort=cohort)
    return {"institution": institution.slug, "cohort": cohort.code if cohort else None, "as_of": as_of.isoformat(),
            "public": public, "metrics": report.metrics, "unknowns": report.unknowns}

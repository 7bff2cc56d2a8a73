"""Public releases: the regional figures everyone may see, published at fixed reporting dates (quarter ends) and
checked against each other, so that no pair of dates or views gives a hidden count away.

A public page asked for any date shows the release of the last reporting date on or before it. The releases form
a chain from the first reporting date that any cohort reaches: each is suppressed as a table on its own
(services.disclosure: the regions adding up to the country, each region's institutions adding up to the region,
the region's cells hidden in either view hidden in both), then checked with every earlier release by
services.intervals. The outsider's knowledge is modelled in full: rows add up to totals, counts lie inside others,
counts from the outcome ledger only grow from one reporting date to the next (placements too; open postings only
shrink, discoverable seekers do not change with the date), "<5" means 0 to 4 and "hidden" 5 or more. While a
hidden count is given away, one more count of the newest release is hidden: the same count when the giveaway
comes from an earlier date, else the smallest shown count related to it.

`publish` stores each release once its quarter end has passed (PublicRelease, daily from cron): a stored release
never changes, so a later correction of the records cannot be read off as the difference of two views of the same
date, and every later release is checked against what was published. A quarter not stored yet is computed after
the stored ones (memoised for a while), as it would be published; pages never write.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from ...models import Company, Placement, Posting, PublicRelease, Region, SeekerProfile
from .. import figure_cache
from ..hiring.postings import open_filter
from . import disclosure
from . import ledger as outcomes
from .intervals import Knowledge

REPORTING_MONTHS = (3, 6, 9, 12)
# Counts of what is on the platform, by the region they belong to (a posting's, a seeker's home, a job's).
COUNTS = ("open_postings", "smes_hiring", "discoverable_seekers", "placements")
LARGE_COMPANY_SIZE = "300+"  # Company.size; 300 people and more is not an SME (중소기업)
# The ledger's figures a public release shows: the regional table's and the region pages' institution tables'.
PUBLIC_METRICS = ("completion_rate", "placement_rate_180", "retention_12", "local_retention_12",
                  "capital_outflow_12", "unknown_12")
# Every shown count as one quantity per row: (metric, part) -> its name. The same quantity may appear twice.
QUANTITIES = {
    ("completion_rate", "denominator"): "trainees", ("completion_rate", "numerator"): "completers",
    ("placement_rate_180", "denominator"): "completers", ("placement_rate_180", "numerator"): "placed_180",
    ("retention_12", "denominator"): "due", ("local_retention_12", "denominator"): "due",
    ("unknown_12", "denominator"): "due", ("retention_12", "numerator"): "retained",
    ("unknown_12", "numerator"): "unknown", ("local_retention_12", "numerator"): "local",
    ("retention_12", "answered"): "answered", ("local_retention_12", "answered"): "answered",
    ("retention_12", "verified"): "verified", ("local_retention_12", "verified"): "verified",
    ("capital_outflow_12", "denominator"): "outflow_due", ("capital_outflow_12", "numerator"): "outflow",
    ("capital_outflow_12", "answered"): "outflow_answered", ("capital_outflow_12", "verified"): "outflow_verified",
}
GROWING = {"trainees", "completers", "placed_180", "due", "retained", "local", "answered", "verified",
           "outflow_due", "outflow", "outflow_answered", "outflow_verified", "placements"}
SHRINKING = {"open_postings", "smes_hiring"}      # open at the date: a later date has fewer
CONSTANT = {"discoverable_seekers"}               # today's count, whatever the date


def reporting_date(day: date) -> date:
    """The last quarter end on or before `day`."""
    end = _month_end(day.year, ((day.month - 1) // 3 + 1) * 3)
    if day >= end:
        return end
    month = ((day.month - 1) // 3) * 3
    return _month_end(day.year, month) if month else date(day.year - 1, 12, 31)


def reporting_dates(first: date, last: date) -> list[date]:
    """Every reporting date from the one on or after `first` to `last` (itself a reporting date)."""
    dates, day = [], reporting_date(first)
    day = day if day >= first else _month_end(*_next_quarter(day))
    while day <= last:
        dates.append(day)
        day = _month_end(*_next_quarter(day))
    return dates or [last]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_quarter(day: date) -> tuple[int, int]:
    return (day.year + 1, 3) if day.month == 12 else (day.year, day.month + 3)


@dataclass
class Row:
    """One row of a public table: its raw figures and what is shown of them (the same keys)."""

    key: tuple
    label: str
    raw: dict
    shown: dict


@dataclass
class Release:
    """The public figures at one reporting date: the regions and the country, and each region's institutions
    (whose total is the region's own row: one set of shown figures for both views)."""

    as_of: date
    threshold: int
    national: Row
    regions: list[Row]
    institutions: dict[str, list[Row]]    # region slug -> its institutions' rows


def release(session: Session, as_of: date, threshold: int = disclosure.THRESHOLD) -> Release:
    """The release a page asked for `as_of` shows: the one of the last reporting date on or before it, as
    published (stored by `publish`), or else as it would be published now, after those that were."""
    last = reporting_date(as_of)
    return figure_cache.cached(session, ("public_release", last, threshold),
                               lambda: _release(session, last, threshold))


def publish(session: Session, today: date, threshold: int = disclosure.THRESHOLD) -> list[date]:
    """Store every release due by `today` that is not stored yet (the caller commits); their dates. Run daily:
    a quarter end's release is written once it has passed, and never changes afterwards."""
    last = reporting_date(today)
    stored = _stored(session, threshold, last)
    chain = _chain(session, last, threshold, stored)
    for current in chain[len(stored):]:
        session.add(PublicRelease(as_of=current.as_of, threshold=threshold, body=_body(current)))
    session.flush()
    return [current.as_of for current in chain[len(stored):]]


def _release(session: Session, last: date, threshold: int) -> Release:
    stored = _stored(session, threshold, last)
    if stored and stored[-1].as_of == last:
        return stored[-1]
    return _chain(session, last, threshold, stored)[-1]


def institutions_table(published: Release, slug: str) -> outcomes.OutcomeTable:
    """A region's institutions as a table of reports whose total is the region's own published row (its outcome
    figures, the ones the institutions' rows have)."""
    region = next(row for row in published.regions if row.key[1] == slug)
    rows = [outcomes.OutcomeReport("institution", row.key[2], row.label, published.as_of, row.shown)
            for row in published.institutions[slug]]
    total = outcomes.OutcomeReport("region", slug, region.label, published.as_of,
                                   {name: region.shown[name] for name in PUBLIC_METRICS})
    return outcomes.OutcomeTable("institution", published.as_of, rows, total)


def programme_costs(session: Session, published: Release, region: Region) -> outcomes.OutcomeTable:
    """The cost per retained local hire of each funding programme trained in the region (its cohorts there) as of
    the release's date, for the region's office: suppressed as a table whose total is the region's published cost.
    Rows are funding programmes (what an office funds), not the institutions' own course names, which stay theirs.
    While the region's local retention is hidden in the release, so is every row's cost: their counts add up to a
    lower bound of it."""
    cohorts = outcomes.load_cohorts(session, region=region)
    capital = outcomes.capital_region_ids(session)
    groups: dict[str, list] = {}
    for cohort in cohorts:
        groups.setdefault(cohort.funding_programme, []).append(cohort)
    rows = [outcomes.OutcomeReport("funding_programme", key, key, published.as_of,
                                   outcomes.compute(members, published.as_of, capital), len(members))
            for key, members in sorted(groups.items())]
    total = outcomes.OutcomeReport("region", region.slug, region.name_ko, published.as_of,
                                   outcomes.compute(cohorts, published.as_of, capital), len(cohorts))
    table = disclosure.public_table(outcomes.OutcomeTable("funding_programme", published.as_of, rows, total),
                                    published.threshold)
    row = next(row for row in published.regions if row.key[1] == region.slug)
    local = row.shown["local_retention_12"].get("suppressed", ())
    for report in table.rows:
        if "numerator" in local or "denominator" in local:
            disclosure.hide(report.metrics[outcomes.COST], ["denominator"])
    published_cost = row.shown.get(outcomes.COST)
    table.total.metrics = {**table.total.metrics, outcomes.COST: published_cost or disclosure.hide(
        dict(table.total.metrics[outcomes.COST]), ["denominator"])}
    return table


def _chain(session: Session, last: date, threshold: int, stored: list[Release]) -> list[Release]:
    """The stored releases, then one per reporting date after them up to `last`, each checked against all before."""
    cohorts = outcomes.load_cohorts(session)
    regions = list(session.scalars(select(Region).order_by(Region.admin_code)))
    capital = outcomes.capital_region_ids(session)
    audit = _Audit()
    for published in stored:
        audit.add(published)
    if stored:
        days = [day for day in reporting_dates(stored[-1].as_of, last) if day > stored[-1].as_of]
    else:
        first = min((cohort.end_date for cohort in cohorts), default=last)
        days = reporting_dates(min(first, last), last)
    chain = list(stored)
    for day in days:
        current = _suppressed(_raw_release(session, day, threshold, regions, cohorts, capital))
        audit.add(current)
        _protect_across(audit, current)
        _clear_costs(current)
        chain.append(current)
    return chain


def _stored(session: Session, threshold: int, last: date) -> list[Release]:
    rows = session.scalars(select(PublicRelease).where(PublicRelease.threshold == threshold,
                                                       PublicRelease.as_of <= last).order_by(PublicRelease.as_of))
    return [_from_body(row.as_of, threshold, row.body) for row in rows]


def _body(current: Release) -> dict:
    def row(r: Row) -> dict:
        return {"key": list(r.key), "label": r.label, "raw": r.raw, "shown": r.shown}

    return {"national": row(current.national), "regions": [row(r) for r in current.regions],
            "institutions": {slug: [row(r) for r in rows] for slug, rows in current.institutions.items()}}


def _from_body(as_of: date, threshold: int, body: dict) -> Release:
    def row(data: dict) -> Row:
        return Row(tuple(data["key"]), data["label"], data["raw"], data["shown"])

    return Release(as_of, threshold, row(body["national"]), [row(r) for r in body["regions"]],
                   {slug: [row(r) for r in rows] for slug, rows in body["institutions"].items()})


def _raw_release(session, day, threshold, regions, cohorts, capital) -> Release:
    counts = _counts(session, day)
    national = {**_public(outcomes.compute(cohorts, day, capital)),
                **{name: _count(sum(counts[name].values())) for name in COUNTS}}
    rows, institutions = [], {}
    for region in regions:
        own = [cohort for cohort in cohorts if cohort.region_id == region.id]
        metrics = outcomes.compute(own, day, capital)
        figures = {**_public(metrics), **{name: _count(counts[name].get(region.id, 0)) for name in COUNTS}}
        if outcomes.COST in metrics:
            figures[outcomes.COST] = metrics[outcomes.COST]
        rows.append(Row(("region", region.slug), region.name_ko, figures, {}))
        by_institution: dict[str, list] = {}
        for cohort in own:
            by_institution.setdefault(cohort.institution_slug, []).append(cohort)
        institutions[region.slug] = [
            Row(("institution", region.slug, slug), members[0].institution_name,
                _public(outcomes.compute(members, day, capital)), {})
            for slug, members in sorted(by_institution.items())]
    return Release(day, threshold, Row(("national",), "전국", national, {}), rows, institutions)


def _suppressed(current: Release) -> Release:
    """Each table suppressed on its own; a region's row is one object in both of its tables."""
    k = current.threshold
    shown, national = disclosure.suppress_table([row.raw for row in current.regions], current.national.raw,
                                                threshold=k)
    current.national.shown = national
    for row, figures in zip(current.regions, shown):
        row.shown = figures
    for region in current.regions:
        members = current.institutions[region.key[1]]
        ledger = {name: region.raw[name] for name in PUBLIC_METRICS}
        shown_rows, shown_total = disclosure.suppress_table([row.raw for row in members], ledger, threshold=k)
        for row, figures in zip(members, shown_rows):
            row.shown = figures
        for name in PUBLIC_METRICS:     # hidden in either table: hidden in both
            hidden = set(shown_total[name].get("suppressed", ())) - set(region.shown[name].get("suppressed", ()))
            parts = [part for part in hidden if part in disclosure.COUNTS]
            if parts:
                disclosure.hide(region.shown[name], parts, small=_all_small(region.raw[name], parts, k))
    return current


def _clear_costs(current: Release) -> None:
    """A region's cost per retained local hire is shown only while every count it rests on is: its own count
    (primary suppression has hidden it below the threshold) and the region's local retention, numerator and
    denominator. Its count lies inside the shown local count, which says more about the region's other counts, so
    it needs no place in the audit; it is hidden whole (budget / value gives the count back)."""
    for row in current.regions:
        cost = row.shown.get(outcomes.COST)
        local = row.shown["local_retention_12"].get("suppressed", ())
        if cost is not None and "denominator" not in cost.get("suppressed", ()) and (
                "numerator" in local or "denominator" in local):
            disclosure.hide(cost, ["denominator"])


def _protect_across(audit: "_Audit", current: Release) -> None:
    """Hide more of `current` until no hidden count of it or of an earlier release can be worked out."""
    settled: set = set()   # counts of the threshold or more worked out with all around them hidden already
    while given_away := [key for key in audit.given_away() if key not in settled]:
        targets = {key: audit.to_hide(key) for key in given_away}
        settled |= {key for key, target in targets.items() if target is None}
        for key in dict.fromkeys(target for target in targets.values() if target is not None):
            audit.hide(key)


@dataclass
class _Cell:
    """One quantity of one row at one date, with every (metric, part) it is shown as."""

    raw: int
    places: list          # (shown metrics dict, metric name, part)
    hidden: bool


class _Audit:
    """What the releases published so far tell an outsider (services.intervals), kept from one release to the
    next: earlier releases are final, so their solved bounds are the start of the next solve."""

    def __init__(self):
        self.knowledge = Knowledge()
        self.cells: dict = {}
        self.newest = -1
        self.threshold = disclosure.THRESHOLD
        self.solved = None     # the Solution of the releases before the newest
        self.fresh: set = set()
        self.neighbours: dict = {}   # the newest release's counts -> those in a relation with them

    def add(self, current: Release) -> None:
        """Declare the newest release's counts and every relation they are in."""
        if self.fresh:   # the previous release is final: its solution is where the next solve starts
            self.solved = self.knowledge.solve(self.solved, self.fresh)
        self.newest += 1
        t, self.threshold = self.newest, current.threshold
        every_row = [current.national, *current.regions,
                     *(row for rows in current.institutions.values() for row in rows)]
        mine: dict = {}
        for row in every_row:
            for (name, part), quantity in _quantities(row.raw):
                key = (t, row.key, quantity)
                cell = mine.get(key) or mine.setdefault(key, _Cell(row.raw[name][part], [], True))
                cell.places.append((row.shown, name, part))
                cell.hidden &= part in row.shown[name].get("suppressed", ())
        self.cells.update(mine)
        for key in mine:
            self._declare(key)
        for row in every_row:
            _relate_inside(self.knowledge, t, row.key)
        for quantity in {key[2] for key in mine}:
            self._sum(t, ("national",), [row.key for row in current.regions], quantity)
            for region in current.regions:
                self._sum(t, region.key, [row.key for row in current.institutions[region.key[1]]], quantity)
        for (_, row_key, quantity) in mine:
            before, now = (t - 1, row_key, quantity), (t, row_key, quantity)
            if before in self.cells:
                if quantity in GROWING or quantity in CONSTANT:
                    self.knowledge.order(before, now)
                if quantity in SHRINKING or quantity in CONSTANT:
                    self.knowledge.order(now, before)
        self.fresh = set(mine)
        self.neighbours = self._neighbours()

    def given_away(self) -> list:
        """Hidden counts, of any release so far, whose interval closes on one value."""
        solution = self.knowledge.solve(self.solved, self.fresh)
        return solution.given_away([key for key, cell in self.cells.items() if cell.hidden])

    def _neighbours(self) -> dict:
        """For each count of the newest release, the counts of it in the same relation."""
        found: dict = {}
        keys = list(self.knowledge.number)
        for whole, parts in self.knowledge.equations:
            if keys[whole][0] != self.newest:
                continue
            members = [keys[n] for n in (whole, *parts) if keys[n] in self.cells]
            for key in members:
                found.setdefault(key, set()).update(members)
        return found

    def to_hide(self, given_away: tuple) -> tuple | None:
        """The shown count of the newest release to hide so that `given_away` has room again: the same count when
        an earlier release gave it away, else the smallest shown count among the nearest ones related to it."""
        t, row_key, quantity = given_away
        same = (self.newest, row_key, quantity)
        if t < self.newest and same in self.cells and not self.cells[same].hidden:
            return same
        seen, layer = {same}, [same]
        while layer:
            following = {key for current in layer for key in self.neighbours.get(current, ()) if key not in seen}
            shown = sorted((self.cells[key].raw, repr(key), key) for key in following if not self.cells[key].hidden)
            if shown:
                return shown[0][2]
            seen |= following
            layer = list(following)
        if given_away in self.cells and self.cells[given_away].raw >= self.threshold:
            # Everything around it is hidden already, and what gives it away is its own "hidden" label (the count
            # is the threshold or more) with an earlier release's bound: nothing small is at stake, so it is left
            # known (None). A small count that cannot be protected is still an error.
            return None
        raise RuntimeError(f"no shown count left to protect {given_away!r}")

    def hide(self, key: tuple) -> None:
        cell = self.cells[key]
        for shown, name, part in cell.places:
            disclosure.hide(shown[name], [part], small=cell.raw < self.threshold)
        cell.hidden = True
        self._declare(key)

    def _declare(self, key: tuple) -> None:
        cell, k = self.cells[key], self.threshold
        if not cell.hidden:
            self.knowledge.shown(key, cell.raw)
        elif cell.raw < k:
            self.knowledge.hidden(key, 0, k - 1)
        else:
            self.knowledge.hidden(key, k)

    def _sum(self, t: int, whole: tuple, parts: list, quantity: str) -> None:
        members = [(t, part, quantity) for part in parts if (t, part, quantity) in self.cells]
        if (t, whole, quantity) in self.cells and members:
            self.knowledge.total((t, whole, quantity), members)


def _quantities(raw: dict):
    """((metric, part), quantity) of the counts a row shows; not-applicable (None) counts are no quantity."""
    for name, metric in raw.items():
        for part in disclosure.COUNTS:
            quantity = QUANTITIES.get((name, part)) or (name if name in COUNTS and part == "numerator" else None)
            if quantity is not None and isinstance(metric.get(part), int):
                yield (name, part), quantity


def _relate_inside(knowledge: Knowledge, t: int, row_key: tuple) -> None:
    """What lies inside what within one row (see QUANTITIES)."""
    def has(*names) -> bool:
        return all(knowledge.known((t, row_key, name)) for name in names)

    def at(name):
        return (t, row_key, name)

    for inner, outer in (("completers", "trainees"), ("placed_180", "completers"), ("due", "completers"),
                         ("retained", "answered"), ("verified", "answered"), ("outflow_due", "due"),
                         ("outflow_answered", "answered"), ("outflow_answered", "outflow_due"),
                         ("outflow", "outflow_answered"), ("outflow_verified", "outflow_answered"),
                         ("outflow_verified", "verified")):
        if has(inner, outer):
            knowledge.within(at(inner), at(outer))
    if has("due", "answered", "unknown"):
        knowledge.total(at("due"), (at("answered"), at("unknown")))
    if has("local", "outflow", "retained"):
        knowledge.within_all((at("local"), at("outflow")), at("retained"))
    elif has("local", "retained"):
        knowledge.within(at("local"), at("retained"))


def _all_small(metric: dict, parts, threshold: int) -> bool:
    return all(isinstance(metric.get(part), int) and metric[part] < threshold for part in parts)


def _public(metrics: dict) -> dict:
    return {name: metrics[name] for name in PUBLIC_METRICS}


def _counts(session: Session, as_of: date) -> dict[str, dict[int, int]]:
    def by_region(query) -> dict[int, int]:
        return dict(session.execute(query).all())

    open_now = open_filter(as_of)
    return {
        "open_postings": by_region(select(Posting.region_id, func.count()).where(open_now)
                                   .group_by(Posting.region_id)),
        "smes_hiring": by_region(select(Posting.region_id, func.count(distinct(Posting.company_id)))
                                 .join(Company, Posting.company_id == Company.id)
                                 .where(open_now, Company.size != LARGE_COMPANY_SIZE).group_by(Posting.region_id)),
        "discoverable_seekers": by_region(select(SeekerProfile.home_region_id, func.count())
                                          .where(SeekerProfile.discoverable.is_(True))
                                          .group_by(SeekerProfile.home_region_id)),
        "placements": by_region(select(Placement.region_id, func.count()).where(Placement.start_date <= as_of)
                                .group_by(Placement.region_id)),
    }


def _count(value: int) -> dict:
    """A plain count in the shape disclosure protects: the number is the numerator."""
    return {"numerator": value, "denominator": None, "rate": None}

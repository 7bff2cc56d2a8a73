"""Public figures across dates: the differencing attack of the hardening round, run against the releases.

The attack: ask the public regional figures for many as-of dates; counts only grow with the date, rows add up to
their totals, "<5" means 0 to 4 and "hidden" at least 5; narrow every hidden count until one closes on a single
value. It is written here from the published figures alone (services.intervals is only the solver), and it
recovered hidden counts before releases were checked against each other.
"""
from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from talent_match.extensions import db
from talent_match.models import Institution
from talent_match.services.outcomes import disclosure, releases
from talent_match.services.outcomes.intervals import Knowledge
from talent_match.services.outcomes.ledger import add_months
from talent_match.services.reference.regions import region_by_handle

from .training_world import check, cohort, job, trainee

STATUSES = ("employed_same_employer", "employed_other_employer", "not_employed", "unknown")
EVIDENCE = ("employer", "institution", "trainee", "insurance_record")
ATTACK_DATES = [date(2024, 1, 15) + timedelta(days=23 * i) for i in range(37)]   # 2024-01 to 2026-04
GROWING = ("completion_rate", "placement_rate_180", "retention_12", "local_retention_12", "capital_outflow_12")


@pytest.fixture
def country(app_ctx):
    """Two regions, three institutions each, cohorts ending every few months from 2024 to 2026, trainees placed
    and followed up at their own pace: many small cells, growing from one date to the next (seeded)."""
    rng = random.Random(7)
    for region_slug in ("busan", "gyeongnam"):
        region = region_by_handle(db.session, region_slug)
        for number in range(3):
            inst = Institution(slug=f"{region_slug}-{number}", name=f"{region_slug} 기관 {number}",
                               region_id=region.id, kind="bootcamp")
            db.session.add(inst)
            db.session.flush()
            for c in range(rng.randint(2, 4)):
                start = date(2023, 9, 1) + timedelta(days=rng.randint(0, 700))
                end = start + timedelta(days=rng.randint(60, 180))
                code = f"C{c}"
                cohort(db.session, inst, code, region=region_slug, start=start.isoformat(), end=end.isoformat())
                for t in range(rng.randint(2, 9)):
                    ref = f"{code}-{t}"
                    status = rng.choice(("completed", "completed", "completed", "withdrawn"))
                    trainee(db.session, inst, code, ref, status=status, completed=end.isoformat())
                    if status != "completed" or rng.random() < 0.3:
                        continue
                    first = end + timedelta(days=rng.randint(5, 200))
                    job(db.session, inst, ref, first.isoformat(), rng.choice(("busan", "gyeongnam", "seoul")))
                    for month in (3, 6, 9, 12):
                        due = add_months(first, month)
                        if due > date(2026, 6, 30) or rng.random() < 0.35:
                            continue
                        status_now = rng.choice(STATUSES)
                        where = rng.choice(("busan", "gyeongnam", "seoul")) if status_now.startswith("employed") \
                            else None
                        check(db.session, inst, ref, month, status_now, where,
                              on=(due + timedelta(days=rng.randint(0, 40))).isoformat(),
                              evidence=rng.choice(EVIDENCE))
    db.session.commit()


def attack(published: list) -> list:
    """The hidden counts the published releases give away: (date, row, metric, part) with their one value."""
    knowledge, hidden, rows_by_date = Knowledge(), [], {}
    for release in published:
        rows = {("national",): release.national.shown}
        rows |= {row.key: row.shown for row in release.regions}
        for slug, members in release.institutions.items():
            rows |= {row.key: row.shown for row in members}
        rows_by_date[release.as_of] = rows
        for row_key, metrics in rows.items():
            for name in GROWING:
                for part in disclosure.COUNTS:
                    metric = metrics.get(name, {})
                    key = (release.as_of, row_key, name, part)
                    if part in metric.get("suppressed", ()):
                        if part in metric.get("small", ()):
                            knowledge.hidden(key, 0, 4)
                        else:
                            knowledge.hidden(key, 5)
                        hidden.append(key)
                    elif isinstance(metric.get(part), int):
                        knowledge.shown(key, metric[part])
    known = set(knowledge.number)
    for day, rows in rows_by_date.items():
        for name in GROWING:
            for part in disclosure.COUNTS:
                def at(row_key):
                    return (day, row_key, name, part)
                regions = [at(key) for key in rows if key[0] == "region" and at(key) in known]
                if at(("national",)) in known and regions:
                    knowledge.total(at(("national",)), regions)
                for region_key in [key for key in rows if key[0] == "region"]:
                    members = [at(key) for key in rows if key[0] == "institution" and key[1] == region_key[1]
                               and at(key) in known]
                    if members and at(region_key) in known:
                        knowledge.total(at(region_key), members)
    days = sorted(rows_by_date)
    for before, after in zip(days, days[1:]):
        for (_, row_key, name, part) in [key for key in known if key[0] == before]:
            if (after, row_key, name, part) in known and name != "unknown_12":
                knowledge.order((before, row_key, name, part), (after, row_key, name, part))
    solution = knowledge.solve()
    return [(key, solution.interval(key)[0]) for key in solution.given_away(hidden)]


def published_over(dates) -> list:
    found = {}
    for day in dates:
        release = releases.release(db.session, day)
        found[release.as_of] = release
    return [found[day] for day in sorted(found)]


def test_any_date_shows_the_release_of_the_last_quarter_end():
    assert releases.reporting_date(date(2026, 3, 31)) == date(2026, 3, 31)
    assert releases.reporting_date(date(2026, 3, 30)) == date(2025, 12, 31)
    assert releases.reporting_date(date(2026, 8, 15)) == date(2026, 6, 30)
    assert releases.reporting_dates(date(2025, 11, 2), date(2026, 6, 30)) == [
        date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30)]


def test_the_differencing_attack_over_many_dates_recovers_no_hidden_count(country):
    published = published_over(ATTACK_DATES)
    assert len(published) >= 8
    hidden = sum(len(metric.get("suppressed", ())) for release in published
                 for row in [release.national, *release.regions, *sum(release.institutions.values(), [])]
                 for metric in row.shown.values())
    assert hidden > 100                      # the world does have many hidden cells to attack
    assert attack(published) == []


def test_the_same_attack_recovers_counts_from_releases_not_checked_against_each_other(country, monkeypatch):
    monkeypatch.setattr(releases, "_protect_across", lambda earlier, current: None)
    assert attack(published_over(ATTACK_DATES))


def test_a_hidden_count_reads_hidden_unless_it_is_small(country):
    release = releases.release(db.session, date(2026, 6, 30))
    labels = {}
    for row in [*release.regions, *sum(release.institutions.values(), [])]:
        for name, metric in row.shown.items():
            for part in metric.get("suppressed", ()):
                if part in disclosure.COUNTS:
                    small = row.raw[name][part] < disclosure.THRESHOLD
                    labels[small] = disclosure.display(metric, part)
    assert labels == {True: "<5", False: disclosure.HIDDEN}


def test_a_published_release_never_changes_and_later_ones_are_checked_against_it(country, runner):
    printed = runner.invoke(args=["publish-figures", "--as-of", "2025-12-31", "--json"])
    assert printed.exit_code == 0, printed.output
    published = json.loads(printed.output)["published"]
    assert published[-1] == "2025-12-31" and len(published) >= 4
    assert json.loads(runner.invoke(args=["publish-figures", "--as-of", "2026-02-01", "--json"]).output) == {
        "published": []}                                 # nothing new until the next quarter end
    before = releases.release(db.session, date(2025, 12, 31))
    inst = db.session.scalar(select(Institution).where(Institution.slug == "busan-0"))
    cohort(db.session, inst, "LATE", region="busan", start="2025-01-06", end="2025-06-27")
    for number in range(12):
        trainee(db.session, inst, "LATE", f"L{number}", completed="2025-06-27")
    db.session.commit()
    after = releases.release(db.session, date(2025, 12, 31))
    assert after.national.shown == before.national.shown            # frozen: the late records do not change it
    fresh = releases.release(db.session, date(2026, 6, 30))          # not published yet: shown as it would be
    assert fresh.national.raw["completion_rate"]["denominator"] > before.national.raw["completion_rate"][
        "denominator"]
    assert json.loads(runner.invoke(args=["publish-figures", "--as-of", "2026-07-01", "--json"]).output) == {
        "published": ["2026-03-31", "2026-06-30"]}
    assert attack(published_over(ATTACK_DATES)) == []

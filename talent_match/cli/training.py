"""Training-record commands: CSV import and export, and outcome figures."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services.errors import DomainError, NotFound
from ..services.outcomes import disclosure, releases
from ..services.outcomes import ledger as outcomes
from ..services.training import outreach
from ..services.training import records as training
from ..services.transfers import exports, imports
from ..services.transfers.imports import ImportRefused
from . import as_of_option, day_of

COMMANDS = []

KIND = click.Choice(imports.KINDS)


def _institution(slug: str):
    try:
        return training.institution_by_slug(db.session, slug)
    except NotFound as exc:
        raise click.ClickException(f"{exc.message}; create it with `flask create-user --role institution`") from None


@click.command("import-csv")
@click.option("--institution", "slug", required=True, help="The institution's slug.")
@click.argument("kind", type=KIND)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_csv(slug, kind, file):
    """Import a CSV file of one KIND, all rows or none; prints the counts or every row error."""
    institution = _institution(slug)
    try:
        result = imports.commit(db.session, institution, kind, file.read_bytes())
    except ImportRefused as refused:
        for error in refused.row_errors:
            click.echo(f"error: {error}", err=True)
        click.echo(f"nothing imported: {len(refused.row_errors)} error(s) in {file.name}", err=True)
        raise SystemExit(2) from None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    counts = result.counts
    click.echo(f"imported {kind} from {file.name}: created {counts['created']}, updated {counts['updated']}, "
               f"unchanged {counts['unchanged']}")


@click.command("export-csv")
@click.option("--institution", "slug", required=True, help="The institution's slug.")
@click.argument("kind", type=KIND)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write here instead of standard output.")
@with_appcontext
def export_csv(slug, kind, fmt, output):
    """Export the institution's records of one KIND with the columns import-csv reads."""
    rows = exports.export_rows(db.session, _institution(slug), kind)
    data = exports.to_xlsx(rows) if fmt == "xlsx" else exports.to_csv(rows)
    if output is None:
        click.get_binary_stream("stdout").write(data)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {len(rows)} row(s) to {output}", err=True)


@click.command("outcomes")
@click.option("--institution", "slug", required=True, help="The institution's slug.")
@click.option("--cohort", "code", default=None, help="One cohort's code; the whole institution when left out.")
@click.option("--as-of", "as_of", default=None, help="YYYY-MM-DD; today in Korea when left out.")
@click.option("--public", is_flag=True, help="Hide counts below the suppression threshold, as others see them.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def outcomes_command(slug, code, as_of, public, as_json):
    """Outcome figures (numerator, denominator, rate) of an institution or one of its cohorts."""
    institution = _institution(slug)
    try:
        day = date.fromisoformat(as_of) if as_of else day_of(None)
    except ValueError:
        raise click.BadParameter("must be a date as YYYY-MM-DD", param_hint="--as-of") from None
    cohort = None
    if code is not None:
        try:
            cohort = training.cohort_by_code(db.session, institution, code)
        except NotFound:
            raise click.ClickException(f"no cohort {code!r} in {slug}") from None
    threshold = current_app.config["SUPPRESSION_THRESHOLD"]
    if as_json:
        document = disclosure.institution_outcomes_json(db.session, institution, cohort, day, public=public,
                                                        threshold=threshold)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if public:
        report = disclosure.public_outcomes(db.session, institution, cohort, day, threshold)
    else:
        report = outcomes.report(db.session, day, institution=institution, cohort=cohort)
    click.echo(f"{institution.slug}{' / ' + code if code else ''} as of {day.isoformat()}"
               f"{' (public: counts below ' + str(threshold) + ' hidden)' if public else ''}")
    for name, metric in report.metrics.items():
        last = "value" if "value" in metric else "rate"
        counts = ("budget_krw", "local_retained_12") if "budget_krw" in metric else ("numerator", "denominator")
        shown = [disclosure.display(metric, part, threshold) for part in (*counts, last)]
        rate = shown[2] if shown[2] is None or last == "value" else f"{shown[2]:.1%}"
        answers = ""
        if "answered" in metric:
            answered, verified = (_cell(disclosure.display(metric, part, threshold)) for part in ("answered",
                                                                                                   "verified"))
            answers = f"  answered {answered}, verified {verified}"
        elif metric.get("in_training"):
            answers = f"  cohorts in training: {metric['in_training']}"
        click.echo(f"  {name:28} {_cell(shown[0]):>8} / {_cell(shown[1]):<8} {_cell(rate)}{answers}")


def _cell(value) -> str:
    return "-" if value is None else str(value)


@click.command("outreach")
@as_of_option
@click.option("--institution", "slug", default=None, help="Only this institution's trainees.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@with_appcontext
def outreach_command(as_of, slug, as_json):
    """Queue the follow-up questions due (employers and trainees, by email), the employers' readiness questions and
    their reminders; run it daily.
    `flask send-mail` (or the worker) delivers them."""
    day = day_of(as_of)
    links = outreach.Links.of(current_app.config)
    counts = outreach.run(db.session, day, links, institution=_institution(slug) if slug else None)
    db.session.commit()
    if as_json:
        click.echo(json.dumps(counts))
    else:
        click.echo(f"as of {day.isoformat()}: {counts['employer_requests']} employer request(s), "
                   f"{counts['trainee_requests']} trainee request(s), {counts['readiness_requests']} readiness "
                   f"question(s), {counts['reminders']} reminder(s) queued")


@click.command("publish-figures")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the dates published as JSON.")
@with_appcontext
def publish_figures(as_of, as_json):
    """Publish the public regional figures of every quarter end passed and not yet published; run it daily.
    A published release never changes; the pages show it for any date up to the next quarter end."""
    day = day_of(as_of)
    dates = releases.publish(db.session, day, current_app.config["SUPPRESSION_THRESHOLD"])
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"published": [d.isoformat() for d in dates]}))
    else:
        click.echo(f"published {len(dates)} release(s)" + (f": {dates[0]} to {dates[-1]}" if dates else ""))


COMMANDS.extend([import_csv, export_csv, outcomes_command, outreach_command, publish_figures])

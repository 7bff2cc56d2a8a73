"""Matching commands: `eval-matching DIR` scores the ranking pipeline on a BEIR-layout benchmark (`--interactions`:
on the site's own interaction log instead); `tune-fusion DIR [DIR...]` fits the fusion's dense:lexical split on
judged benchmarks (and, with `--interactions`, on the logged lists graded by their outcomes) and writes it as JSON;
`train-encoder` trains the encoder's adapter on the platform's own taxonomy and role templates."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services.matching import adaptation, evaluation, feedback, fusion, tuning
from ..services.search.neighbours import MorphemeNeighbours

COMMANDS = []
METHODS = ("pipeline", "rrf", "rrf_plain", "bm25", "lexical", "dense", "dense_titled")


def _encoder(no_model: bool = False):
    """(encode, reads_hangul) of the site's model; (None, True) without one."""
    if not no_model:
        engine = current_app.extensions.get("search_engine")
        encoder = engine.encoder() if engine is not None else None
        if encoder is not None:
            return encoder.encode, encoder.reads_hangul
        click.echo("the embedding model is unavailable: evaluating lexical evidence only", err=True)
    return None, True


def _progress(started: float):
    def say(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f}s] {message}", err=True)
    return say


DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("eval-matching")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--interactions", is_flag=True,
              help="Score the live ranking on the interaction log (what lists showed and what followed) instead.")
@click.option("--since", type=DAY, help="With --interactions: only lists shown on or after this day (UTC), "
                                        "YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--no-model", is_flag=True, help="Evaluate the degraded mode: lexical evidence only.")
@click.option("--fusion", "fusion_file", type=click.Path(exists=True, dir_okay=False),
              help="A fusion file from tune-fusion (default: the shipped services/matching/fusion.json).")
@click.option("--korean-neighbours", is_flag=True,
              help="Add the Korean neighbours channel to the lexical side (KOREAN_NEIGHBOURS, else its defaults).")
@with_appcontext
def eval_matching(directory: str | None, interactions: bool, since, as_json: bool, no_model: bool,
                  fusion_file: str | None, korean_neighbours: bool) -> None:
    """Score the matching pipeline beside reciprocal-rank fusion of its own channels, BM25 and dense alone on
    DIRECTORY: nDCG@10, Recall@10, MRR@10. With --interactions, report the live ranking's quality from the log."""
    if interactions:
        if directory:
            raise click.UsageError("give either a benchmark DIRECTORY or --interactions, not both")
        _report_interactions(feedback.report(db.session, since=since.date() if since else None), as_json)
        return
    if directory is None:
        raise click.UsageError("give a benchmark DIRECTORY, or --interactions")
    started = time.monotonic()
    try:
        chosen = fusion.load(fusion_file)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    bench = evaluation.load_benchmark(directory)
    encode, reads_hangul = _encoder(no_model)
    neighbours = None
    if korean_neighbours:
        neighbours = MorphemeNeighbours.from_setting(current_app.config.get("KOREAN_NEIGHBOURS")) \
            or MorphemeNeighbours()
    result = evaluation.evaluate(bench, weights=current_app.config["MATCH_WEIGHTS"], encode=encode,
                                 reads_hangul=reads_hangul, fusion=chosen, progress=_progress(started),
                                 neighbours=neighbours)
    result["seconds"] = round(time.monotonic() - started, 1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{'method':<12} {'nDCG@10':>8} {'Recall@10':>10} {'MRR@10':>8}")
    for name in METHODS:
        if name in result:
            row = result[name]
            click.echo(f"{name:<12} {row['ndcg@10']:>8.4f} {row['recall@10']:>10.4f} {row['mrr@10']:>8.4f}")
    click.echo(f"{result['queries']} queries in {result['seconds']}s", file=sys.stdout)


def _report_interactions(result: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"{'list':<9} {'impressions':>11} {'shown':>6} {'opened':>6} {'applied':>7} {'invited':>7} "
               f"{'hired':>5} {'hire rank':>9} {'MRR':>6} {'nDCG@10':>7}")
    for side in ("seeker", "employer"):
        row, events = result[side], result[side]["events"]
        hire = row["hired_rank"]["median"]
        click.echo(f"{side:<9} {row['impressions']:>11} {events['shown']:>6} {events['opened']:>6} "
                   f"{events['applied']:>7} {events['invited']:>7} {events['hired']:>5} "
                   f"{'' if hire is None else hire:>9} {row['mrr'] or 0:>6.3f} {row['ndcg@10'] or 0:>7.3f}")


@click.command("tune-fusion")
@click.argument("directories", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True,
              help="Where to write the fusion (services/matching/fusion.json is what the site reads).")
@click.option("--interactions", is_flag=True,
              help="Also fit on the logged lists, each graded by what followed (hired > applied > opened).")
@click.option("--since", type=DAY, help="With --interactions: only lists shown on or after this day (UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@with_appcontext
def tune_fusion(directories: tuple[str, ...], out: str, interactions: bool, since, as_json: bool) -> None:
    """Fit the dense:lexical split of the fusion on the judged benchmarks in DIRECTORIES (each counts the same) and
    write it to --out. Also reports, per benchmark: the configured fixed ratio, the fit, the fit on the other half
    of every set's queries (halves) and the fit on the other benchmarks alone (others only). --interactions adds
    the site's logged lists as one more set, their candidates rebuilt and graded by their outcomes."""
    if not directories and not interactions:
        raise click.UsageError("give benchmark DIRECTORIES, --interactions, or both")
    started = time.monotonic()
    encode, reads_hangul = _encoder()
    if encode is None:
        raise click.ClickException("tuning the fusion needs the embedding model")
    sets = []
    if interactions:
        _progress(started)("interactions: rebuilding the logged lists' channels")
        logged = feedback.judged_from_log(db.session, current_app.extensions["search_engine"],
                                          since=since.date() if since else None)
        if not logged.queries:
            raise click.ClickException("the interaction log holds no list with an outcome to tune on")
        sets.append(logged)
    for directory in directories:
        name = Path(directory).resolve().name
        bench = evaluation.load_benchmark(directory)
        say = _progress(started)
        say(f"{name}: running the channels")
        sets.append(tuning.judged(name, bench, evaluation.channels(bench, encode=encode, reads_hangul=reads_hangul,
                                                                  progress=say)))
    _progress(started)(f"fitting on {', '.join(s.name for s in sets)}")
    fitted, figures = tuning.fit(sets)
    weights = current_app.config["MATCH_WEIGHTS"]
    report = [{"benchmark": s.name, "queries": s.queries,
               "fixed_ratio_ndcg@10": round(tuning.ndcg(s, tuning.fixed_shares(s, weights)), 4),
               "ndcg@10": round(figure, 4)} for s, figure in zip(sets, figures)]
    checks, halves = tuning.held_out(sets), tuning.halves(sets)
    fusion.save(fitted, out, tuned_on=report, held_out=checks, halves=halves,
                recipe=" ".join(["flask --app wsgi tune-fusion", *directories,
                                 *(["--interactions"] if interactions else []), "--out", out]))
    if as_json:
        click.echo(json.dumps({"fusion": fitted.to_json(), "tuned_on": report, "held_out": checks,
                               "halves": halves}))
        return
    click.echo(f"dense share = sigmoid({fitted.bias:+.3f} {fitted.per_log_term:+.3f} * ln(terms)); written to {out}")
    held = {c["benchmark"]: f"{c['ndcg@10']:.4f}" for c in checks}
    half = {c["benchmark"]: f"{c['ndcg@10']:.4f}" for c in halves}
    click.echo(f"{'benchmark':<28} {'queries':>7} {'fixed ratio':>11} {'fitted':>7} {'halves':>7} "
               f"{'others only':>11}")
    for row in report:
        name = row["benchmark"]
        click.echo(f"{name:<28} {row['queries']:>7} {row['fixed_ratio_ndcg@10']:>11.4f} {row['ndcg@10']:>7.4f} "
                   f"{half[name]:>7} {held.get(name, ''):>11}")


@click.command("train-encoder")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Folder for the adapter and its model card (default: INSTANCE/encoder-adapter); point "
                   "TALENT_MATCH_ADAPTER at it to use it, then `flask reindex`.")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--evaluate", "benchmarks", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A BEIR-layout benchmark to score before and after (repeatable); the figures go into the card.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the adapter's facts).")
@with_appcontext
def train_encoder(out: str | None, seed: int, benchmarks: tuple[str, ...], as_json: bool) -> None:
    """Train a linear adapter over the frozen model on the platform's skill taxonomy (English and Korean names and
    aliases) and its role templates (titles of one role; a title with its skills), with in-batch negatives. Never
    point --evaluate at data it should learn from: it only measures."""
    from embeddings.adapter import TrainingSettings
    from embeddings.encoder import Encoder
    from embeddings.errors import ModelUnavailableError

    from ..services.demo.roles import TRACKS

    started = time.monotonic()
    out = out or str(Path(current_app.instance_path) / "encoder-adapter")
    try:
        encoder = Encoder(current_app.config.get("TALENT_MATCH_MODEL")).load()  # frozen, no adapter
    except ModelUnavailableError as error:
        raise click.ClickException(str(error)) from error
    roles = [(track.titles, track.required_skills) for track in TRACKS.values()]
    adapter, facts = adaptation.train(encoder.encode, encoder.reads_hangul, out, roles=roles,
                                role_source="talent_match/services/demo/roles.py: the platform's own role "
                                            "templates (titles and skills per AI role), written for this project",
                                settings=TrainingSettings(seed=seed), base_model=encoder.model_id,
                                progress=_progress(started))
    if benchmarks:
        figures = {}
        for directory in benchmarks:
            name = Path(directory).resolve().name
            _progress(started)(f"{name}: scoring before and after")
            figures[name] = adaptation.compare(evaluation.load_benchmark(directory), encoder.encode, adapter,
                                               weights=current_app.config["MATCH_WEIGHTS"],
                                               reads_hangul=encoder.reads_hangul)
        adaptation.record_figures(out, facts, figures)
    facts["out"] = out
    if as_json:
        click.echo(json.dumps(facts, ensure_ascii=False))
        return
    click.echo(f"{facts['pairs']} pairs, final loss {facts['history'][-1]['loss']}, {facts['seconds']}s; "
               f"written to {out}. Use it with TALENT_MATCH_ADAPTER={out}, then `flask --app wsgi reindex`.")


COMMANDS += [eval_matching, tune_fusion, train_encoder]

"""Matching commands: `eval-matching DIR` scores the ranking pipeline on a BEIR-layout benchmark."""
from __future__ import annotations

import json
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services.matching import evaluation

COMMANDS = []


@click.command("eval-matching")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--no-model", is_flag=True, help="Evaluate the degraded mode: lexical evidence only.")
@with_appcontext
def eval_matching(directory: str, as_json: bool, no_model: bool) -> None:
    """Score the matching pipeline (and BM25 and dense alone) on DIRECTORY: nDCG@10, Recall@10, MRR@10."""
    started = time.monotonic()
    bench = evaluation.load_benchmark(directory)
    encode, reads_hangul = None, True
    if not no_model:
        engine = current_app.extensions.get("search_engine")
        encoder = engine.encoder() if engine is not None else None
        if encoder is None:
            click.echo("the embedding model is unavailable: evaluating lexical evidence only", err=True)
        else:
            encode, reads_hangul = encoder.encode, encoder.reads_hangul

    def progress(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f}s] {message}", err=True)

    result = evaluation.evaluate(bench, weights=current_app.config["MATCH_WEIGHTS"], encode=encode,
                                 reads_hangul=reads_hangul, progress=progress)
    result["seconds"] = round(time.monotonic() - started, 1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{'method':<12} {'nDCG@10':>8} {'Recall@10':>10} {'MRR@10':>8}")
    for name in ("pipeline", "bm25", "lexical", "dense", "dense_titled"):
        if name in result:
            row = result[name]
            click.echo(f"{name:<12} {row['ndcg@10']:>8.4f} {row['recall@10']:>10.4f} {row['mrr@10']:>8.4f}")
    click.echo(f"{result['queries']} queries in {result['seconds']}s", file=sys.stdout)


COMMANDS.append(eval_matching)

#!/usr/bin/env python
"""Time one matches page both ways, in process, on seeded demo data; prints one JSON object.

    .venv/bin/python scripts/bench_matching.py --seekers 100000 --postings 20000 --json [--samples 60]
    .venv/bin/python scripts/bench_matching.py --seekers 100000 --postings 20000 --stand-in-vectors --folder DIR

Seeds a temporary SQLite database (embeddings included) with `flask seed-demo`, then, in the busiest region, times
`matching.for_profile` (a seeker's open postings) and `matching.for_posting` (an employer's ranked candidates) for
sampled seekers and postings, after the engine's warm-up (as a gunicorn worker's) and one call each: the figures
are what a request spends in matching, without HTTP or templates. Reports p50/p95 and how many candidates each
call ranked, and what the warm-up took (the model, the shards and every region's lexical index: what a fresh
gunicorn worker does before its first request).

`--stand-in-vectors` seeds without the model and stores random unit vectors instead (seconds rather than a quarter
of an hour at 100k): the pages do the same work, but their rankings mean nothing, and the output says so.
`--folder DIR` seeds into DIR on the first run and reuses what is there on later ones.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STAND_IN_DIM = 384


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seekers", type=int, default=20_000)
    parser.add_argument("--postings", type=int, default=4_000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stand-in-vectors", action="store_true",
                        help="random unit vectors instead of the model's (timings only: rankings mean nothing)")
    parser.add_argument("--folder", help="seed here once and reuse it on later runs (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="one line of JSON (default: indented)")
    parser.add_argument("--profile", help="write cProfile stats of the timed calls to this file")
    args = parser.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-matching-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "TALENT_MATCH_INSTANCE": str(folder),
           "INDEX_DIR": str(folder / "indexes"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    started = time.perf_counter()
    if not (folder / "seeded").exists():
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "seed-demo", "--seekers", str(args.seekers), "--postings", str(args.postings),
                        "--seed", str(args.seed)] + (["--no-embeddings"] if args.stand_in_vectors else []),
                       cwd=ROOT, env=env, check=True, capture_output=True)
        (folder / "seeded").write_text(json.dumps({"seekers": args.seekers, "postings": args.postings}))
    seeded_s = time.perf_counter() - started
    os.environ.update(env)
    figures = measure(args.samples, random.Random(args.seed), args.stand_in_vectors, args.profile)
    result = {"seekers": args.seekers, "postings": args.postings, "seed_s": round(seeded_s, 1),
              "vectors": ("stand-in: random unit vectors (page cost only, rankings meaningless)"
                          if args.stand_in_vectors else "the model's"),
              **figures, "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, indent=2, ensure_ascii=False))
    return 0


class StandInEncoder:
    """Random unit vectors, the same for the same text: what the engine stores and searches when timing pages
    without the model. Reads no language, so the dense part weighs as it does for the default English model."""

    model_id = f"stand-in/random-unit-{STAND_IN_DIM}"
    dim = STAND_IN_DIM
    reads_hangul = False
    device = "cpu"

    def text_hash(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    def encode(self, texts, batch_size=None, **_):
        import numpy as np

        texts = [texts] if isinstance(texts, str) else list(texts)
        out = np.empty((len(texts), STAND_IN_DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            out[row] = np.random.default_rng(seed).standard_normal(STAND_IN_DIM)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def measure(samples: int, rng: random.Random, stand_in: bool, profile_to: str | None) -> dict:
    import numpy as np
    from sqlalchemy import func, select

    from talent_match import create_app
    from talent_match.extensions import db
    from talent_match.models import Posting, SeekerProfile
    from talent_match.services.matching import pipeline as matching
    from talent_match.services.search import indexing

    from embeddings import configure_threads

    configure_threads(1)  # as scripts/gunicorn.conf.py caps each worker: one request, one thread
    app = create_app()
    with app.app_context():
        engine = app.extensions["search_engine"]
        if stand_in:
            encoder = StandInEncoder()
            engine._encoder_factory = lambda: encoder
            if indexing.encode_missing(db.session, engine):
                indexing.rebuild_shards(db.session, engine)
        started, cpu = time.perf_counter(), time.process_time()
        engine.warm_up()  # as each gunicorn worker does before its first request: every region's lexical index
        warm_up = {"seconds": round(time.perf_counter() - started, 1), "cpu_seconds": round(time.process_time() - cpu, 1)}
        region = db.session.execute(select(Posting.region_id, func.count()).where(Posting.status == "open")
                                    .group_by(Posting.region_id).order_by(func.count().desc()).limit(1)).one()[0]
        profile_ids = list(db.session.scalars(select(SeekerProfile.id).where(
            SeekerProfile.home_region_id == region, SeekerProfile.discoverable.is_(True)).order_by(SeekerProfile.id)))
        posting_ids = list(db.session.scalars(select(Posting.id).where(
            Posting.region_id == region, Posting.status == "open").order_by(Posting.id)))
        result = {"busiest_region": {"id": region, "open_postings": len(posting_ids),
                                     "discoverable_seekers": len(profile_ids)}, "warm_up": warm_up}
        profiler = None
        if profile_to:
            import cProfile
            profiler = cProfile.Profile()
        for name, call, model, ids in (("seeker", matching.for_profile, SeekerProfile, profile_ids),
                                       ("employer", matching.for_posting, Posting, posting_ids)):
            chosen = rng.sample(ids, min(samples, len(ids)))
            call(db.session, engine, db.session.get(model, chosen[0]))  # warm: model, shards, lexical index
            times, totals = [], []
            for entity_id in chosen:
                db.session.expire_all()  # each page starts as a request does: nothing loaded yet
                start = time.perf_counter()
                if profiler:
                    profiler.enable()
                page = call(db.session, engine, db.session.get(model, entity_id))
                if profiler:
                    profiler.disable()
                times.append((time.perf_counter() - start) * 1000)
                totals.append(page.total)
            result[name] = {"p50_ms": round(float(np.percentile(times, 50)), 1),
                            "p95_ms": round(float(np.percentile(times, 95)), 1),
                            "ranked_p50": int(np.percentile(totals, 50)), "degraded": page.degraded,
                            "samples": len(chosen)}
        if profiler:
            profiler.dump_stats(profile_to)
        return result


if __name__ == "__main__":
    sys.exit(main())

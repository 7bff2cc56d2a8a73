#!/usr/bin/env python
"""Time one matches page both ways, in process, on seeded demo data; prints one JSON object.

    .venv/bin/python scripts/bench_matching.py --seekers 20000 --postings 4000 [--samples 60]

Seeds a temporary SQLite database (embeddings included) with `flask seed-demo`, then, in the busiest region, times
`matching.for_profile` (a seeker's open postings) and `matching.for_posting` (an employer's ranked candidates) for
sampled seekers and postings, after one warm-up call each: the figures are what a request spends in matching,
without HTTP or templates. Reports p50/p95 and how many candidates each call ranked.
"""
from __future__ import annotations

import argparse
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seekers", type=int, default=20_000)
    parser.add_argument("--postings", type=int, default=4_000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-matching-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "TALENT_MATCH_INSTANCE": str(folder),
           "INDEX_DIR": str(folder / "indexes"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    started = time.perf_counter()
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo", "--seekers", str(args.seekers), "--postings", str(args.postings),
                    "--seed", str(args.seed)], cwd=ROOT, env=env, check=True, capture_output=True)
    seeded_s = time.perf_counter() - started
    os.environ.update(env)
    print(json.dumps({"seekers": args.seekers, "postings": args.postings, "seed_s": round(seeded_s, 1),
                      **measure(args.samples, random.Random(args.seed)), "cpus": os.cpu_count(),
                      "load_average": [round(x, 2) for x in os.getloadavg()]}, indent=2))
    return 0


def measure(samples: int, rng: random.Random) -> dict:
    import numpy as np
    from sqlalchemy import func, select

    from talent_match import create_app
    from talent_match.extensions import db
    from talent_match.models import Posting, SeekerProfile
    from talent_match.services.matching import pipeline as matching

    app = create_app()
    with app.app_context():
        engine = app.extensions["search_engine"]
        region = db.session.execute(select(Posting.region_id, func.count()).where(Posting.status == "open")
                                    .group_by(Posting.region_id).order_by(func.count().desc()).limit(1)).one()[0]
        profiles = list(db.session.scalars(select(SeekerProfile).where(SeekerProfile.home_region_id == region,
                                                                       SeekerProfile.discoverable.is_(True))))
        postings = list(db.session.scalars(select(Posting).where(Posting.region_id == region,
                                                                 Posting.status == "open")))
        result = {"region_open_postings": len(postings), "region_discoverable_seekers": len(profiles)}
        for name, call, entities in (("for_profile", matching.for_profile, profiles),
                                     ("for_posting", matching.for_posting, postings)):
            chosen = rng.sample(entities, min(samples, len(entities)))
            call(db.session, engine, chosen[0])  # warm: the model, the shards and the lexical index load here
            times, totals = [], []
            for entity in chosen:
                start = time.perf_counter()
                page = call(db.session, engine, entity)
                times.append((time.perf_counter() - start) * 1000)
                totals.append(page.total)
            result[name] = {"p50_ms": round(float(np.percentile(times, 50)), 1),
                            "p95_ms": round(float(np.percentile(times, 95)), 1),
                            "ranked_p50": int(np.percentile(totals, 50)), "degraded": page.degraded}
        return result


if __name__ == "__main__":
    sys.exit(main())

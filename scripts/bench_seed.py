#!/usr/bin/env python
"""Time `flask seed-demo` at a given scale against a fresh database and print JSON with per-phase seconds.

    .venv/bin/python scripts/bench_seed.py --seekers 100000 --postings 20000            # temporary SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python scripts/bench_seed.py --seekers 10000 --postings 2000          # a new PostgreSQL database

With DATABASE_URL the script creates its own database beside the one named and drops it afterwards (--keep keeps
it). Phases: migrate (flask db upgrade), generate, insert, encode, index (from seed-demo --json); wall seconds and
this process tree's CPU seconds are both reported, since a busy machine stretches the first but not the second.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch_db import scratch_database

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=10_000)
    parser.add_argument("--postings", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-embeddings", action="store_true", help="skip encoding and indexing")
    parser.add_argument("--keep", action="store_true", help="keep the database and index directory")
    parser.add_argument("--out", help="also write the JSON result to this file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-seed-"))
    base_url = os.environ.get("DATABASE_URL")
    database_url, drop = (scratch_database(base_url, "tm_bench") if base_url else (f"sqlite:///{workdir / 'bench.db'}", None))
    env = {**os.environ, "DATABASE_URL": database_url, "TALENT_MATCH_INSTANCE": str(workdir),
           "INDEX_DIR": str(workdir / "indexes"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    load_before = os.getloadavg()
    try:
        started = time.perf_counter()
        upgraded = subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True)
        migrate = time.perf_counter() - started
        if upgraded.returncode:
            print(upgraded.stderr, file=sys.stderr)
            return upgraded.returncode
        command = [*flask, "seed-demo", "--seekers", str(args.seekers), "--postings", str(args.postings),
                   "--seed", str(args.seed), "--json"] + (["--no-embeddings"] if args.no_embeddings else [])
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
        wall = time.perf_counter() - started
        if done.returncode:
            print(done.stdout, file=sys.stderr)
            return done.returncode
        seeded = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if drop and not args.keep:
            drop()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "seekers": args.seekers, "postings": args.postings, "seed": args.seed,
        "database": database_url.split(":", 1)[0], "embeddings": seeded["embeddings"],
        "phases": {"migrate": round(migrate, 2), **seeded["timings"]},
        "texts_per_second": seeded.get("texts_per_second"),
        "cpu_seconds": seeded.get("cpu_seconds", {}),
        "seed_demo_wall_seconds": round(wall, 2),
        "children_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rows": sum(seeded["counts"].values()), "counts": seeded["counts"],
        "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "workdir": str(workdir) if args.keep else None,
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One call that fills a database with a reproducible demo world, then encodes and indexes it.

Phases are timed separately (generate, insert, encode, index) because at 100,000 seekers they differ by orders of
magnitude and the slow one is what to work on.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Skill, User
from ...models.accounts import hash_password
from ..errors import Conflict
from ..messages import msg
from ..reference import taxonomy
from .applications import generate_applications
from .common import Context, SkillBook
from .companies import company_count, generate_companies
from .interactions import generate_interactions
from .jobs import generate_postings
from .logins import DEMO_LOGINS, DEMO_OPERATOR_REGION, DEMO_POSTINGS, demo_seeker
from .seekers import generate_seekers
from .training import generate_institutions, generate_outcomes
from .writer import RowSink

Progress = Callable[[str], None]
# Cohorts are filled to capacity from this many seekers on; smaller worlds get smaller (never empty) cohorts.
FULL_SCALE_SEEKERS = 100_000


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)      # wall seconds per phase
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # this process's CPU per phase (not the database's)
    embeddings: str = "skipped"
    texts_per_second: float | None = None


def is_empty(session: Session) -> bool:
    """True when nobody has an account yet: the cue for `scripts/serve` to load the demo."""
    return session.scalar(select(User.id).limit(1)) is None


def demo_present(session: Session) -> bool:
    emails = [login.email for login in DEMO_LOGINS]
    return bool(session.scalar(select(func.count(User.id)).where(User.email.in_(emails))))


def seed_demo(session: Session, *, seekers: int, postings: int, seed: int, today: date, consent_version: str,
              checkpoint_months: tuple[int, ...] = (3, 6, 9, 12), engine=None, embeddings: bool = True,
              progress: Progress | None = None, chunk_rows: int = 50_000,
              batch_size: int | None = None) -> SeedReport:
    """Write the demo world: same seed and same `today`, same rows. Commits as it goes.

    Raises Conflict when the demo accounts exist already (a second run would duplicate the world).
    `batch_size` None lets the encoder pick its own (small batches on CPU: long postings pad less).
    """
    say = progress or (lambda message: None)
    if demo_present(session):
        raise Conflict(msg("The demo data is already loaded (a demo account exists); start from an empty database."))
    ensure_taxonomy(session)
    started, cpu_started = time.perf_counter(), time.process_time()
    sink = RowSink(session, chunk_rows)
    hashes = password_hashes()
    ctx = Context(session, sink, seed, today, consent_version, hashes["shared"], SkillBook(session),
                  tuple(checkpoint_months))
    accounts = {login.role: {"email": login.email, "name": login.name, "password_hash": hashes[login.role]}
                for login in DEMO_LOGINS}
    ctx.user(role="admin", **accounts["admin"], created=ctx.moment(ctx.rng("admin"), date(2025, 1, 2)))
    ctx.user(role="operator", **accounts["operator"], region_id=ctx.region_ids[DEMO_OPERATOR_REGION],
             created=ctx.moment(ctx.rng("operator"), date(2025, 1, 6)))
    say("institutions, programmes and cohorts")
    cohorts, demo_institution = generate_institutions(ctx, accounts["institution"])
    say("companies")
    companies = generate_companies(ctx, company_count(postings), accounts["employer"])
    say(f"{seekers:,} seekers")
    people = generate_seekers(ctx, max(1, seekers), demo_seeker(accounts["seeker"]))
    say(f"{postings:,} postings")
    jobs = generate_postings(ctx, companies, max(postings, len(DEMO_POSTINGS)), DEMO_POSTINGS)
    say("applications")
    written = generate_applications(ctx, jobs, people, _demo_plan(jobs, people))
    say("the matching lists that led to them (interaction logs)")
    generate_interactions(ctx, jobs, people, written)
    say("trainees, placements and follow-ups")
    scale = min(1.0, max(0.25, seekers / FULL_SCALE_SEEKERS))
    generate_outcomes(ctx, cohorts, people, companies, scale, demo_institution, people[0])
    sink.finish()
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    report = SeedReport(counts=dict(sink.counts))
    report.timings = {"generate": round(total - sink.insert_seconds, 2), "insert": round(sink.insert_seconds, 2)}
    report.cpu_seconds = {"generate": round(cpu - sink.insert_cpu_seconds, 2),
                          "insert": round(sink.insert_cpu_seconds, 2)}
    if embeddings:
        report.embeddings = _encode_and_index(session, engine, report, say, batch_size)
    return report


@lru_cache(maxsize=1)
def password_hashes() -> dict[str, str]:
    """scrypt hashes of the demo passwords, and one of a random secret shared by every other demo account (so
    they cannot sign in). Computed once per process: each scrypt hash costs about a quarter of a second."""
    hashes = {login.role: hash_password(login.password) for login in DEMO_LOGINS}
    hashes["shared"] = hash_password(secrets.token_urlsafe(24))
    return hashes


def _demo_plan(jobs, people) -> dict:
    """Applications the demo accounts should see: the demo seeker in interview, invitations, one hire."""
    vision, mlops, data, filled = (job.id for job in jobs[:4])
    local = people[1:6]
    plan = {vision: [(people[0], "seeker", "interview")], mlops: [], data: [], filled: []}
    for seeker, (posting, initiated_by, status) in zip(local, (
            (vision, "seeker", "applied"), (mlops, "employer", "invited"), (vision, "seeker", "reviewing"),
            (data, "employer", "invited"), (filled, "seeker", "hired"))):
        plan[posting].append((seeker, initiated_by, status))
    return {posting: rows for posting, rows in plan.items() if rows}


def ensure_taxonomy(session: Session) -> None:
    """Load the shipped skills when the tables are empty (migration 0003 normally has), so demo skills link."""
    if session.scalar(select(func.count(Skill.id))):
        return
    for row in taxonomy.read_rows():
        taxonomy.add_skill(session, row["slug"], row["name_en"], row["name_ko"], row["category"],
                           aliases=[a for a in row["aliases"].split(";") if a], parent=row["parent"] or None)
    session.commit()


def _encode_and_index(session: Session, engine, report: SeedReport, say: Progress,
                      batch_size: int | None) -> str:
    from ..search import indexing

    if engine is None:
        return "skipped: no search engine is configured"
    say("encoding postings and profiles")
    last = [0.0]

    def encoding(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30 or done == total:
            last[0] = time.perf_counter()
            say(f"encoded {done:,} of {total:,}")

    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        encoded = indexing.encode_missing(session, engine, kinds=("posting", "profile"), batch_size=batch_size,
                                          progress=encoding)
    except indexing.ModelUnavailable as exc:
        session.rollback()
        return f"skipped: the embedding model is unavailable ({exc})"
    session.commit()
    seconds = time.perf_counter() - started
    report.timings["encode"] = round(seconds, 2)
    report.cpu_seconds["encode"] = round(time.process_time() - cpu_started, 2)
    report.texts_per_second = round(encoded / seconds, 1) if seconds else None
    say("building the region shards")
    started, cpu_started = time.perf_counter(), time.process_time()
    vectors = indexing.rebuild_shards(session, engine)
    session.commit()
    report.timings["index"] = round(time.perf_counter() - started, 2)
    report.cpu_seconds["index"] = round(time.process_time() - cpu_started, 2)
    return f"encoded {encoded:,} texts; shards hold {vectors:,} vectors"

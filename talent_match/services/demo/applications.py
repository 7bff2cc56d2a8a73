"""Applications and invitations at every stage, with the event trail each status change leaves, on a few postings.

Seekers apply only where they will work (home or accepted regions); employers invite only discoverable people.
A hire becomes a platform placement, so the outcome ledger sees hires made here.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .common import Context
from .jobs import PostingInfo
from .seekers import SeekerInfo

FORWARD = ("applied", "reviewing", "interview", "offer", "hired")
# Where applications on a posting end up, by the posting's status: (path end, weight)
ENDINGS = {
    "open": (("applied", 30), ("reviewing", 22), ("interview", 14), ("offer", 4), ("rejected", 15),
             ("withdrawn", 5), ("invited", 10)),
    "closed": (("rejected", 60), ("withdrawn", 15), ("interview", 10), ("offer", 5), ("invited", 10)),
    "filled": (("rejected", 75), ("withdrawn", 15), ("invited", 10)),
}


def generate_applications(ctx: Context, postings: list[PostingInfo], seekers: list[SeekerInfo],
                          demo_plan: dict[int, list[tuple[SeekerInfo, str, str]]]) -> list[tuple]:
    """Applications on about one posting in twenty, plus the demo company's planned ones. Returns what was
    written: (posting, seeker, initiated_by, statuses passed through, their times) per application.

    `demo_plan` maps a posting id to (seeker, initiated_by, final status) triples to write as given.
    """
    rng = ctx.rng("applications")
    by_region: dict[str, list[SeekerInfo]] = {}
    for seeker in seekers:
        for slug in seeker.regions:
            by_region.setdefault(slug, []).append(seeker)
    taken: set[tuple[int, int]] = set()
    written: list[tuple] = []
    for posting in postings:
        for seeker, initiated_by, status in demo_plan.get(posting.id, ()):
            _write(ctx, rng, posting, seeker, initiated_by, status, taken, written)
    eligible = [p for p in postings if p.status != "draft" and p.id not in demo_plan]
    chosen = rng.sample(eligible, k=min(len(eligible), max(3, round(len(postings) * 0.05))))
    for posting in sorted(chosen, key=lambda p: p.id):
        pool = by_region.get(posting.company.region, [])
        if not pool:
            continue
        picks = [pool[i] for i in rng.sample(range(len(pool)), k=min(len(pool), rng.randint(1, 8)))]
        keys, weights = zip(*ENDINGS[posting.status])
        for n, seeker in enumerate(picks):
            status = "hired" if posting.status == "filled" and n == 0 else rng.choices(keys, weights=weights)[0]
            initiated_by = "employer" if seeker.discoverable and (status == "invited" or rng.random() < 0.15) \
                else "seeker"
            if initiated_by == "seeker" and status == "invited":
                status = "applied"
            _write(ctx, rng, posting, seeker, initiated_by, status, taken, written)
    return written


def _path(initiated_by: str, status: str) -> list[str]:
    """The statuses an application passed through to reach `status`."""
    steps = ["invited"] if initiated_by == "employer" else []
    if status == "invited":
        return steps
    if status in FORWARD:
        return steps + list(FORWARD[:FORWARD.index(status) + 1])
    if status == "withdrawn" and steps:
        return steps + ["withdrawn"]  # a declined invitation
    return steps + ["applied", status]


def _write(ctx: Context, rng, posting: PostingInfo, seeker: SeekerInfo, initiated_by: str, status: str,
           taken: set, written: list) -> None:
    if (posting.id, seeker.profile_id) in taken:
        return
    taken.add((posting.id, seeker.profile_id))
    steps = _path(initiated_by, status)
    application_id = ctx.sink.new_id("application")
    when = ctx.moment(rng, posting.opened + timedelta(days=rng.randint(1, 10)))
    latest = datetime.combine(ctx.today, datetime.min.time(), tzinfo=when.tzinfo)
    moments = []
    for _ in steps:
        moments.append(min(when, latest))
        when += timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 8))
    ctx.sink.add("application", {"id": application_id, "posting_id": posting.id, "profile_id": seeker.profile_id,
                                 "initiated_by": initiated_by, "status": steps[-1], "note": "",
                                 "created_at": moments[0], "updated_at": moments[-1]})
    previous = None
    for step, moment in zip(steps, moments):
        by_seeker = step in ("applied", "withdrawn")
        ctx.sink.add("application_event", {
            "id": ctx.sink.new_id("application_event"), "application_id": application_id, "from_status": previous,
            "to_status": step, "actor_id": seeker.user_id if by_seeker else posting.company.recruiter_id,
            "created_at": moment})
        previous = step
    written.append((posting, seeker, initiated_by, steps, moments))
    if steps[-1] == "hired":
        start = moments[-1].date() + timedelta(days=rng.randint(14, 30))
        low, high = posting.salary
        ctx.sink.add("placement", {
            "id": ctx.sink.new_id("placement"), "enrollment_id": None, "seeker_user_id": seeker.user_id,
            "application_id": application_id, "company_id": posting.company.id,
            "employer_name": posting.company.name, "job_title": posting.title.split("] ", 1)[-1][:200],
            "region_id": ctx.region_ids[posting.company.region], "start_date": start,
            "annual_wage_krw": (low + high) // 2 if low and high else None, "employment_type": "full_time",
            "in_field": True, "source": "platform_hire", "employer_email": None, "created_at": moments[-1],
            "updated_at": moments[-1]})

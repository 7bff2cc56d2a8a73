"""Interaction logs for the demo: the lists that led to the demo's applications, and some browsing that led nowhere.

The logs are drawn, not produced by the ranker (no vectors exist while the world is generated), with the position
bias real lists show: a result at rank r is opened with probability about OPEN_TOP / r^0.7, the posting a seeker
applied to (or the candidate an employer invited) sits near the top of the list that showed it (rank 1 + a
geometric draw), and hires come only from applications. So `eval-matching --interactions` on the demo reports
figures of the right shape (hires ranked higher than opens, MRR and nDCG@10 between 0 and 1), not the quality
of the ranking.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from .common import Context
from .jobs import PostingInfo
from .seekers import SeekerInfo

LIST_LENGTH = 10
OPEN_TOP = 0.45          # chance the first result is opened
HIDE = 0.03              # chance an unopened result is marked "not interested"
TOP_BIAS = 0.45          # the chosen result's rank is 1 + a geometric draw with this success chance
BROWSING_SHARE = 0.2     # lists shown to this share of seekers that led to no application


def generate_interactions(ctx: Context, postings: list[PostingInfo], seekers: list[SeekerInfo],
                          written: list[tuple]) -> None:
    """`written`: (posting, seeker, initiated_by, steps, moments) of each application the demo wrote."""
    rng = ctx.rng("interactions")
    listed = [p for p in postings if p.status != "draft"]
    by_region: dict[str, list[PostingInfo]] = {}
    for posting in listed:
        by_region.setdefault(posting.company.region, []).append(posting)
    findable: dict[str, list[SeekerInfo]] = {}
    for seeker in seekers:
        if seeker.discoverable:
            for slug in seeker.regions:
                findable.setdefault(slug, []).append(seeker)
    for posting, seeker, initiated_by, steps, moments in written:
        when = moments[0] - timedelta(hours=rng.randint(1, 48))
        outcome = {steps[n]: moments[n] for n in range(len(steps)) if steps[n] in ("applied", "invited", "hired")}
        if initiated_by == "seeker":
            others = [p for slug in seeker.regions for p in by_region.get(slug, ()) if p.id != posting.id]
            _showing(ctx, rng, "seeker", seeker.user_id, when, [(seeker.profile_id, p.id) for p in others],
                     (seeker.profile_id, posting.id), outcome)
        else:
            others = [s for s in findable.get(posting.company.region, ()) if s.profile_id != seeker.profile_id]
            _showing(ctx, rng, "employer", posting.company.recruiter_id, when,
                     [(s.profile_id, posting.id) for s in others], (seeker.profile_id, posting.id),
                     {k: v for k, v in outcome.items() if k != "applied"})
    for seeker in rng.sample(seekers, k=round(len(seekers) * BROWSING_SHARE)):
        pool = [(seeker.profile_id, p.id) for slug in seeker.regions for p in by_region.get(slug, ())]
        if pool:
            day = ctx.day_between(rng, ctx.today - timedelta(days=120), ctx.today)
            _showing(ctx, rng, "seeker", seeker.user_id, ctx.moment(rng, day), pool, None, {})


def _showing(ctx: Context, rng, side: str, viewer_id: int, when: datetime, pool: list, chosen, outcome: dict):
    """One list of up to LIST_LENGTH results from `pool` (and `chosen` near the top), and what followed."""
    others = rng.sample(pool, k=min(len(pool), LIST_LENGTH - (chosen is not None)))
    shown = list(others)
    if chosen is not None:
        rank = 1
        while rank < len(others) + 1 and rng.random() > TOP_BIAS:
            rank += 1
        shown.insert(rank - 1, chosen)
    impression = uuid.UUID(int=rng.getrandbits(128)).hex
    for rank, (profile_id, posting_id) in enumerate(shown, 1):
        score = round(max(0.05, 0.82 - 0.03 * rank - rng.random() * 0.05), 4)

        def log(event, at, rating=None):
            ctx.sink.add("match_interaction", {
                "id": ctx.sink.new_id("match_interaction"), "impression": impression, "viewer_id": viewer_id,
                "side": side, "profile_id": profile_id, "posting_id": posting_id, "event": event, "rank": rank,
                "score": score, "rating": rating, "created_at": at})

        log("shown", when)
        if (profile_id, posting_id) == chosen:
            log("opened", when + timedelta(minutes=rng.randint(1, 30)))
            for event, at in outcome.items():
                log(event, at)
        elif rng.random() < OPEN_TOP / rank ** 0.7:
            log("opened", when + timedelta(minutes=rng.randint(1, 60)))
            if side == "seeker" and rng.random() < 0.2:
                log("rated", when + timedelta(minutes=rng.randint(61, 90)), rating=rng.choice((2, 3, 3, 4, 4, 5)))
        elif side == "seeker" and rng.random() < HIDE:
            log("hidden", when + timedelta(minutes=rng.randint(1, 60)))

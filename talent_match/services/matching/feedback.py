"""Offline quality of the live ranking, read from the interaction log (hiring.interactions):
`flask eval-matching --interactions [--since DATE]`.

Each impression (one page of a score-sorted list) is a query; its shown results are the ranked list, and each
result's grade is what followed it in that impression: hired 3 > applied or invited 2 > opened 1 > shown 0, a
rating r (1-5) counting as max(r - 2, 0), the best of these winning, and hidden 0 whatever else happened.
Ranks are positions in the whole list (page 2 starts at 21), so a hire found on page 2 counts as ranked 21st or
lower, as the seeker met it. Reported per side (a seeker's matches, an employer's candidates): impressions and
shown results, distinct events (an outcome counted once per impression and result), the mean and median rank of
applications, invitations and hires, MRR (first result graded above 0) and nDCG@10 (gain 2^grade - 1) over the
impressions with any graded result. `judged_from_log` turns the same lists into a set `tune-fusion --interactions`
fits the fusion on.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import INTERACTION_EVENTS, INTERACTION_SIDES, MatchInteraction, Posting, SeekerProfile
from ..reference.taxonomy import Taxonomy
from ..search import lexical
from ..search.kinds import POSTING, PROFILE
from . import pipeline, ranking, tuning
from .tuning import Judged

GRADES = {"shown": 0, "opened": 1, "applied": 2, "invited": 2, "hired": 3}
CUTOFF = 10


@dataclass
class Impression:
    """One showing: who it was for (the profile or posting the list was ranked for) and its results' grades."""
    side: str
    subject_id: int                                   # the profile (seeker's list) or posting (employer's list)
    ranks: dict[tuple[int, int], int] = field(default_factory=dict)       # (profile, posting) -> rank
    events: dict[tuple[int, int], set] = field(default_factory=dict)      # (profile, posting) -> events
    ratings: dict[tuple[int, int], int] = field(default_factory=dict)

    def grade(self, pair) -> int:
        events = self.events.get(pair, set())
        if "hidden" in events:
            return 0
        rated = max(self.ratings[pair] - 2, 0) if pair in self.ratings else 0
        return max([GRADES.get(e, 0) for e in events] + [rated, 0])


def since_instant(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


def impressions(session: Session, *, since: date | None = None) -> dict[str, Impression]:
    """Every impression shown on or after `since` (a UTC day), with its results and what followed them."""
    shown = select(MatchInteraction.impression).where(MatchInteraction.event == "shown")
    if since is not None:
        shown = shown.where(MatchInteraction.created_at >= since_instant(since))
    rows = session.execute(select(MatchInteraction.impression, MatchInteraction.side, MatchInteraction.event,
                                  MatchInteraction.profile_id, MatchInteraction.posting_id, MatchInteraction.rank,
                                  MatchInteraction.rating)
                           .where(MatchInteraction.impression.in_(shown.distinct()))
                           .order_by(MatchInteraction.id))
    found: dict[str, Impression] = {}
    for impression, side, event, profile_id, posting_id, rank, rating in rows:
        pair = (profile_id, posting_id)
        item = found.get(impression)
        if item is None:
            item = found[impression] = Impression(side, profile_id if side == "seeker" else posting_id)
        if event == "shown":
            item.ranks[pair] = rank
            continue
        item.events.setdefault(pair, set()).add(event)
        if event == "rated" and rating is not None:
            item.ratings[pair] = rating
    return found


def report(session: Session, *, since: date | None = None) -> dict:
    """The figures of the module docstring, per side."""
    found = impressions(session, since=since)
    result = {"since": since.isoformat() if since else None}
    for side in INTERACTION_SIDES:
        result[side] = figures([i for i in found.values() if i.side == side])
    return result


def figures(items: list[Impression]) -> dict:
    counts = {event: 0 for event in INTERACTION_EVENTS}
    ranks_of = {"applied": [], "invited": [], "hired": []}
    reciprocal, gains = [], []
    for item in items:
        counts["shown"] += len(item.ranks)
        for pair, events in item.events.items():
            if pair not in item.ranks:
                continue
            for event in events:
                counts[event] += 1
                if event in ranks_of:
                    ranks_of[event].append(item.ranks[pair])
        graded = {pair: item.grade(pair) for pair in item.ranks}
        relevant = sorted(item.ranks[pair] for pair, g in graded.items() if g > 0)
        if not relevant:
            continue
        reciprocal.append(1.0 / relevant[0])
        dcg = sum((2 ** g - 1) / math.log2(item.ranks[pair] + 1) for pair, g in graded.items()
                  if item.ranks[pair] <= CUTOFF)
        ideal = sorted(graded.values(), reverse=True)[:CUTOFF]
        gains.append(dcg / sum((2 ** g - 1) / math.log2(n + 2) for n, g in enumerate(ideal)))
    return {"impressions": len(items), "events": counts,
            **{f"{event}_rank": _ranks(values) for event, values in ranks_of.items()},
            "graded_impressions": len(gains), "mrr": _mean(reciprocal), f"ndcg@{CUTOFF}": _mean(gains)}


def _ranks(values: list[int]) -> dict:
    return {"count": len(values), "mean": _mean(values),
            "median": float(statistics.median(values)) if values else None}


def _mean(values) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


# --- tuning the fusion on logged lists -------------------------------------------------------------------------

def judged_from_log(session: Session, engine, *, since: date | None = None, limit: int = 5000,
                    taxonomy: Taxonomy | None = None) -> Judged:
    """The logged lists with a graded result (the latest `limit`) as a tuning set: each list's profile or posting
    is the query again, its shown results the pool, their channels rebuilt as of now (dense: stored vectors
    through the engine; lexical: the engine's BM25) and graded by what followed. Needs the engine's model."""
    taxonomy = taxonomy or Taxonomy.from_session(session)
    engine.catch_up(session)
    multilingual = pipeline._reads_hangul(engine)
    graded = [item for item in impressions(session, since=since).values()
              if any(item.grade(pair) > 0 for pair in item.ranks)][-limit:]
    rows = []
    for item in graded:
        if item.side == "seeker":
            subject, asked, kind, pick = session.get(SeekerProfile, item.subject_id), PROFILE, POSTING, 1
            regions = subject.region_ids() if subject is not None else []
        else:
            subject, asked, kind, pick = session.get(Posting, item.subject_id), POSTING, PROFILE, 0
            regions = [subject.region_id] if subject is not None else []
        if subject is None:
            continue
        order = sorted(item.ranks, key=item.ranks.get)
        pool = [pair[pick] for pair in order]
        document = asked.document(subject, taxonomy)
        vector = pipeline._query_vector(session, engine, asked.name, subject.id, document)
        if vector is None:
            raise ValueError("tuning the fusion on logged lists needs the embedding model")
        query = lexical.entity_query(session, asked.name, subject, taxonomy)
        dense = engine.nearest(kind.name, regions, vector, len(pool), allowed_ids=pool)
        bm25 = engine.lexical.scores(session, kind.name, regions, query)
        floor = min(dense.values(), default=0.0)
        grades = [item.grade(pair) for pair in order]
        rows.append(tuning.query_row([dense.get(i, floor) for i in pool], [bm25.get(i, 0.0) for i in pool], pool,
                                     grades, grades, len(query.tokens),
                                     ranking.dense_trust(query.tokens, multilingual=multilingual)))
    return tuning.from_rows("interactions", rows)

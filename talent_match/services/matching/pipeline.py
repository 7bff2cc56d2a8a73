"""Matching both ways, always within regions: postings for a seeker, discoverable seekers for a posting.

A seeker sees open postings (hiring.postings.open_filter: open and not past the deadline, so no page has to close
expired postings first) in their home or accepted regions, minus the ones they hid; an employer sees discoverable
seekers whose home or accepted regions include the posting's region (the profile kind's shard rule). The region
rule is applied in SQL to the final results, whatever the shards or the lexical index hold.

Pipeline: eligible ids from SQL (regions, status, filters) -> one catch-up of the engine with the change log ->
candidates (every eligible one when few, else the union of dense top-K, lexical top-K and skill overlaps) ->
`ranking.rank` on dense, lexical, skills, experience and salary evidence (the text's dense:lexical split set per
query by services.matching.fusion) -> sort and page. Without the model the dense part drops out and the page says
`degraded`; so it does while a searched shard is a stand-in being rebuilt.
The filter `new_between` (since, until) keeps only what joined the lists in that window (services.digests);
`count_for_*` count what a search would rank without ranking it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ...models import (Consent, HiddenPosting, MatchFeedback, Posting, PostingSkill, ProfileSkill, SeekerProfile, Skill,
                       User)
from .. import validation as v
from ..hiring import interactions, track_record
from ..hiring.postings import open_filter, today_in_korea
from ..messages import msg
from ..reference.taxonomy import Taxonomy
from ..reference.text import normalise_label
from ..search import lexical
from ..search.kinds import POSTING, PROFILE, EntityKind
from . import ranking
from .fit import experience_fit, salary_fit, skill_report
from .fusion import Fusion
from .fusion import load as load_fusion

CANDIDATES_K = 100   # per signal, as in the evaluation harness
SCORE_ALL_MAX = 200  # eligible sets up to this size are scored in full; larger ones by candidate pool (≤ 300)
SORTS = ("score", "newest", "recent", "salary", "deadline")


@dataclass
class Match:
    entity: Any                    # a Posting (for a seeker) or a SeekerProfile (for an employer)
    score: float                   # 0..1, = sum(weights[p] * parts[p])
    parts: dict[str, float]        # each 0..1, unweighted
    weights: dict[str, float]      # the weights this score used (sum 1; dense scaled or dropped, see ranking)
    matched_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    region_reason: dict | None = None  # {"kind": "home" | "accepted", "region": slug}


@dataclass
class MatchPage:
    items: list[Match]
    total: int
    page: int
    per_page: int
    degraded: bool = False         # ranked without the language model, or on a shard still being rebuilt
    weights: dict[str, float] = field(default_factory=dict)


def for_profile(session: Session, engine, profile: SeekerProfile, *, filters: dict | None = None, sort: str = "score",
                page: int = 1, per_page: int = 20, weights: dict | None = None, fusion: Fusion | None = None,
                taxonomy: Taxonomy | None = None, today: date | None = None) -> MatchPage:
    """Open postings in the seeker's home and accepted regions, not past their deadline (`today` in Korea unless
    given) and not hidden, ranked for this profile."""
    filters, sort, taxonomy = dict(filters or {}), _sort(sort), taxonomy or Taxonomy.from_session(session)
    regions = profile.region_ids()
    conditions = _posting_conditions(session, profile, filters, today, taxonomy)
    held = _slugs(profile.skills, taxonomy)
    overlap = select(PostingSkill.posting_id).join(Skill).where(Skill.slug.in_(_implied(held, taxonomy)))
    document = PROFILE.document(profile, taxonomy)
    query_vector = _query_vector(session, engine, PROFILE.name, profile.id, document)
    ids, ranked, used = _rank(session, engine, POSTING, regions, conditions, overlap, document, query_vector,
                              weights, fusion, lambda p: _posting_fits(p, profile, held, taxonomy), taxonomy,
                              _retention_fits(session, weights, today))
    return _page(ids, ranked, used, sort, page, per_page, _degraded(engine, query_vector, POSTING, regions),
                 lambda p: _explain_posting(p, profile, held, taxonomy), _posting_sort_key)


def for_posting(session: Session, engine, posting: Posting, *, filters: dict | None = None, sort: str = "score",
                page: int = 1, per_page: int = 20, weights: dict | None = None, fusion: Fusion | None = None,
                taxonomy: Taxonomy | None = None) -> MatchPage:
    """Discoverable seekers who will work in the posting's region, ranked for this posting."""
    filters, sort, taxonomy = dict(filters or {}), _sort(sort), taxonomy or Taxonomy.from_session(session)
    region = posting.region_id
    conditions = _profile_conditions(session, posting, filters, taxonomy)
    wanted = _slugs(posting.skills, taxonomy)
    overlap = (select(ProfileSkill.profile_id).join(Skill)
               .where(Skill.slug.in_(_implying(wanted, taxonomy))))
    document = POSTING.document(posting, taxonomy)
    query_vector = _query_vector(session, engine, POSTING.name, posting.id, document)
    ids, ranked, used = _rank(session, engine, PROFILE, [region], conditions, overlap, document, query_vector,
                              weights, fusion,
                              lambda p: _posting_fits(posting, p, _slugs(p.skills, taxonomy), taxonomy), taxonomy)
    return _page(ids, ranked, used, sort, page, per_page, _degraded(engine, query_vector, PROFILE, [region]),
                 lambda p: _explain_profile(posting, p, taxonomy), _profile_sort_key)


def count_for_profile(session: Session, profile: SeekerProfile, *, filters: dict | None = None,
                      today: date | None = None) -> int:
    """How many postings `for_profile` would rank with these filters, in one COUNT and no ranking: cheap enough
    for a number in the navigation."""
    conditions = _posting_conditions(session, profile, dict(filters or {}), today, None)
    return session.scalar(select(func.count(Posting.id)).where(and_(*conditions))) or 0


def count_for_posting(session: Session, posting: Posting, *, filters: dict | None = None) -> int:
    """How many seekers `for_posting` would rank with these filters, in one COUNT and no ranking."""
    conditions = _profile_conditions(session, posting, dict(filters or {}), None)
    return session.scalar(select(func.count(SeekerProfile.id)).where(and_(*conditions))) or 0


def hide_posting(session: Session, profile: SeekerProfile, posting: Posting) -> None:
    """'Not interested': the posting leaves this seeker's matches for good. Idempotent; the caller commits."""
    if session.get(HiddenPosting, (profile.id, posting.id)) is None:
        session.add(HiddenPosting(profile_id=profile.id, posting_id=posting.id))
        interactions.record(session, "hidden", "seeker", profile.id, posting.id, viewer_id=profile.user_id)
        session.flush()


def rate_match(session: Session, profile: SeekerProfile, posting: Posting, rating, score=None) -> MatchFeedback:
    """Keep the seeker's 1-5 rating of a match with the score it was shown at (the latest rating wins)."""
    rating = v.clean_int(rating, "rating", minimum=1, maximum=5, required=True)
    if score is not None:
        score = float(score)
        if not 0.0 <= score <= 1.0:
            score = None
    feedback = session.scalar(select(MatchFeedback).where(MatchFeedback.profile_id == profile.id,
                                                          MatchFeedback.posting_id == posting.id))
    if feedback is None:
        feedback = MatchFeedback(profile_id=profile.id, posting_id=posting.id, rating=rating)
        session.add(feedback)
    feedback.rating, feedback.score = rating, score
    interactions.record(session, "rated", "seeker", profile.id, posting.id, viewer_id=profile.user_id, rating=rating)
    session.flush()
    return feedback


# --- who is eligible --------------------------------------------------------------------------------------------

def _posting_conditions(session, profile: SeekerProfile, filters: dict, today, taxonomy) -> list:
    conditions = [POSTING.in_regions(profile.region_ids()), open_filter(today or today_in_korea()),
                  Posting.id.not_in(select(HiddenPosting.posting_id).where(HiddenPosting.profile_id == profile.id))]
    if filters.get("employment_type"):
        conditions.append(Posting.employment_type == filters["employment_type"])
    if filters.get("work_mode"):
        conditions.append(Posting.work_mode == filters["work_mode"])
    if filters.get("salary_min"):
        conditions.append(Posting.salary_max >= int(filters["salary_min"]))
    for label in filters.get("skills") or ():
        taxonomy = taxonomy or Taxonomy.from_session(session)
        conditions.append(Posting.id.in_(_having_skill(PostingSkill, PostingSkill.posting_id, label, taxonomy)))
    if filters.get("new_between"):  # published in the window: opened then (or created open then)
        conditions.append(_between(func.coalesce(Posting.opened_at, Posting.created_at), filters["new_between"]))
    return conditions


def _profile_conditions(session, posting: Posting, filters: dict, taxonomy) -> list:
    conditions = [PROFILE.in_regions([posting.region_id])]
    if filters.get("work_mode"):
        conditions.append(or_(SeekerProfile.work_mode == filters["work_mode"], SeekerProfile.work_mode.is_(None)))
    if filters.get("min_years"):
        conditions.append(SeekerProfile.years_experience >= int(filters["min_years"]))
    for label in filters.get("skills") or ():
        taxonomy = taxonomy or Taxonomy.from_session(session)
        conditions.append(SeekerProfile.id.in_(_having_skill(ProfileSkill, ProfileSkill.profile_id, label, taxonomy)))
    if filters.get("new_between"):  # became findable in the window: made, address confirmed, or consent given
        window = filters["new_between"]
        conditions.append(or_(_between(SeekerProfile.created_at, window),
                              SeekerProfile.user.has(_between(User.email_verified_at, window)),
                              SeekerProfile.user_id.in_(select(Consent.user_id).where(
                                  Consent.item == "discoverable", Consent.granted.is_(True),
                                  _between(Consent.created_at, window)))))
    return conditions


def _between(column, window):
    """After the first instant, up to and including the second: consecutive windows never share an item."""
    since, until = window
    return (column > since) & (column <= until)


# --- the shared pipeline --------------------------------------------------------------------------------------

def _rank(session, engine, kind: EntityKind, regions, conditions, overlap, document, query_vector, weights, fusion,
          fits_of, taxonomy, more_fits=None):
    model = kind.model
    eligible = list(session.scalars(select(model.id).where(and_(*conditions)).order_by(model.id)))
    if not eligible:
        return {}, [], {}
    eligible_set = set(eligible)
    query = lexical.query_for(document.text, taxonomy, getattr(engine, "neighbours", None))
    if engine is not None:
        engine.catch_up(session)  # the one read of the change log: dense and lexical are both as of now
    index = engine.lexical if engine is not None else lexical.LexicalIndex()  # no engine: built for this search
    lexical_scores = {i: s for i, s in index.scores(session, kind.name, regions, query).items() if i in eligible_set}
    dense = None
    if query_vector is not None:
        dense = {i: s for i, s in engine.nearest(kind.name, regions, query_vector, CANDIDATES_K).items()
                 if i in eligible_set}
    if len(eligible) <= SCORE_ALL_MAX:
        pool = eligible
    else:
        owner = overlap.selected_columns[0]
        extra = list(session.scalars(overlap.where(owner.in_(select(model.id).where(and_(*conditions))))
                                     .distinct().limit(CANDIDATES_K)))
        pool = ranking.candidate_pool(*(s for s in (dense, lexical_scores) if s is not None), k=CANDIDATES_K,
                                      extra=extra)
    if dense is not None:
        missing = [i for i in pool if i not in dense]
        if missing:
            dense.update(engine.nearest(kind.name, regions, query_vector, len(missing), allowed_ids=missing))
    entities = {e.id: e for e in _load(session, kind, pool)}
    pool = [i for i in pool if i in entities]
    fits = {i: fits_of(entities[i]) for i in pool}
    if more_fits is not None:
        for i, extra in more_fits([entities[i] for i in pool]).items():
            fits[i].update(extra)
    ranked, used = ranking.rank(pool, weights=weights or {}, dense=dense,
                                lexical={i: lexical_scores.get(i, 0.0) for i in pool}, fits=fits,
                                trust=ranking.dense_trust(query.tokens, multilingual=_reads_hangul(engine)),
                                dense_share=(fusion or load_fusion()).dense_share(len(query.tokens)))
    return entities, ranked, used


def _page(entities, ranked, used, sort, page, per_page, degraded, explain, sort_key):
    page, per_page = max(int(page or 1), 1), max(min(int(per_page or 20), 100), 1)
    if sort != "score":
        ranked = sorted(ranked, key=lambda r: sort_key(entities[r.id], sort, r.score))
    chosen = ranked[(page - 1) * per_page: page * per_page]
    items = []
    for r in chosen:
        matched, missing, reason = explain(entities[r.id])
        items.append(Match(entities[r.id], round(r.score, 4), r.parts, used, matched, missing, reason))
    return MatchPage(items, len(ranked), page, per_page, degraded, used)


# What a page shows beside each match, on top of what its document reads.
_SHOWN = {"posting": (selectinload(Posting.company), selectinload(Posting.region)),
          "profile": (selectinload(SeekerProfile.home_region),)}


def _load(session, kind: EntityKind, ids):
    if not ids:
        return []
    model, options = kind.model, kind.load_options + _SHOWN[kind.name]
    found = []
    for start in range(0, len(ids), 900):
        found += session.scalars(select(model).where(model.id.in_(ids[start:start + 900])).options(*options)).all()
    return found


def _query_vector(session, engine, kind, entity_id, document):
    """The entity's stored vector, else its document embedded now as indexing would store it; None without a model
    (degraded ranking)."""
    if engine is None:
        return None
    vector = engine.query_vector(session, kind, entity_id) if entity_id is not None else None
    if vector is None:
        vector = engine.embed_document(document)
    return vector


def _reads_hangul(engine) -> bool:
    encoder = engine.encoder() if engine is not None else None
    return bool(getattr(encoder, "reads_hangul", False))


def _degraded(engine, query_vector, kind: EntityKind, regions) -> bool:
    """No model: edited texts are not re-encoded, so even when stored vectors still rank, the page says so. A shard
    rebuilding (or failing to) answers with fewer members than it has, so the ranking is not the usual one."""
    return query_vector is None or engine.encoder() is None or not engine.whole(kind.name, regions)


def _sort(sort: str) -> str:
    sort = sort or "score"
    if sort not in SORTS:
        raise v.ValidationFailed({"sort": [msg("must be one of {choices}", choices=", ".join(SORTS))]})
    return sort


def _posting_sort_key(posting: Posting, sort: str, score: float):
    if sort in ("newest", "recent"):
        return (-posting.created_at.timestamp(), -score)
    if sort == "salary":
        return (posting.salary_max is None, -(posting.salary_max or 0), -score)
    if posting.deadline is None:  # "deadline": soonest first, open-ended last
        return (1, 0, -score)
    return (0, posting.deadline.toordinal(), -score)


def _profile_sort_key(profile: SeekerProfile, sort: str, score: float):
    if sort in ("newest", "recent"):
        return (-profile.updated_at.timestamp(), -score)
    if sort == "salary":  # lowest expectations first
        return (profile.desired_salary_min is None, profile.desired_salary_min or 0, -score)
    return (-score,)


# --- skills and explanations ------------------------------------------------------------------------------------

def _slugs(skills, taxonomy) -> list[str]:
    """Each skill's slug, or its normalised label when the taxonomy does not know it (as 'text:label')."""
    keys = []
    for skill in skills:
        slug = skill.skill.slug if skill.skill is not None else None
        if slug is None:
            ref = taxonomy.resolve(skill.label)
            slug = ref.slug if ref else f"text:{normalise_label(skill.label)}"
        keys.append(slug)
    return keys


def _implied(slugs, taxonomy) -> set[str]:
    return {s for slug in slugs for s in (taxonomy.implied(slug) or {slug})}


def _implying(slugs, taxonomy) -> set[str]:
    """Skills that meet any of `slugs`: themselves and every narrower skill that implies them."""
    wanted = set(slugs)
    return wanted | {s for s in taxonomy.skills if taxonomy.implied(s) & wanted}


def _having_skill(table, owner_column, label, taxonomy):
    """Owners holding a skill named `label` (in either language), or a narrower one that implies it."""
    ref = taxonomy.resolve(label)
    if ref is None:
        return select(owner_column).where(table.label == label)
    return select(owner_column).join(Skill, Skill.id == table.skill_id).where(
        Skill.slug.in_(_implying([ref.slug], taxonomy)))


def _retention_fits(session, weights, today):
    """The employers' kept share as a fit, for a ranking that weighs it (MATCH_WEIGHTS["retention"] > 0): one
    grouped query for the pool's companies. A posting whose employer has no shown record stays neutral."""
    if float((weights or {}).get("retention", 0.0)) <= 0:
        return None

    def fits(postings) -> dict:
        kept = track_record.records(session, {p.company_id for p in postings}, today or today_in_korea())
        return {p.id: {"retention": kept[p.company_id].share} for p in postings
                if p.company_id in kept and kept[p.company_id].share is not None}

    return fits


def _posting_fits(posting: Posting, profile: SeekerProfile, held: list[str], taxonomy) -> dict[str, float]:
    fits = {"experience": experience_fit(profile.years_experience, posting.min_experience),
            "salary": salary_fit(profile.desired_salary_min, profile.desired_salary_max,
                                 posting.salary_min, posting.salary_max)}
    coverage = skill_report(posting.skills, _slugs(posting.skills, taxonomy), _implied(held, taxonomy))[2]
    if coverage is not None:
        fits["skills"] = coverage
    return {k: value for k, value in fits.items() if value is not None}


def _explain_posting(posting: Posting, profile: SeekerProfile, held: list[str], taxonomy):
    matched, missing, _ = skill_report(posting.skills, _slugs(posting.skills, taxonomy), _implied(held, taxonomy))
    kind = "home" if posting.region_id == profile.home_region_id else "accepted"
    return matched, missing, {"kind": kind, "region": posting.region.slug}


def _explain_profile(posting: Posting, profile: SeekerProfile, taxonomy):
    held = _implied(_slugs(profile.skills, taxonomy), taxonomy)
    matched, missing, _ = skill_report(posting.skills, _slugs(posting.skills, taxonomy), held)
    kind = "home" if posting.region_id == profile.home_region_id else "accepted"
    return matched, missing, {"kind": kind, "region": posting.region.slug}

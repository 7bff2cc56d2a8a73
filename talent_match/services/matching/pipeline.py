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

import numpy as np
from sqlalchemy import and_, func, or_, select, true, union
from sqlalchemy.orm import Session, aliased, selectinload

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
from . import fit, ranking
from .fit import skill_report
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
    rows, ranked, scored = _rank(session, engine, POSTING, regions, conditions, overlap, profile,
                                 query_vector, weights, fusion, lambda rows, skills: {
                                     **_posting_fits(profile, held, rows, skills, taxonomy),
                                     **_retention_fits(session, weights, today, rows)}, taxonomy)
    widened = _implied(held, taxonomy)
    return _page(session, POSTING, rows, ranked, scored, sort, page, per_page,
                 _degraded(engine, query_vector, POSTING, regions),
                 lambda p: _explain_posting(p, profile, widened, taxonomy), _posting_sort_key)


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
    rows, ranked, scored = _rank(session, engine, PROFILE, [region], conditions, overlap, posting,
                                 query_vector, weights, fusion,
                                 lambda rows, skills: _profile_fits(posting, wanted, rows, skills, taxonomy), taxonomy)
    return _page(session, PROFILE, rows, ranked, scored, sort, page, per_page,
                 _degraded(engine, query_vector, PROFILE, [region]),
                 lambda p: _explain_profile(posting, wanted, p, taxonomy), _profile_sort_key)


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
        conditions.append(_holds_skill(PostingSkill, "posting_id", Posting.id, label, taxonomy))
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
        conditions.append(_holds_skill(ProfileSkill, "profile_id", SeekerProfile.id, label, taxonomy))
    if filters.get("new_between"):  # became findable in the window: made, address confirmed, or consent given
        conditions.append(SeekerProfile.id.in_(_new_profiles(filters["new_between"])))
    return conditions


def _new_profiles(window):
    """Ids of the profiles that became findable in the window: made, address confirmed, or consent given. A union of
    three short lists, each asked of its own table: as one OR it was asked of every profile in the region, with
    two subqueries each (100 ms a posting at 100k seekers, on every employer's menu count)."""
    return union(
        select(SeekerProfile.id).where(_between(SeekerProfile.created_at, window)),
        select(SeekerProfile.id).join(User, User.id == SeekerProfile.user_id)
        .where(_between(User.email_verified_at, window)),
        select(SeekerProfile.id).join(Consent, Consent.user_id == SeekerProfile.user_id)
        .where(Consent.item == "discoverable", Consent.granted.is_(True), _between(Consent.created_at, window)))


def _between(column, window):
    """After the first instant, up to and including the second: consecutive windows never share an item."""
    since, until = window
    return (column > since) & (column <= until)


# --- the shared pipeline --------------------------------------------------------------------------------------

def _rank(session, engine, kind: EntityKind, regions, conditions, overlap, asking, query_vector, weights, fusion,
          fits_of, taxonomy):
    """(light rows by id, [(id, score, index in `scored`)] best first, ranking.Scored): the pool is scored from
    light rows with its skills read in one query; only `_page` loads whole entities, and only the page's.
    `asking`: the profile or posting the ranking is for (its saved lexical terms are read)."""
    model = kind.model
    # Few eligible: all of them are scored. Many: eligibility is asked of the candidates only, never listed.
    eligible = list(_core(session, select(model.id).where(and_(*conditions)).order_by(model.id)
                          .limit(SCORE_ALL_MAX + 1)).scalars())
    if not eligible:
        return {}, [], None
    few = len(eligible) <= SCORE_ALL_MAX
    asked = PROFILE if kind is POSTING else POSTING
    query = lexical.entity_query(session, asked.name, asking, taxonomy, getattr(engine, "neighbours", None))
    if engine is not None:
        engine.catch_up(session)  # the one read of the change log: dense and lexical are both as of now
    index = engine.lexical if engine is not None else lexical.LexicalIndex()  # no engine: built for this search
    lexical_ids, lexical_values = index.score_arrays(session, kind.name, regions, query)
    dense = None
    if query_vector is not None:
        dense = engine.nearest(kind.name, regions, query_vector, CANDIDATES_K)
        allowed = set(eligible) if few else _eligible_among(session, model, conditions, list(dense))
        dense = {i: s for i, s in dense.items() if i in allowed}
    if few:
        pool = eligible
    else:
        owner = overlap.selected_columns[0]
        extra = list(_core(session, overlap.join(model, model.id == owner).where(*conditions)
                           .distinct().limit(CANDIDATES_K)).scalars())
        best = _best_eligible(session, model, conditions, lexical_ids, lexical_values, CANDIDATES_K)
        pool = ranking.candidate_pool(*(s for s in (dense, best) if s is not None), k=CANDIDATES_K, extra=extra)
    if dense is not None:
        missing = [i for i in pool if i not in dense]
        if missing:
            dense.update(engine.nearest(kind.name, regions, query_vector, len(missing), allowed_ids=missing))
    rows = _light_rows(session, kind, pool)
    pool = [i for i in pool if i in rows]
    nan = float("nan")
    scored = ranking.rank_arrays(
        len(pool), weights=weights or {},
        dense=None if dense is None else np.array([dense.get(i, nan) for i in pool], dtype=np.float64),
        lexical=_aligned(lexical_ids, lexical_values, pool),
        fits=fits_of([rows[i] for i in pool], _skill_rows(session, kind, pool, taxonomy)),
        trust=ranking.dense_trust(query.tokens, multilingual=_reads_hangul(engine)),
        dense_share=(fusion or load_fusion()).dense_share(len(query.tokens)))
    return rows, [(pool[n], float(scored.scores[n]), n) for n in scored.order], scored


def _page(session, kind: EntityKind, rows, ranked, scored, sort, page, per_page, degraded, explain, sort_key):
    page, per_page = max(int(page or 1), 1), max(min(int(per_page or 20), 100), 1)
    if sort != "score":
        ranked = sorted(ranked, key=lambda r: sort_key(rows[r[0]], sort, r[1]))
    chosen = ranked[(page - 1) * per_page: page * per_page]
    entities = {e.id: e for e in _load(session, kind, [entity_id for entity_id, _, _ in chosen])}
    items = []
    for entity_id, score, n in chosen:
        matched, missing, reason = explain(entities[entity_id])
        items.append(Match(entities[entity_id], round(score, 4), scored.parts(n), scored.used, matched, missing,
                           reason))
    return MatchPage(items, len(ranked), page, per_page, degraded, scored.used if scored else {})


def _eligible_among(session, model, conditions, ids) -> set:
    """Which of `ids` the conditions admit, asked of those ids only."""
    found = set()
    for start in range(0, len(ids), _CHUNK):
        found.update(_core(session, select(model.id).where(model.id.in_(ids[start:start + _CHUNK]),
                                                           and_(*conditions))).scalars())
    return found


def _best_eligible(session, model, conditions, ids: np.ndarray, scores: np.ndarray, k: int) -> dict:
    """The k best-scored eligible ids, as `ranking.candidate_pool` would pick them from the eligible ones (ties in
    the given order), asking eligibility a batch at a time from the best down: nearly every lexical hit is
    eligible (the index holds the regions' members), so one batch usually does; under narrow filters each batch
    is twice the last."""
    order = np.argsort(-scores, kind="stable")
    best: dict = {}
    start, size = 0, 2 * k
    while start < len(order):
        batch, start, size = order[start:start + size], start + size, size * 2
        allowed = _eligible_among(session, model, conditions, ids[batch].tolist())
        for i, score in zip(ids[batch].tolist(), scores[batch].tolist()):
            if i in allowed:
                best[i] = score
                if len(best) == k:
                    return best
    return best


def _aligned(ids: np.ndarray, scores: np.ndarray, pool: list) -> np.ndarray:
    """The scores of `pool`'s ids (0 for an id without one)."""
    found = np.zeros(len(pool))
    if len(ids) and pool:
        order = np.argsort(ids)
        wanted = np.asarray(pool, dtype=np.int64)
        at = np.minimum(np.searchsorted(ids[order], wanted), len(ids) - 1)
        hit = ids[order][at] == wanted
        found[hit] = scores[order][at][hit]
    return found


# What scoring and sorting read of each candidate: light rows, no entities.
_LIGHT = {"posting": (Posting.id, Posting.min_experience, Posting.salary_min, Posting.salary_max,
                      Posting.created_at, Posting.deadline, Posting.company_id),
          "profile": (SeekerProfile.id, SeekerProfile.years_experience, SeekerProfile.desired_salary_min,
                      SeekerProfile.desired_salary_max, SeekerProfile.updated_at)}
_SKILLS = {"posting": (PostingSkill, PostingSkill.posting_id, PostingSkill.required),
           "profile": (ProfileSkill, ProfileSkill.profile_id, true())}
# What a page shows beside each match, on top of what its document reads.
_SHOWN = {"posting": (selectinload(Posting.company), selectinload(Posting.region)),
          "profile": (selectinload(SeekerProfile.home_region),)}
_CHUNK = 900  # ids per IN (...): under SQLite's old 999-parameter limit


def _light_rows(session, kind: EntityKind, ids) -> dict:
    columns = _LIGHT[kind.name]
    found = {}
    for start in range(0, len(ids), _CHUNK):
        found.update((row.id, row) for row in _core(
            session, select(*columns).where(columns[0].in_(ids[start:start + _CHUNK]))))
    return found


def _skill_rows(session, kind: EntityKind, ids, taxonomy) -> list:
    """(owner id, label, required, taxonomy slug or None) of every skill the candidates list, in one query (per
    900 candidates) answered from the owner index alone; the slugs come from the taxonomy's ids, not a join."""
    table, owner, required = _SKILLS[kind.name]
    found = []
    for start in range(0, len(ids), _CHUNK):
        found += _core(session, select(owner, table.label, required, table.skill_id)
                       .where(owner.in_(ids[start:start + _CHUNK])).order_by(owner, table.id)).all()
    slugs = _slugs_by_id(session, taxonomy, {skill_id for *_, skill_id in found if skill_id is not None})
    return [(owner_id, label, needed, slugs.get(skill_id)) for owner_id, label, needed, skill_id in found]


def _slugs_by_id(session, taxonomy, ids: set) -> dict:
    """{skill id: slug}: from the taxonomy where it knows the rows' ids, asked of the database for the rest (a
    skill added since the taxonomy was cached, or a taxonomy built without ids)."""
    known = {ref.id: ref.slug for ref in taxonomy.skills.values() if ref.id in ids}
    missing = ids - known.keys()
    if missing:
        known.update(_core(session, select(Skill.id, Skill.slug).where(Skill.id.in_(sorted(missing)))).all())
    return known


def _core(session, statement):
    """Rows of a plain SELECT of columns on the session's connection: the ORM's result processing cost an
    employer's page ~5 ms for the ~3,000 skill rows of its 300 candidates, and these rows are no entities. Pending
    changes are flushed first, as the session's own execute would (a no-op when there are none)."""
    session.flush()
    return session.connection().execute(statement)


def _load(session, kind: EntityKind, ids):
    if not ids:
        return []
    model, options = kind.model, kind.load_options + _SHOWN[kind.name]
    found = []
    for start in range(0, len(ids), _CHUNK):
        found += session.scalars(select(model).where(model.id.in_(ids[start:start + _CHUNK])).options(*options)).all()
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
    return [_key(skill.skill.slug if skill.skill is not None else None, skill.label, taxonomy) for skill in skills]


def _key(slug: str | None, label: str, taxonomy, known: dict | None = None) -> str:
    """A skill's slug, else what its label resolves to (`known` remembers labels already resolved)."""
    if slug is not None:
        return slug
    if known is not None and label in known:
        return known[label]
    ref = taxonomy.resolve(label)
    key = ref.slug if ref else f"text:{normalise_label(label)}"
    if known is not None:
        known[label] = key
    return key


def _implied(slugs, taxonomy) -> set[str]:
    return {s for slug in slugs for s in (taxonomy.implied(slug) or {slug})}


def _implying(slugs, taxonomy) -> set[str]:
    """Skills that meet any of `slugs`: themselves and every narrower skill that implies them."""
    wanted = set(slugs)
    return wanted | {s for s in taxonomy.skills if taxonomy.implied(s) & wanted}


def _holds_skill(table, owner_key: str, owner_id, label, taxonomy):
    """Whether the owner (`owner_id`: Posting.id or SeekerProfile.id) holds a skill named `label` (in either
    language), or a narrower one that implies it. Asked per owner through the owner's index: as `owner IN (all
    holders)` it listed every holder in the country for each statement of a filtered page (20 ms each at 20k
    postings). Aliased, so it correlates with the owner alone in statements that join skills themselves."""
    held, skill = aliased(table), aliased(Skill)
    ref = taxonomy.resolve(label)
    query = select(held.id).where(getattr(held, owner_key) == owner_id)
    if ref is None:
        return query.where(held.label == label).exists()
    return query.join(skill, skill.id == held.skill_id).where(skill.slug.in_(_implying([ref.slug], taxonomy))).exists()


def _retention_fits(session, weights, today, rows) -> dict[str, np.ndarray]:
    """The employers' kept share as a fit, for a ranking that weighs it (MATCH_WEIGHTS["retention"] > 0): one
    grouped query for the pool's companies. A posting whose employer has no shown record stays neutral (NaN)."""
    if float((weights or {}).get("retention", 0.0)) <= 0:
        return {}
    kept = track_record.records(session, {r.company_id for r in rows}, today or today_in_korea())
    shares = [kept[r.company_id].share if r.company_id in kept else None for r in rows]
    return {"retention": np.array([float("nan") if s is None else s for s in shares], dtype=np.float64)}


def _posting_fits(profile: SeekerProfile, held: list[str], rows, skills, taxonomy) -> dict[str, np.ndarray]:
    """A seeker's fit with each candidate posting (`rows`, with their `skills` rows), one array per part."""
    held = _implied(held, taxonomy)
    position = {row.id: n for n, row in enumerate(rows)}
    keys = {}
    return {"experience": fit.experience_fits(profile.years_experience or 0, [r.min_experience or 0 for r in rows]),
            "salary": fit.salary_fits(profile.desired_salary_min or 0, [r.salary_min or 0 for r in rows],
                                      [r.salary_max or 0 for r in rows]),
            "skills": fit.skill_coverages([position[s[0]] for s in skills], [s[2] for s in skills],
                                          [_key(s[3], s[1], taxonomy, keys) in held for s in skills], len(rows))}


def _profile_fits(posting: Posting, wanted: list[str], rows, skills, taxonomy) -> dict[str, np.ndarray]:
    """A posting's fit with each candidate seeker (`rows`, with their `skills` rows), one array per part: a
    seeker meets a posting skill when one of theirs implies it (as `_implied` widens a seeker's skills)."""
    position = {row.id: n for n, row in enumerate(rows)}
    keys, meets = {}, {}
    met = np.zeros((len(rows), len(wanted)), dtype=bool)
    for owner, label, _, slug in skills:
        key = _key(slug, label, taxonomy, keys)
        if key not in meets:
            implied = taxonomy.implied(key) or {key}
            meets[key] = np.array([w in implied for w in wanted], dtype=bool)
        met[position[owner]] |= meets[key]
    required = [s.required for s in posting.skills]
    return {"experience": fit.experience_fits([r.years_experience or 0 for r in rows], posting.min_experience or 0),
            "salary": fit.salary_fits([r.desired_salary_min or 0 for r in rows], posting.salary_min or 0,
                                      posting.salary_max or 0),
            "skills": fit.skill_coverages(np.repeat(np.arange(len(rows)), len(wanted)), np.tile(required, len(rows)),
                                          met.reshape(-1), len(rows))}


def _explain_posting(posting: Posting, profile: SeekerProfile, held: set[str], taxonomy):
    """`held`: the seeker's skills widened by `_implied` (once per page, not per posting)."""
    matched, missing, _ = skill_report(posting.skills, _slugs(posting.skills, taxonomy), held)
    kind = "home" if posting.region_id == profile.home_region_id else "accepted"
    return matched, missing, {"kind": kind, "region": posting.region.slug}


def _explain_profile(posting: Posting, wanted: list[str], profile: SeekerProfile, taxonomy):
    """`wanted`: the posting's skill slugs (`_slugs`, once per page, not per seeker)."""
    held = _implied(_slugs(profile.skills, taxonomy), taxonomy)
    matched, missing, _ = skill_report(posting.skills, wanted, held)
    kind = "home" if posting.region_id == profile.home_region_id else "accepted"
    return matched, missing, {"kind": kind, "region": posting.region.slug}

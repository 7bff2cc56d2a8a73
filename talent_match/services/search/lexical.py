"""The lexical side of matching: BM25 over Korean morphemes and stemmed English words, one index per region.

`FieldedBM25` scores a query against a document's whole text (title and body, one BM25 field), and adds two kinds
of evidence on top, each measured on the ESCO titles dev set and on the Korean sets in tests/data:
- A title field, counted `title_boost` times for short *English* queries: an English job title that hits a
  posting's title is strong evidence (ESCO dev, lexical nDCG@10 0.245 -> 0.295), while Korean posting titles are
  compounds of generic morphemes (데이터·분석·개발자) and boosting them cost Korean short searches 0.733 -> 0.705
  (tests/data/korean-regional-jobs). So the boost fades with the query's length and with its share of Hangul
  terms (`title_boost`); a Korean query is scored by plain BM25 on the whole text.
- Taxonomy expansion (`LexicalQuery.expansion`): the names and aliases, in both languages, of the skills the query
  mentions, scored at EXPANSION_WEIGHT: "기계학습" meets "머신러닝" and "machine learning", "고장 예측" meets
  "예지보전" (Korean regional set 0.787 -> 0.807, tests/data/korean-ai-jobs 0.932 -> 0.939).
- Optionally, Korean neighbours (`LexicalQuery.neighbours`, services.search.neighbours): CoNg's nearest morphemes
  of the query's Hangul terms, at their own weight. Off by default: measured, it does not help.

`LexicalIndex` holds one FieldedBM25 per (kind, region) shard in this process (the engine's `lexical`), built on
first use from the database, from the terms saved beside each entity (`store_tokens`, called by
services.search.indexing when an entity is saved or bulk-encoded): a request never runs the tokeniser over stored
documents unless their saved terms are missing or stale (then it tokenises those). A saved row cut from the
entity's current version (its updated_at), on the same tokeniser, taxonomy and document code, is read as it is
(`trusted_terms`; a sample is checked against its documents); others are checked against their rebuilt
documents. At 100,000 seekers that took a cold process's build of every region from 124 to 17 CPU-s (9 to 2 for
postings): rebuilding each document through the ORM had a fresh gunicorn worker past its 120 s timeout, killed
and restarted, again and again. Shards are built (and scored) one region at a time, so a request waits for its
own region, not for a warm-up's all.
It stays fresh without trusting any single signal: each search compares a cheap fingerprint of the shard's
members (count, sum of ids, newest update) with the one it was built at and re-reads only what changed, and the
engine tells it (`note`) of every
change-log row it reads, for edits that leave the row untouched (skills replaced). At national scale that
fingerprint is an aggregate over tens of thousands of rows, so a shard the log has not marked takes it at most once
every `recheck_seconds` (INDEX_LEXICAL_RECHECK_SECONDS; 0 on every search). Results are always filtered again
in SQL by the caller, so a moment of staleness can reorder but never leak.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Hashable, Iterable, Sequence

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ...models import LexicalTokens
from ...models.base import as_utc
from ..reference import text as reference_text
from ..reference.text import SKILLS_CSV, latin_share
from . import documents
from . import tokens as tokens_module
from .bm25 import BM25Index
from .kinds import kind_of
from .tokens import tokenize, tokenize_many

TITLE_BOOST = 2.0
# Queries up to this many terms read as titles ("data engineer"); longer ones (a profile, a posting) are
# descriptions, and their title boost fades with the square of the ratio.
TITLE_QUERY_TERMS = 6
# The skill names and aliases a query's skills expand to count this much of a query term: 0.2-0.4 measured alike
# on the Korean sets; 1.0 drowned the seeker's own words (0.787 -> 0.768).
EXPANSION_WEIGHT = 0.2
ALIASES_PER_EXPANDED_SKILL = 5
READ_CHUNK = 500
# Names the tokeniser inside every saved-terms hash: change it when text.tokenize changes what it returns.
TOKENIZER_VERSION = "kiwi-morphemes+snowball/v1"
_SEP = "\t"  # terms never hold whitespace (texts are normalised, then split into words)
# Trusted saved rows (trusted_terms) of which this many are checked against their documents on each read: a second
# line of defence; the basis (terms_basis) names the code and data the documents and terms come from.
TRUST_SAMPLE = 40


def document_hash(doc: documents.Document) -> str:
    """What saved terms were cut from: the tokeniser version, the title and the body."""
    return hashlib.sha256(f"{TOKENIZER_VERSION}\0{doc.title}\0{doc.body}".encode()).hexdigest()


@functools.cache
def terms_basis() -> str:
    """What saved terms depend on besides their entity: the tokeniser (its version, its code, Kiwi's version), the
    shipped taxonomy whose names and aliases every document writes, and the code that writes documents. Any change
    to them leaves every saved row untrusted (checked the slow way) until `flask reindex` stamps it again."""
    parts = [TOKENIZER_VERSION.encode(), SKILLS_CSV.read_bytes(), importlib.metadata.version("kiwipiepy").encode()]
    parts += [Path(module.__file__).read_bytes() for module in (documents, reference_text, tokens_module)]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def store_tokens(session: Session, kind: str, entries: Sequence[tuple[int, documents.Document, object]]) -> int:
    """Save the BM25 terms of (entity_id, document, the entity's updated_at the document was built from) triples
    whose saved terms are missing or stale, in the caller's transaction, and stamp the others with that version
    where they carry another (so they stay trusted after a save that changed nothing they hold: trusted_terms).
    Returns how many were tokenised.
    Pass updated_at as flushed (a saved entity's new one), or None where it is not known: never trusted then."""
    done, basis = 0, terms_basis()
    for start in range(0, len(entries), 1000):
        chunk = entries[start:start + 1000]
        saved = {entity_id: (row_id, digest, (as_utc(version), row_basis))
                 for row_id, entity_id, digest, version, row_basis in session.execute(
                     select(LexicalTokens.id, LexicalTokens.entity_id, LexicalTokens.doc_hash,
                            LexicalTokens.entity_updated_at, LexicalTokens.basis)
                     .where(LexicalTokens.kind == kind, LexicalTokens.entity_id.in_([e for e, _, _ in chunk])))}
        todo = [(entity_id, doc, document_hash(doc), updated) for entity_id, doc, updated in chunk]
        kept = [dict(id=saved[t[0]][0], entity_updated_at=t[3], basis=basis) for t in todo
                if saved.get(t[0], (None, None))[1] == t[2] and saved[t[0]][2] != (as_utc(t[3]), basis)]
        todo = [t for t in todo if saved.get(t[0], (None, None))[1] != t[2]]
        titles = tokenize_many(doc.title for _, doc, _, _ in todo)
        bodies = tokenize_many(doc.body for _, doc, _, _ in todo)
        inserts, updates = [], []
        for (entity_id, _, digest, updated), title, body in zip(todo, titles, bodies):
            row = dict(doc_hash=digest, title=_SEP.join(title), body=_SEP.join(body), entity_updated_at=updated,
                       basis=basis)
            if entity_id in saved:
                updates.append(dict(row, id=saved[entity_id][0]))
            else:
                inserts.append(dict(row, kind=kind, entity_id=entity_id))
        if inserts:
            session.execute(insert(LexicalTokens), inserts)
        for rows in (updates, kept):  # apart: one executemany per set of columns
            if rows:
                session.execute(update(LexicalTokens), rows)
        done += len(todo)
    return done


def trusted_terms(session: Session, kind: str, stamps: dict[int, object]) -> dict:
    """{entity_id: (title terms, body terms)} of the saved rows that can be used without rebuilding the entity's
    document: cut on this basis from the entity's current version (`stamps`: id -> updated_at now). A row written
    from an older version (a bulk reindex that read the entity before an edit committed) is not. A sample is
    checked against the documents all the same; one mismatch and none is trusted (every row is checked the slow
    way, as saved_tokens does)."""
    found, digests = {}, {}
    wanted = list(stamps)
    for start in range(0, len(wanted), READ_CHUNK):
        rows = session.execute(
            select(LexicalTokens.entity_id, LexicalTokens.entity_updated_at, LexicalTokens.doc_hash,
                   LexicalTokens.title, LexicalTokens.body)
            .where(LexicalTokens.kind == kind, LexicalTokens.basis == terms_basis(),
                   LexicalTokens.entity_id.in_(wanted[start:start + READ_CHUNK])))
        for entity_id, version, digest, title, body in rows:
            updated = stamps[entity_id]
            if version is not None and updated is not None and as_utc(version) == as_utc(updated):
                found[entity_id] = (title.split(_SEP) if title else [], body.split(_SEP) if body else [])
                digests[entity_id] = digest
    if not found:
        return {}
    entity_kind = kind_of(kind)
    sample = random.sample(sorted(found), min(TRUST_SAMPLE, len(found)))
    entities = session.scalars(select(entity_kind.model).where(entity_kind.model.id.in_(sample))
                               .options(*entity_kind.load_options)).all()
    if len(entities) < len(sample) or any(document_hash(entity_kind.document(e)) != digests[e.id] for e in entities):
        return {}
    return found


def saved_tokens(session: Session, kind: str, entries: Sequence[tuple[int, documents.Document]]) -> dict:
    """{entity_id: (title terms, body terms)} of the entries whose saved terms match their document now."""
    if not entries:
        return {}
    rows = session.execute(select(LexicalTokens.entity_id, LexicalTokens.doc_hash, LexicalTokens.title,
                                  LexicalTokens.body)
                           .where(LexicalTokens.kind == kind,
                                  LexicalTokens.entity_id.in_([e for e, _ in entries])))
    wanted = {entity_id: doc for entity_id, doc in entries}
    found = {}
    for entity_id, digest, title, body in rows:
        doc = wanted.get(entity_id)
        if doc is not None and digest == document_hash(doc):
            found[entity_id] = (title.split(_SEP) if title else [], body.split(_SEP) if body else [])
    return found


@dataclass(frozen=True)
class LexicalQuery:
    """A query's own terms and the terms of its skills' other names (see the module docstring)."""

    tokens: tuple[str, ...]
    expansion: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()
    neighbour_weight: float = 0.0


def query_for(text: str, taxonomy=None, neighbours=None) -> LexicalQuery:
    """The lexical query of a text (a search, a benchmark query): its terms, with a taxonomy the names and aliases
    of the skills it mentions in either language, with `neighbours` (a neighbours.MorphemeNeighbours) the Korean
    neighbours of its terms."""
    return _query(_terms(text), text, taxonomy, neighbours)


def entity_query(session: Session, kind: str, entity, taxonomy=None, neighbours=None) -> LexicalQuery:
    """The lexical query of a saved posting or profile: the terms it is indexed under (its title's and body's),
    read from those saved beside it while they match its document (cutting them costs a request 5-9 ms of Kiwi at
    national scale), else cut now; the rest as `query_for`. Saved or cut, the terms are the same."""
    doc = kind_of(kind).document(entity)  # as services.search.indexing saves the terms
    saved = saved_tokens(session, kind, [(entity.id, doc)]).get(entity.id) if entity.id is not None else None
    title, body = saved or _document_terms(doc.title, doc.body)
    return _query((*title, *body), doc.text, taxonomy, neighbours)


def _query(tokens: tuple[str, ...], text: str, taxonomy, neighbours) -> LexicalQuery:
    near = neighbours.terms(tokens) if neighbours is not None else ()
    extra = {"neighbours": near, "neighbour_weight": neighbours.weight} if near else {}
    if taxonomy is None:
        return LexicalQuery(tokens, **extra)
    expansion = [term for slug in taxonomy.find_in_text(text) for term in _skill_terms(_skill_names(taxonomy, slug))]
    return LexicalQuery(tokens, tuple(expansion), **extra)


def _skill_names(taxonomy, slug: str) -> tuple[str, ...]:
    ref = taxonomy.skills[slug]
    return tuple(dict.fromkeys([ref.name_en, ref.name_ko, *taxonomy.aliases(slug)[:ALIASES_PER_EXPANDED_SKILL]]))


@functools.lru_cache(maxsize=2048)
def _terms(text: str) -> tuple[str, ...]:
    """A query text's terms: a person paging or re-sorting their matches asks again with the same text, and Kiwi
    is most of a query's lexical cost."""
    return tuple(tokenize(text))


@functools.lru_cache(maxsize=1024)
def _document_terms(title: str, body: str) -> tuple[list[str], list[str]]:
    title_terms, body_terms = tokenize_many([title, body])
    return title_terms, body_terms


@functools.lru_cache(maxsize=4096)
def _skill_terms(names: tuple[str, ...]) -> tuple[str, ...]:
    """The terms of one skill's names: cut once per process and skill, not once per query."""
    return tuple(tokenize(" / ".join(names)))


class FieldedBM25:
    """BM25 on the whole text, plus the title field for title-like English queries and the taxonomy expansion.
    Used by the site (per region) and the evaluation harness."""

    def __init__(self, title_boost: float = TITLE_BOOST):
        self.title_boost = title_boost
        self.title = BM25Index()
        self.text = BM25Index()

    def __len__(self) -> int:
        return len(self.text)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self.text

    def add(self, doc_id: Hashable, title_tokens: Sequence[str], body_tokens: Sequence[str]) -> None:
        self.title.add(doc_id, title_tokens)
        self.text.add(doc_id, [*title_tokens, *body_tokens])

    def add_documents(self, ids: Sequence[Hashable], docs: Sequence[documents.Document]) -> None:
        """Tokenise and add many documents in one batch (Kiwi spreads a batch over its threads)."""
        titles = tokenize_many(d.title for d in docs)
        bodies = tokenize_many(d.body for d in docs)
        for doc_id, title, body in zip(ids, titles, bodies):
            self.add(doc_id, title, body)

    def remove(self, doc_id: Hashable) -> None:
        self.title.remove(doc_id)
        self.text.remove(doc_id)

    def score_array(self, query: LexicalQuery | Sequence[str]) -> tuple[list, np.ndarray]:
        """(ids, scores) of every document. Both fields see the same adds and removes, so their ids align."""
        if not isinstance(query, LexicalQuery):
            query = LexicalQuery(tuple(query))
        ids = self.text.ids
        scores = self.text.score_array(query.tokens)
        if query.expansion:
            scores = scores + EXPANSION_WEIGHT * self.text.score_array(query.expansion)
        if query.neighbours and query.neighbour_weight > 0:
            scores = scores + query.neighbour_weight * self.text.score_array(query.neighbours)
        boost = title_boost(self.title_boost, query.tokens)
        if boost:
            title_ids = self.title.ids
            title_scores = self.title.score_array(query.tokens)
            if title_ids != ids:  # defensive: realign by id
                position = {doc_id: n for n, doc_id in enumerate(title_ids)}
                title_scores = title_scores[[position[doc_id] for doc_id in ids]]
            scores = scores + boost * title_scores
        return ids, scores

    def scores(self, query: LexicalQuery | Sequence[str]) -> dict:
        """{id: score} of the documents sharing a term with the query."""
        ids, scores = self.score_array(query)
        return {ids[n]: float(scores[n]) for n in np.flatnonzero(scores)}


def title_boost(boost: float, query_tokens: Sequence[str]) -> float:
    """The full boost for title-length English queries, fading for longer ones and with the share of Hangul."""
    return boost * min(1.0, (TITLE_QUERY_TERMS / max(len(query_tokens), 1)) ** 2) * latin_share(query_tokens) ** 2


class _Shard:
    def __init__(self):
        self.bm25 = FieldedBM25()
        self.stamps: dict[int, object] = {}  # entity id -> updated_at it was read at
        self.fingerprint: tuple | None = None
        self.checked_at = 0.0  # time.monotonic() of the last fingerprint
        self.dirty: set[int] = set()


class LexicalIndex:
    """This process's per-region BM25 indexes for postings and profiles; see the module docstring."""

    def __init__(self, recheck_seconds: float = 0.0):
        self._shards: dict[tuple[str, int], _Shard] = {}
        self._lock = threading.Lock()
        self.recheck_seconds = recheck_seconds

    def scores(self, session: Session, kind: str, region_ids: Iterable[int],
               query: LexicalQuery) -> dict[int, float]:
        """BM25 of every entity in the regions' shards that shares a term with the query (best region wins)."""
        ids, scores = self.score_arrays(session, kind, region_ids, query)
        return dict(zip(ids.tolist(), scores.tolist()))

    def score_arrays(self, session: Session, kind: str, region_ids: Iterable[int],
                     query: LexicalQuery) -> tuple[np.ndarray, np.ndarray]:
        """`scores` as (ids, scores) arrays in the same order, without a Python object per entity."""
        found_ids, found_scores = [], []
        for region in sorted(set(region_ids)):
            with self._lock:  # scored as refreshed: no other thread (a warm-up, a note) changes it in between
                ids, scores = self._fresh(session, kind, region).bm25.score_array(query)
                hits = np.flatnonzero(scores)
                found_ids.append(np.asarray(ids, dtype=np.int64)[hits])
            found_scores.append(scores[hits])
        if not found_ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids, scores = np.concatenate(found_ids), np.concatenate(found_scores)
        if len(found_ids) > 1:  # an entity in several regions' shards: its best score, at its first place
            unique, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
            best = np.zeros(len(unique))
            np.maximum.at(best, inverse, scores)
            keep = np.sort(first)
            ids, scores = ids[keep], best[inverse[keep]]
        return ids, scores

    def refresh(self, session: Session, kind: str, region_ids: Iterable[int]) -> None:
        """Bring the regions' shards up to the database: their members' fingerprints, and what `note` marked."""
        for region in region_ids:
            with self._lock:  # one region at a time: a request waits for one shard's build, not a warm-up's all
                self._fresh(session, kind, region)

    def _fresh(self, session: Session, kind: str, region: int) -> _Shard:
        """The region's shard, brought up to the database first. Call it holding the lock."""
        entity_kind = kind_of(kind)
        model = entity_kind.model
        shard = self._shards.setdefault((kind, region), _Shard())
        now = time.monotonic()
        if shard.fingerprint is not None and not shard.dirty and now - shard.checked_at < self.recheck_seconds:
            return shard
        shard.checked_at = now
        fingerprint = tuple(session.execute(select(func.count(), func.sum(model.id), func.max(model.updated_at))
                                            .where(entity_kind.in_regions([region]))).one())
        if fingerprint != shard.fingerprint or shard.dirty:
            self._sync(session, kind, region, shard, fingerprint)
        return shard

    def note(self, entries: Iterable[tuple[str, int, int]]) -> None:
        """Mark the (kind, region, entity) entries the change log mentions as dirty in the shards held (skills
        edits, re-encodes): the next refresh re-reads them. A batch of the cursor (a dict keyed so) will do."""
        with self._lock:
            for kind, region, entity_id in entries:
                shard = self._shards.get((kind, region))
                if shard is not None:
                    shard.dirty.add(entity_id)

    def clear(self) -> None:
        with self._lock:
            self._shards.clear()

    def _sync(self, session: Session, kind: str, region: int, shard: _Shard, fingerprint: tuple) -> None:
        """Re-read the members whose stamp changed (or that the log marked), drop those gone."""
        entity_kind = kind_of(kind)
        model = entity_kind.model
        current = dict(session.execute(select(model.id, model.updated_at).where(entity_kind.in_regions([region])))
                       .all())
        changed = [i for i, stamp in current.items() if shard.stamps.get(i) != stamp or i in shard.dirty]
        for gone in set(shard.stamps) - set(current):
            shard.bm25.remove(gone)
            del shard.stamps[gone]
        trusted = trusted_terms(session, kind, {i: current[i] for i in changed if i not in shard.dirty})
        for entity_id, (title, body) in trusted.items():
            shard.bm25.add(entity_id, title, body)
            shard.stamps[entity_id] = current[entity_id]
        changed = [i for i in changed if i not in trusted]
        for start in range(0, len(changed), READ_CHUNK):
            chunk = changed[start:start + READ_CHUNK]
            entities = session.scalars(select(model).where(model.id.in_(chunk))
                                       .options(*entity_kind.load_options)).all()
            entries = [(e.id, entity_kind.document(e)) for e in entities]
            saved = saved_tokens(session, kind, entries)
            for entity_id, (title, body) in saved.items():
                shard.bm25.add(entity_id, title, body)
            fresh = [(entity_id, doc) for entity_id, doc in entries if entity_id not in saved]
            if fresh:  # saved by none of the indexing paths (or by an older tokeniser): tokenise now
                shard.bm25.add_documents([entity_id for entity_id, _ in fresh], [doc for _, doc in fresh])
            shard.stamps.update({e.id: current[e.id] for e in entities})
        shard.fingerprint = fingerprint
        shard.dirty.clear()


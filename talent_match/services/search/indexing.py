"""Keeps stored vectors and the index change log in step with postings and profiles.

Saving an entity stores its embedding (encoded only when its text or the model changed) and appends IndexChange
rows for the shards it joins or leaves, in the caller's transaction. Every process replays that log into its own
in-memory shards (`SearchEngine.catch_up`), so a save in one worker or host is searchable in all of them.
A posting is in shard ("posting", its region) while open; a profile in ("profile", r) for each region it accepts
while discoverable. Its vector is stored either way: the seeker's own search uses it as the query.
"""
from __future__ import annotations

import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from ...models import (
    ENTITY_KINDS,
    IndexChange,
    LexicalTokens,
    Posting,
    PostingSkill,
    ProfileSkill,
    SeekerProfile,
    StoredVector,
    profile_accepted_region,
)
from . import documents, lexical

log = logging.getLogger(__name__)

MODELS = {"posting": Posting, "profile": SeekerProfile}
# What documents.* and shard_regions read, loaded per chunk instead of per entity.
LOAD_OPTIONS = {"posting": (selectinload(Posting.skills).selectinload(PostingSkill.skill),),
                "profile": (selectinload(SeekerProfile.skills).selectinload(ProfileSkill.skill),
                            selectinload(SeekerProfile.accepted_regions))}
Progress = Callable[[int, int], None]


class ModelUnavailable(RuntimeError):
    """Bulk encoding was asked for while the embedding model cannot be loaded."""


# --- membership: one place says which shards an entity belongs in ------------------------------------------------

def shard_regions(kind: str, entity) -> set[int]:
    """The regions whose shard of `kind` should hold this entity now."""
    if kind == "posting":
        return {entity.region_id} if entity.status == "open" else set()
    return entity.region_ids() if entity.discoverable else set()


def member_rows(kind: str, region_ids: list[int]):
    """The same rule as shard_regions, in SQL: (entity_id, region_id, vector) of every shard member with a
    stored vector, for rebuilds. Profiles come twice: by home region, then by accepted regions."""
    v = StoredVector
    if kind == "posting":
        return [select(v.entity_id, Posting.region_id, v.vector).join(Posting, Posting.id == v.entity_id)
                .where(v.kind == kind, Posting.status == "open", Posting.region_id.in_(region_ids))]
    home = (select(v.entity_id, SeekerProfile.home_region_id, v.vector)
            .join(SeekerProfile, SeekerProfile.id == v.entity_id)
            .where(v.kind == kind, SeekerProfile.discoverable.is_(True), SeekerProfile.home_region_id.in_(region_ids)))
    accepted = (select(v.entity_id, profile_accepted_region.c.region_id, v.vector)
                .join(SeekerProfile, SeekerProfile.id == v.entity_id)
                .join(profile_accepted_region, profile_accepted_region.c.profile_id == SeekerProfile.id)
                .where(v.kind == kind, SeekerProfile.discoverable.is_(True),
                       profile_accepted_region.c.region_id.in_(region_ids)))
    return [home, accepted]


def entity_text(kind: str, entity) -> str:
    return documents.posting_text(entity) if kind == "posting" else documents.profile_text(entity)


def entity_document(kind: str, entity) -> documents.Document:
    return documents.posting_document(entity) if kind == "posting" else documents.profile_document(entity)


def stored_hash(encoder, doc: documents.Document) -> str:
    """The hash a stored vector of `doc` carries: model, vector recipe and text (documents.embedding_key)."""
    return encoder.text_hash(documents.embedding_key(doc))


# --- one entity at a time: called by the services that save or delete ------------------------------------------

def sync_posting(session: Session, engine, posting: Posting) -> bool:
    """Keep the posting's vector and shard membership current. Returns True when it was (re-)encoded."""
    return _sync(session, engine, "posting", posting)


def sync_profile(session: Session, engine, profile: SeekerProfile) -> bool:
    """Keep the profile's vector and shard membership current. Returns True when it was (re-)encoded."""
    return _sync(session, engine, "profile", profile)


def remove_entity(session: Session, engine, kind: str, entity_id: int) -> None:
    """Deletion (of the account, the posting, or the consent to process the profile at all): forget the vector
    and take the entity out of every shard it was in. Turning `discoverable` off is a sync_profile: the vector
    stays for the seeker's own search. `engine` is unused, taken for symmetry with the sync functions."""
    _check_kind(kind)
    previous = logged_regions(session, kind, [entity_id]).get(entity_id, set())
    session.execute(delete(StoredVector).where(StoredVector.kind == kind, StoredVector.entity_id == entity_id))
    session.execute(delete(LexicalTokens).where(LexicalTokens.kind == kind, LexicalTokens.entity_id == entity_id))
    _log(session, [(kind, region, entity_id, "remove") for region in sorted(previous)])


def _sync(session: Session, engine, kind: str, entity) -> bool:
    if entity.id is None:
        session.flush()
    doc = entity_document(kind, entity)
    stored = session.scalar(select(StoredVector).where(StoredVector.kind == kind,
                                                       StoredVector.entity_id == entity.id))
    changed = encoded = False  # changed: the stored vector was replaced or dropped, every shard must hear it
    encoder = engine.encoder() if engine is not None else None
    if encoder is None:
        log.info("model unavailable: %s %s saved without a new vector", kind, entity.id)
    elif stored is None or stored.text_hash != stored_hash(encoder, doc) or stored.model_id != encoder.model_id:
        vector = engine.embed_document(doc)
        if vector is not None:
            if stored is None:
                stored = StoredVector(kind=kind, entity_id=entity.id)
                session.add(stored)
            stored.model_id, stored.dim = encoder.model_id, int(vector.shape[0])
            stored.text_hash, stored.vector = stored_hash(encoder, doc), _to_bytes(vector)
            changed = encoded = True
        elif stored is not None:  # the text was emptied: nothing left to match on
            session.delete(stored)
            changed = True
    regions = shard_regions(kind, entity)
    previous = logged_regions(session, kind, [entity.id]).get(entity.id, set())
    joined = regions if changed else regions - previous
    _log(session, [(kind, r, entity.id, "upsert") for r in sorted(joined)]
         + [(kind, r, entity.id, "remove") for r in sorted(previous - regions)])
    lexical.store_tokens(session, kind, [(entity.id, doc)])  # with or without a model: BM25 needs no model
    return encoded


def logged_regions(session: Session, kind: str, entity_ids: Iterable[int]) -> dict[int, set[int]]:
    """Where the change log last put each entity: its regions whose latest op is an upsert."""
    ids = list(entity_ids)
    current: dict[int, set[int]] = {}
    for start in range(0, len(ids), 1000):
        rows = session.execute(select(IndexChange.entity_id, IndexChange.region_id, IndexChange.op)
                               .where(IndexChange.kind == kind, IndexChange.entity_id.in_(ids[start:start + 1000]))
                               .order_by(IndexChange.id))
        for entity_id, region_id, op in rows:
            regions = current.setdefault(entity_id, set())
            (regions.add if op == "upsert" else regions.discard)(region_id)
    return current


def _log(session: Session, changes: list[tuple[str, int, int, str]]) -> None:
    if changes:
        session.execute(insert(IndexChange), [dict(kind=k, region_id=r, entity_id=e, op=op)
                                              for k, r, e, op in changes])


# --- bulk: seeding, model changes, repairs -----------------------------------------------------------------------

def encode_missing(session: Session, engine, kinds: Iterable[str] = ENTITY_KINDS, batch_size: int | None = None,
                   progress: Progress | None = None, reencode: bool = False, chunk_size: int = 2000) -> int:
    """Encode every entity whose stored vector is missing or stale (other text or model); all of them with
    `reencode`. Returns how many were encoded.

    Works in chunks (texts built together, one encode call, bulk writes, a commit per chunk), and pipelined:
    while the model encodes one chunk on a helper thread, this thread writes the previous chunk and builds the
    next one's texts. Commits the caller's session."""
    encoder = engine.encoder() if engine is not None else None
    if encoder is None:
        raise ModelUnavailable(engine.health()["model"].get("error", "no model") if engine else "no search engine")
    kinds = [_check_kind(kind) for kind in kinds]
    total = sum(session.scalar(select(func.count()).select_from(MODELS[kind])) or 0 for kind in kinds)
    done, encoded, pending = 0, 0, None
    with ThreadPoolExecutor(1, thread_name_prefix="encode-missing") as helper:
        for kind in kinds:
            for entities in _chunks(session, kind, chunk_size):
                todo = _stale(session, encoder, kind, entities, reencode)
                lexical.store_tokens(session, kind, [(e.id, entity_document(kind, e)) for e in entities])
                docs = [doc for _, doc, _, _, _ in todo]
                encode = functools.partial(encoder.encode, batch_size=batch_size)
                work = helper.submit(documents.embed_documents, encode, docs,
                                     reads_hangul=encoder.reads_hangul) if todo else None
                if pending is not None:
                    encoded += _store(session, encoder, *pending)
                    done += pending[-1]
                    if progress:
                        progress(done, total)
                pending = (kind, todo, work, len(entities))
        if pending is not None:
            encoded += _store(session, encoder, *pending)
            if progress:
                progress(done + pending[-1], total)
    return encoded


def _chunks(session: Session, kind: str, size: int):
    model, last_id = MODELS[kind], 0
    while True:
        entities = list(session.scalars(select(model).where(model.id > last_id).order_by(model.id).limit(size)
                                        .options(*LOAD_OPTIONS[kind])))
        if not entities:
            return
        last_id = entities[-1].id
        yield entities


def _stale(session: Session, encoder, kind: str, entities: list, reencode: bool) -> list[tuple]:
    """(entity_id, document, hash, regions, stored row id) of the entities needing a vector: plain values, so the
    commit of the previous chunk (which expires every loaded entity) costs no reloads."""
    stored = {entity_id: (row_id, digest, model_id) for row_id, entity_id, digest, model_id in session.execute(
        select(StoredVector.id, StoredVector.entity_id, StoredVector.text_hash, StoredVector.model_id)
        .where(StoredVector.kind == kind, StoredVector.entity_id.in_([e.id for e in entities])))}
    todo = []
    for entity in entities:
        doc = entity_document(kind, entity)
        digest, old = stored_hash(encoder, doc), stored.get(entity.id)
        if doc.text.strip() and (reencode or old is None or old[1] != digest or old[2] != encoder.model_id):
            todo.append((entity.id, doc, digest, shard_regions(kind, entity), old[0] if old else None))
    return todo


def _store(session: Session, encoder, kind: str, todo: list[tuple], work, _count: int) -> int:
    """Write one chunk's vectors and its shard changes, and commit."""
    if not todo:
        session.commit()
        return 0
    vectors = np.asarray(work.result(), dtype=np.float32)
    inserts, updates = [], []
    for (entity_id, _, digest, _, row_id), vector in zip(todo, vectors):
        row = dict(model_id=encoder.model_id, dim=int(vector.shape[0]), text_hash=digest, vector=_to_bytes(vector))
        if row_id is None:
            inserts.append(dict(row, kind=kind, entity_id=entity_id))
        else:
            updates.append(dict(row, id=row_id))
    if inserts:
        session.execute(insert(StoredVector), inserts)
    if updates:
        session.execute(update(StoredVector), updates)
    previous = logged_regions(session, kind, [entity_id for entity_id, *_ in todo])
    changes = []
    for entity_id, _, _, regions, _ in todo:
        changes += [(kind, r, entity_id, "upsert") for r in sorted(regions)]
        changes += [(kind, r, entity_id, "remove") for r in sorted(previous.get(entity_id, set()) - regions)]
    _log(session, changes)
    session.commit()
    return len(todo)


def shard_vectors(session: Session, kind: str, region_ids: Iterable[int], model_id: str | None,
                  batch: int = 5000) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """region_id -> (ids, vectors) of the members of those shards, from stored vectors: what a rebuild adds.
    One pass per kind, however many regions; never encodes."""
    regions = list(region_ids)
    members: dict[int, dict[int, bytes]] = {region: {} for region in regions}
    for query in member_rows(kind, regions):
        if model_id is not None:
            query = query.where(StoredVector.model_id == model_id)
        for entity_id, region, blob in session.execute(query.execution_options(yield_per=batch)):
            members[region][entity_id] = blob
    result = {}
    for region, blobs in members.items():
        ids = np.fromiter(blobs, dtype=np.int64, count=len(blobs))
        vectors = np.frombuffer(b"".join(blobs.values()), dtype=np.float32).reshape(len(ids), -1) if blobs \
            else np.empty((0, 0), dtype=np.float32)
        result[region] = (ids, vectors)
    return result


def rebuild_shards(session: Session, engine, kinds: Iterable[str] | None = None,
                   regions: Iterable[int] | None = None, progress: Progress | None = None) -> int:
    """Rebuild this process's shards from stored vectors (no encoding) and save them. Returns the vector count."""
    return engine.rebuild(session, kinds=kinds, regions=regions, progress=progress)


def reindex_job(session: Session, engine, progress: Progress | None = None, *, kinds=ENTITY_KINDS,
                reencode: bool = False, batch_size: int | None = None) -> str:
    """The `reindex` background job: encode what is missing (or everything), then rebuild the shards. Without the
    model, a plain reindex still rebuilds the shards from the vectors stored (only --reencode needs the model)."""
    try:
        encoded = encode_missing(session, engine, kinds=kinds, batch_size=batch_size, progress=progress,
                                 reencode=reencode)
    except ModelUnavailable:
        if reencode:
            raise
        vectors = rebuild_shards(session, engine, kinds=kinds, progress=progress)
        return f"model unavailable: encoded nothing; shards hold {vectors} stored vectors"
    vectors = rebuild_shards(session, engine, kinds=kinds, progress=progress)
    return f"encoded {encoded}; shards hold {vectors} vectors"


def _to_bytes(vector) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


def _check_kind(kind: str) -> str:
    if kind not in ENTITY_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ENTITY_KINDS)}, not {kind!r}")
    return kind

"""The search side's one writer: keeps stored vectors, saved BM25 terms and the change log in step with entities.

Saving an entity stores its embedding (encoded only when its text or the model changed) and its BM25 terms, and
logs the shards it joins or leaves (its kind's `shard_regions`), all in the caller's transaction. Every process
follows that log (`SearchEngine.catch_up`), so a save in one worker or host is searchable in all of them. The vector
is stored even while the entity is in no shard: the seeker's own search uses it as the query.
"""
from __future__ import annotations

import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from embeddings.threads import available_cores

from ...models import ENTITY_KINDS, LexicalTokens, Posting, SeekerProfile, StoredVector
from . import change_log, documents, lexical
from .change_log import logged_regions
from .kinds import POSTING, PROFILE, EntityKind, kind_of

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class ModelUnavailable(RuntimeError):
    """Bulk encoding was asked for while the embedding model cannot be loaded."""


class IndexNotWritten(RuntimeError):
    """A rebuild asked for now left shards unbuilt or unsaved (a full disk): they are retried in the background."""


def stored_hash(encoder, doc: documents.Document) -> str:
    """The hash a stored vector of `doc` carries: model, vector recipe and text (documents.embedding_key)."""
    return encoder.text_hash(documents.embedding_key(doc))


# --- one entity at a time: called by the services that save or delete ------------------------------------------

def sync_posting(session: Session, engine, posting: Posting) -> bool:
    """Keep the posting's vector and shard membership current. Returns True when it was (re-)encoded."""
    return _sync(session, engine, POSTING, posting)


def sync_profile(session: Session, engine, profile: SeekerProfile) -> bool:
    """Keep the profile's vector and shard membership current. Returns True when it was (re-)encoded."""
    return _sync(session, engine, PROFILE, profile)


def remove_entity(session: Session, engine, kind: str, entity_id: int) -> None:
    """Deletion (of the account, the posting, or the consent to process the profile at all): forget the vector
    and take the entity out of every shard it was in. Turning `discoverable` off is a sync_profile: the vector
    stays for the seeker's own search.

    Once the transaction commits, the files of those shards on this host are removed at once (not at the next
    save, minutes later): they may hold the vector. Each process writes them again after applying the removal."""
    kind = kind_of(kind).name
    previous = logged_regions(session, kind, [entity_id]).get(entity_id, set())
    session.execute(delete(StoredVector).where(StoredVector.kind == kind, StoredVector.entity_id == entity_id))
    session.execute(delete(LexicalTokens).where(LexicalTokens.kind == kind, LexicalTokens.entity_id == entity_id))
    change_log.append(session, [(kind, region, entity_id, "remove") for region in sorted(previous)])
    if engine is not None and previous:
        erased = session.info.setdefault(ERASED, {})
        erased.setdefault(engine, set()).update((kind, region) for region in previous)


ERASED = "search.erased_shards"  # session.info: engine -> shard keys whose files go once the erasure commits


@event.listens_for(Session, "after_commit")
def _drop_erased_files(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release commits nothing yet
        for engine, keys in session.info.pop(ERASED, {}).items():
            engine.drop_shard_files(keys)


@event.listens_for(Session, "after_rollback")
def _keep_files(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(ERASED, None)  # nothing was erased


def _sync(session: Session, engine, entity_kind: EntityKind, entity) -> bool:
    if entity.id is None:
        session.flush()
    kind, doc = entity_kind.name, entity_kind.document(entity)
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
    regions = entity_kind.shard_regions(entity)
    previous = logged_regions(session, kind, [entity.id]).get(entity.id, set())
    joined = regions if changed else regions - previous
    change_log.append(session, [(kind, r, entity.id, "upsert") for r in sorted(joined)]
                      + [(kind, r, entity.id, "remove") for r in sorted(previous - regions)])
    session.flush()  # the terms are stamped with the entity's updated_at as saved
    lexical.store_tokens(session, kind, [(entity.id, doc, entity.updated_at)])  # with or without a model
    return encoded


# --- bulk: seeding, model changes, repairs -----------------------------------------------------------------------

def encode_missing(session: Session, engine, kinds: Iterable[str] = ENTITY_KINDS, batch_size: int | None = None,
                   progress: Progress | None = None, reencode: bool = False, chunk_size: int = 2000,
                   unencoded_only: bool = False) -> int:
    """Encode every entity whose stored vector is missing or stale (other text or model); all of them with
    `reencode`; with `unencoded_only`, those the log placed in a shard but that have no vector at all (saved
    while the model was unavailable: see has_unencoded). Returns how many were encoded.

    Works in chunks (texts built together, one encode call, bulk writes, a commit per chunk), and pipelined:
    while the model encodes one chunk on a helper thread, this thread writes the previous chunk and builds the
    next one's texts, and the encoder runs its length-sorted batches on every core. Commits the caller's session."""
    encoder = engine.encoder() if engine is not None else None
    if encoder is None:
        raise ModelUnavailable(engine.health()["model"].get("error", "no model") if engine else "no search engine")
    kinds = [kind_of(kind) for kind in kinds]
    cores = available_cores()  # bulk work takes every core, even in a web worker capped at one thread
    total = sum(session.scalar(select(func.count()).select_from(kind.model)) or 0 for kind in kinds)
    done, encoded, pending = 0, 0, None
    with ThreadPoolExecutor(1, thread_name_prefix="encode-missing") as helper:
        for kind in kinds:
            for entities in _chunks(session, kind, chunk_size, _unencoded(kind) if unencoded_only else None):
                chunk = [(entity, kind.document(entity)) for entity in entities]
                todo = _stale(session, encoder, kind, chunk, reencode)
                lexical.store_tokens(session, kind.name, [(entity.id, doc, entity.updated_at) for entity, doc in chunk])
                docs = [doc for _, doc, _, _, _ in todo]
                encode = functools.partial(encoder.encode, batch_size=batch_size, threads=cores)
                work = helper.submit(documents.embed_documents, encode, docs,
                                     reads_hangul=encoder.reads_hangul) if todo else None
                if pending is not None:
                    encoded += _store(session, encoder, *pending)
                    done += pending[-1]
                    if progress:
                        progress(done, total)
                pending = (kind.name, todo, work, len(entities))
        if pending is not None:
            encoded += _store(session, encoder, *pending)
            if progress:
                progress(done + pending[-1], total)
    return encoded


def has_unencoded(session: Session) -> bool:
    """Whether some entity is in a shard by the log but has no stored vector: one query per kind."""
    return any(session.scalar(select(kind.model.id).where(_unencoded(kind)).limit(1)) is not None
               for kind in map(kind_of, ENTITY_KINDS))


def _unencoded(kind: EntityKind):
    model = kind.model
    return change_log.ever_placed(kind.name, model.id) & ~select(StoredVector.id).where(
        StoredVector.kind == kind.name, StoredVector.entity_id == model.id).exists()


def _chunks(session: Session, kind: EntityKind, size: int, where=None):
    model, last_id = kind.model, 0
    while True:
        query = select(model).where(model.id > last_id, *(() if where is None else (where,)))
        entities = list(session.scalars(query.order_by(model.id).limit(size).options(*kind.load_options)))
        if not entities:
            return
        last_id = entities[-1].id
        yield entities


def _stale(session: Session, encoder, kind: EntityKind, chunk: list[tuple], reencode: bool) -> list[tuple]:
    """(entity_id, document, hash, regions, stored row id) of the (entity, document) pairs needing a vector: plain
    values, so the commit of the previous chunk (which expires every loaded entity) costs no reloads."""
    stored = {entity_id: (row_id, digest, model_id) for row_id, entity_id, digest, model_id in session.execute(
        select(StoredVector.id, StoredVector.entity_id, StoredVector.text_hash, StoredVector.model_id)
        .where(StoredVector.kind == kind.name, StoredVector.entity_id.in_([e.id for e, _ in chunk])))}
    todo = []
    for entity, doc in chunk:
        digest, old = stored_hash(encoder, doc), stored.get(entity.id)
        if doc.text.strip() and (reencode or old is None or old[1] != digest or old[2] != encoder.model_id):
            todo.append((entity.id, doc, digest, kind.shard_regions(entity), old[0] if old else None))
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
    change_log.append(session, changes)
    session.commit()
    return len(todo)


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


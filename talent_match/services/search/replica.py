"""This process's copy of the vector shards, built from stored vectors and kept in step with the change log.

Every process (gunicorn worker, host) holds its own shards and follows the log with its one cursor (`follow`, which
hands each batch on to the lexical index too), so a save anywhere is searchable everywhere on the next search.
Files in INDEX_DIR only shorten a restart: a shard loads with the generation it was saved at and replays what came
after. A missing, bad or stale file is set aside and the shard rebuilt from stored vectors on a background thread,
while an empty stand-in (that still follows the log) answers searches.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from embeddings import shard_files
from embeddings.shard_set import ShardSet, shard_name
from embeddings.store import VectorShard

from ...models import ENTITY_KINDS, Region, StoredVector
from . import change_log
from .change_log import ChangeCursor, Key
from .kinds import kind_of

log = logging.getLogger(__name__)

BATCH = 20_000  # stored vectors fetched per query
Heard = Callable[[dict[Key, tuple[int, str]]], None]


class ShardReplica:
    def __init__(self, index_dir: str, *, cursor: ChangeCursor, exact_max: int, rebuild_wait: float,
                 save_interval: float):
        self.dir = Path(index_dir)
        self.cursor = cursor  # the process's one place in the log, shared with whoever else follows it
        self.exact_max, self.rebuild_wait, self.save_interval = exact_max, rebuild_wait, save_interval
        self._lock = threading.RLock()
        self._rebuilt = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self.clear()

    def clear(self) -> None:
        self._epoch = getattr(self, "_epoch", 0) + 1  # a rebuild begun before a clear must not install after it
        self.shards: ShardSet | None = None
        self.space: str | None = None        # the model id of every vector held
        self.keys: list[tuple[str, int]] = []
        self._pending: list[tuple] = []
        self._rebuilding: dict[tuple, str] = {}  # key -> "building", or why its file was set aside
        self._failed: dict[tuple, str] = {}
        self._deadline = 0.0
        self._saved_at = time.monotonic()
        self._bind = None
        self.device = "cpu"

    @property
    def loaded(self) -> bool:
        return self.shards is not None

    # --- loading ------------------------------------------------------------------------------------------------

    def load(self, session: Session, top: int, space: str, dim: int, device: str = "cpu") -> None:
        """Load every (kind, region) shard saved for this model; schedule rebuilds for the rest. `top` is the
        newest change id. The cursor moves back to the oldest shard's generation, never forward: what it has read,
        the lexical index has heard."""
        with self._lock:
            if self.loaded:
                return
            self._bind, self.space, self.device = session.get_bind(), space, device
            self.shards = ShardSet(self.dir, model_id=space, dim=dim, exact_max=self.exact_max, device=device)
            low = change_log.oldest_id(session)
            regions = list(session.scalars(select(Region.id).order_by(Region.id)))
            self.keys = [(kind, region) for kind in ENTITY_KINDS for region in regions]
            generations = []
            for kind, region in self.keys:
                if not shard_files.exists(self.dir, shard_name(kind, region)):
                    self._schedule((kind, region), "building", top)
                    continue
                try:
                    generation = self.shards.get(kind, region).generation
                    if generation > top or (low is not None and generation < low - 1):
                        raise ValueError(f"generation {generation} is outside the change log ({low}..{top})")
                    generations.append(generation)
                except Exception as exc:  # noqa: BLE001 - any unreadable file is set aside and rebuilt
                    reason = f"{type(exc).__name__}: {exc}"[:300]
                    log.warning("shard %s/%s set aside (%s); rebuilding it from stored vectors", kind, region, reason)
                    self.shards.set_aside(kind, region)
                    self._schedule((kind, region), reason, top)
            self.cursor.last = min(generations + [top] + ([self.cursor.last] if self.cursor.last else []))
            self.cursor.note_gaps_below(session, self.cursor.last)
        self.wait_for_rebuilds(max(0.0, self._deadline - time.monotonic()))

    def _schedule(self, key: tuple, reason: str, generation: int) -> None:
        self.shards.rebuild(*key, np.empty(0, np.int64), np.empty((0, self.shards.dim), np.float32),
                            generation=generation)  # the stand-in
        self._rebuilding[key] = reason
        self._pending.append(key)
        self._deadline = time.monotonic() + self.rebuild_wait
        if self._thread is None:
            self._thread = threading.Thread(target=self._rebuild_pending, name="shard-rebuild", daemon=True)
            self._thread.start()

    # --- rebuilding ---------------------------------------------------------------------------------------------

    def _rebuild_pending(self) -> None:
        while True:
            with self._lock:
                keys, self._pending = self._pending, []
                if not keys:
                    self._thread = None
                    self._rebuilt.notify_all()
                    return
            try:
                with Session(self._bind) as session:
                    self.rebuild_keys(session, keys)
            except Exception as exc:  # noqa: BLE001 - the stand-ins keep answering; health says why
                log.exception("rebuilding shards %s failed", keys)
                with self._lock:
                    for key in keys:
                        if self._rebuilding.pop(key, None) is not None:
                            self._failed[key] = f"rebuild failed: {type(exc).__name__}: {exc}"[:300]

    def rebuild_keys(self, session: Session, keys: Iterable[tuple], progress: Callable | None = None) -> int:
        """Build shards from stored vectors (one pass per kind, never encoding), catch each up, swap in, save."""
        keys, count, done, epoch = list(keys), 0, 0, self._epoch
        for kind in ENTITY_KINDS:
            regions = [region for k, region in keys if k == kind]
            if not regions:
                continue
            top = change_log.newest_id(session)  # read before the members: the replay covers what came after
            with self._lock:
                if epoch != self._epoch:
                    return count
                self.cursor.note_gaps_below(session, top)  # what commits later under a lower id is applied when seen
            for region, (ids, vectors) in shard_vectors(session, kind, regions, self.space).items():
                shard = VectorShard.build(ids, vectors, dim=self.shards.dim, generation=top,
                                          exact_max=self.exact_max, device=self.device)
                with self._lock:
                    if epoch != self._epoch:
                        return count
                    self._replay(session, (kind, region), shard, top)
                    self.shards.install(kind, region, shard)
                    self._failed.pop((kind, region), None)
                if len(shard):  # an empty shard is cheaper to rebuild than to save
                    self._write(self.shards, [(kind, region)])
                with self._lock:  # done means searchable and on disk, so a restart right after finds the file
                    self._rebuilding.pop((kind, region), None)
                    self._rebuilt.notify_all()
                count, done = count + len(shard), done + 1
                if progress:
                    progress(done, len(keys))
        return count

    def _replay(self, session: Session, key: tuple, shard: VectorShard, top: int) -> None:
        """Bring a shard built as of change `top` up to what this process has applied since."""
        with self._lock:
            if self.cursor.last > top:
                latest = change_log.shard_changes(session, *key, after=top, upto=self.cursor.last)
                vectors = self._vectors(session, {(key[0], e) for e, op in latest.items() if op == "upsert"})
                kept = [e for e in latest if (key[0], e) in vectors]
                shard.apply(kept, np.vstack([vectors[(key[0], e)] for e in kept]) if kept else None,
                            [e for e in latest if (key[0], e) not in vectors])
            shard.generation = max(shard.generation, self.cursor.last)

    def wait_for_rebuilds(self, timeout: float) -> bool:
        with self._lock:
            return self._rebuilt.wait_for(lambda: not self._rebuilding, timeout=timeout)

    # --- following the log --------------------------------------------------------------------------------------

    def follow(self, session: Session, top: int, heard: Heard) -> int:
        """Read the log up to change `top` with the cursor; apply each batch to the shards (once loaded) and hand
        it to `heard`, in order. Returns the last change id read."""
        with self._lock:
            more = self.cursor.behind(top)
            while more:
                latest, late_keys, more = self.cursor.read(session)
                if self.loaded:
                    self._apply(session, latest, late_keys)
                heard(latest)
            last = self.cursor.last
        if self.loaded and time.monotonic() - self._saved_at > self.save_interval:
            self._saved_at = time.monotonic()  # one background save per interval, off the request path
            threading.Thread(target=self.save, name="shard-save", daemon=True).start()
        return last

    def _apply(self, session: Session, latest: dict, late_keys: set) -> None:
        """Upserts read the stored vector (none left means remove); then every shard is as of cursor.last."""
        vectors = self._vectors(session, {(kind, e) for (kind, _, e), (_, op) in latest.items() if op == "upsert"})
        edits: dict[tuple, tuple[list, list, list]] = {}
        for key, (change_id, _) in latest.items():
            kind, region, entity = key
            if (kind, region) not in self.keys:  # a region added since load
                self.keys.append((kind, region))
            if change_id <= self.shards.get(kind, region).generation and key not in late_keys:
                continue  # the shard's file or rebuild already holds it
            ids, vecs, removed = edits.setdefault((kind, region), ([], [], []))
            if (kind, entity) in vectors:
                ids.append(entity)
                vecs.append(vectors[(kind, entity)])
            else:
                removed.append(entity)
        for (kind, region), (ids, vecs, removed) in edits.items():
            self.shards.apply(kind, region, upsert_ids=ids, upsert_vectors=np.vstack(vecs) if ids else None,
                              remove_ids=removed)
        for kind, region in self.keys:
            shard = self.shards.get(kind, region)
            shard.generation = max(shard.generation, self.cursor.last)

    def _vectors(self, session: Session, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], np.ndarray]:
        found = {}
        for kind in ENTITY_KINDS:
            ids = sorted(entity for k, entity in wanted if k == kind)
            for start in range(0, len(ids), BATCH):
                query = select(StoredVector.entity_id, StoredVector.vector).where(
                    StoredVector.kind == kind, StoredVector.entity_id.in_(ids[start:start + BATCH]),
                    StoredVector.model_id == self.space)
                for entity_id, blob in session.execute(query):
                    found[(kind, entity_id)] = np.frombuffer(blob, dtype=np.float32)
        return found

    # --- searching, saving, health ------------------------------------------------------------------------------

    def search(self, kind: str, region_ids: Iterable[int], query: np.ndarray, k: int,
               allowed_ids: Iterable[int] | None) -> dict[int, float]:
        allowed = None if allowed_ids is None else list(allowed_ids)
        scores: dict[int, float] = {}
        for region in set(region_ids):
            if (kind, region) not in self.keys:
                continue
            ids, found = self.shards.get(kind, region).search(query, k, allowed)[0]
            for entity_id, score in zip(ids.tolist(), found.tolist()):
                scores[entity_id] = max(score, scores.get(entity_id, -2.0))  # a profile sits in several regions
        return dict(sorted(scores.items(), key=lambda item: -item[1])[:k])

    def save(self, keys: Iterable[tuple] | None = None) -> int:
        """Write changed shards (not stand-ins) to INDEX_DIR; one process of a host at a time, others skip."""
        with self._lock:
            shards, keys = self.shards, list(keys if keys is not None else self.keys)
            keys = [key for key in keys if key not in self._rebuilding and key not in self._failed]
        if shards is None:
            return 0
        saved = self._write(shards, keys)
        self._saved_at = time.monotonic()
        return saved

    def _write(self, shards: ShardSet, keys: list[tuple]) -> int:
        with shard_files.save_lock(self.dir) as mine:
            return sum(shards.save(kind, region) for kind, region in keys) if mine else 0

    def status(self) -> dict:
        with self._lock:
            degraded = [f"{kind}/{region}: {why}" for (kind, region), why in
                        sorted({**self._rebuilding, **self._failed}.items()) if why != "building"]
            building = "building" in self._rebuilding.values()
            counts = self.shards.status() if self.loaded else {"shards": 0, "vectors": 0}
        return {"status": "degraded" if degraded else "rebuilding" if building else "ok",
                "shards": counts["shards"], "vectors": counts["vectors"], "generation": self.cursor.last,
                "degraded": degraded}

    def reset(self, *, delete_files: bool, forget_log: bool = False) -> None:
        """Forget the shards (and their files); with `forget_log`, the cursor's place too."""
        self.wait_for_rebuilds(60)
        with self._lock:
            self.clear()
            if forget_log:
                self.cursor.restart()
            if delete_files and self.dir.exists():
                for path in self.dir.iterdir():
                    if path.is_file():
                        path.unlink()


def shard_vectors(session: Session, kind: str, region_ids: Iterable[int], model_id: str | None,
                  batch: int = 5000) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """region_id -> (ids, vectors) of the members of those shards (their kind's `placements`), from stored
    vectors: what a rebuild adds. One pass per kind, however many regions; never encodes."""
    regions = list(region_ids)
    members: dict[int, dict[int, bytes]] = {region: {} for region in regions}
    for placed in kind_of(kind).placements(regions):
        query = placed.add_columns(StoredVector.vector).join(
            StoredVector, (StoredVector.kind == kind) & (StoredVector.entity_id == placed.selected_columns[0]))
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


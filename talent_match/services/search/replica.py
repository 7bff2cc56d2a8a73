"""This process's copy of the vector shards, built from stored vectors and kept in step with the change log.

Every process (gunicorn worker, host) holds its own shards and follows the log with its one cursor (`follow`, which
hands each batch on to the lexical index too), so a save anywhere is searchable everywhere on the next search.
Files in INDEX_DIR only shorten a restart: a shard loads with the generation it was saved at and replays what came
after. A missing, bad or stale file is set aside and the shard rebuilt from stored vectors on a background thread,
while an empty stand-in (that still follows the log) answers searches. A build or save that fails is retried by
that thread with backoff until it succeeds (faults.py); the set-aside files go once the shard is rebuilt.
"""
from __future__ import annotations

import contextlib
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
from .faults import BUILD, SAVE, ShardFaults
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
        with self._lock:
            self._epoch = getattr(self, "_epoch", 0) + 1  # a rebuild begun before a clear must not install after it
            self.shards: ShardSet | None = None
            self.space: str | None = None        # the model id of every vector held
            self.keys: list[tuple[str, int]] = []
            self._pending: list[tuple] = []
            self._rebuilding: dict[tuple, str] = {}  # key -> "building", or why its file was set aside
            self.faults = ShardFaults()
            self._deadline = 0.0
            self._saved_at = time.monotonic()
            self._bind = None
            self.device = "cpu"
            self._rebuilt.notify_all()  # a worker waiting for a retry finds nothing left and ends

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
                    continue
                with contextlib.suppress(OSError):  # left by an older process: this file is good
                    shard_files.purge_set_aside(self.dir, shard_name(kind, region))
            self.cursor.last = min(generations + [top] + ([self.cursor.last] if self.cursor.last else []))
            self.cursor.note_gaps_below(session, self.cursor.last)
        self.wait_for_rebuilds(max(0.0, self._deadline - time.monotonic()))

    def _schedule(self, key: tuple, reason: str, generation: int) -> None:
        self.shards.rebuild(*key, np.empty(0, np.int64), np.empty((0, self.shards.dim), np.float32),
                            generation=generation)  # the stand-in
        self._rebuilding[key] = reason
        self._pending.append(key)
        self._deadline = time.monotonic() + self.rebuild_wait
        self._wake()

    def _wake(self) -> None:
        """Start the background worker, or wake it for new work. Under the lock."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="shard-rebuild", daemon=True)
            self._thread.start()
        self._rebuilt.notify_all()

    # --- rebuilding, and retrying what failed -------------------------------------------------------------------

    def _work(self) -> None:
        """Build what is pending, then retry failed builds and saves as they fall due; end when none is left."""
        while True:
            with self._lock:
                builds, saves = self._next_work()
                if builds is None:
                    self._thread = None
                    self._rebuilt.notify_all()
                    return
            try:
                if builds:
                    with Session(self._bind) as session:
                        self.rebuild_keys(session, builds)
                if saves:
                    self._write(saves, wait=True)
            except Exception:  # noqa: BLE001 - both record their own faults; this is a bug, and must not stop us
                log.exception("shard work %s %s failed", builds, saves)

    def _next_work(self) -> tuple[list | None, list]:
        """Under the lock: (keys to build, keys to save), waiting for the next retry while none is due; (None, [])
        when nothing is pending or failing."""
        while True:
            if self._pending:
                builds, self._pending = self._pending, []
                return builds, []
            due = self.faults.due()
            if due:
                builds = [key for key, step in due if step == BUILD]
                self._rebuilding.update({key: "building" for key in builds})
                return builds, [key for key, step in due if step == SAVE]
            retry_at = self.faults.next_retry()
            if retry_at is None:
                return None, []
            self._rebuilt.wait(max(0.01, retry_at - time.monotonic()))

    def rebuild_keys(self, session: Session, keys: Iterable[tuple], progress: Callable | None = None) -> int:
        """Build shards from stored vectors (one pass per kind, never encoding), catch each up, swap in, save.
        A shard that cannot be built keeps its stand-in, one that cannot be saved serves from memory: both are
        reported and retried (faults), and the other shards go on."""
        keys, count, done, epoch = list(keys), 0, 0, self._epoch
        try:
            for kind in ENTITY_KINDS:
                regions = [region for k, region in keys if k == kind]
                if not regions:
                    continue
                try:
                    top = change_log.newest_id(session)  # read before the members: the replay covers what follows
                    with self._lock:
                        if epoch != self._epoch:
                            return count
                        self.cursor.note_gaps_below(session, top)  # a lower id committing later is applied when seen
                    members = shard_vectors(session, kind, regions, self.space)
                except Exception as exc:  # noqa: BLE001 - the database went away: retried with backoff
                    session.rollback()
                    self._failed([(kind, region) for region in regions], BUILD, exc, epoch)
                    continue
                for region, (ids, vectors) in members.items():
                    key = (kind, region)
                    try:
                        shard = VectorShard.build(ids, vectors, dim=self.shards.dim, generation=top,
                                                  exact_max=self.exact_max, device=self.device)
                        with self._lock:
                            if epoch != self._epoch:
                                return count
                            self._replay(session, key, shard, top)
                            self.shards.install(kind, region, shard)
                            self.faults.clear(key)
                    except Exception as exc:  # noqa: BLE001 - memory, the database: retried with backoff
                        session.rollback()
                        self._failed([key], BUILD, exc, epoch)
                        continue
                    with contextlib.suppress(OSError):  # rebuilt: what was set aside has had its look
                        shard_files.purge_set_aside(self.dir, shard_name(*key))
                    if len(shard) or shard_files.exists(self.dir, shard_name(*key)):  # else cheaper to rebuild
                        self._write([key])
                    with self._lock:  # done means searchable and on disk, so a restart right after finds the file
                        self._rebuilding.pop(key, None)
                        self._rebuilt.notify_all()
                    count, done = count + len(shard), done + 1
                    if progress:
                        progress(done, len(keys))
        finally:
            with self._lock:
                if epoch == self._epoch:
                    for key in keys:
                        self._rebuilding.pop(key, None)
                self._rebuilt.notify_all()
        return count

    def _failed(self, keys: list[tuple], step: str, exc: BaseException, epoch: int) -> None:
        with self._lock:
            if epoch != self._epoch:
                return
            for key in keys:
                fault = self.faults.record(key, step, exc)
                self._rebuilding.pop(key, None)
                log.warning("shard %s/%s: %s failed (%s); try %d in %.0f s", *key, step, fault.reason,
                            fault.failures + 1, fault.delay)
            self._wake()

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
            keys = [key for key in (keys if keys is not None else self.keys)
                    if key not in self._rebuilding and self.faults.step(key) != BUILD]
        saved = self._write(keys)
        self._saved_at = time.monotonic()
        return saved

    def _write(self, keys: list[tuple], *, wait: bool = False) -> int:
        """Save these shards' files. One that cannot be written (a full disk) keeps serving from memory, and is
        reported and retried until a save succeeds."""
        with self._lock:
            shards, epoch = self.shards, self._epoch
        if shards is None or not keys:
            return 0
        saved, failed = 0, []
        try:
            with shard_files.save_lock(self.dir, wait=wait) as mine:
                for key in keys if mine else ():
                    try:
                        saved += shards.save(*key)
                    except Exception as exc:  # noqa: BLE001 - a cache file: whatever stops it, retry later
                        failed.append((key, exc))
                        continue
                    with self._lock:
                        if epoch == self._epoch:
                            self.faults.clear(key, SAVE)
        except OSError as exc:  # not even the lock file could be made
            failed = [(key, exc) for key in keys]
        for key, exc in failed:
            self._failed([key], SAVE, exc, epoch)
        return saved

    def drop_files(self, keys: Iterable[tuple]) -> None:
        """Erasure: remove these shards' files now, waiting for a save in progress. Every process holding one of
        them applies the removal before its next save, so no file written afterwards holds the erased vector."""
        try:
            with shard_files.save_lock(self.dir, wait=True):
                for kind, region in keys:
                    shard_files.drop(self.dir, shard_name(kind, region))
        except OSError:
            log.exception("could not remove the files of shards %s after an erasure", sorted(keys))

    def whole(self, kind: str, region_ids: Iterable[int]) -> bool:
        """Whether these shards hold all their members (none is a stand-in being built or failing to build).
        On the search path: a few dict lookups, no lock."""
        rebuilding, faults = self._rebuilding, self.faults
        return not any((kind, region) in rebuilding or faults.step((kind, region)) == BUILD
                       for region in region_ids)

    def status(self) -> dict:
        """Per shard that is not whole in memory or on disk: what failed, why, and when it is tried again."""
        with self._lock:
            faults = self.faults.report()
            failing = {item["shard"] for item in faults}
            set_aside = [{"shard": f"{kind}/{region}", "kind": kind, "region": region, "step": "set_aside",
                          "reason": why, "failures": 0, "retry_in_s": None}
                         for (kind, region), why in sorted(self._rebuilding.items(), key=lambda item: str(item[0]))
                         if why != "building" and f"{kind}/{region}" not in failing]
            building = "building" in self._rebuilding.values()
            counts = self.shards.status() if self.loaded else {"shards": 0, "vectors": 0}
        degraded = set_aside + faults
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


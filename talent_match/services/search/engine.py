"""The process's search engine: a lazily loaded encoder, its dense shards (replica) and its lexical index, both fed
from one cursor on the change log.

One lives in `app.extensions["search_engine"]` and reaches services as an argument, never through Flask globals.
Nothing loads in the app factory: the model and the shards load on first use, after gunicorn forks. A search
calls `catch_up` once (one MAX(id) read), then asks `nearest` and `lexical` as of that moment.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import StoredVector
from . import indexing
from .change_log import ChangeCursor, newest_id
from .lexical import LexicalIndex
from .neighbours import MorphemeNeighbours
from .replica import ShardReplica

log = logging.getLogger(__name__)

MODEL_RETRY_S = 60.0


class SearchEngine:
    def __init__(self, model: str, *, index_dir: str, device: str | None = None, model_cache: str | None = None,
                 exact_max: int = 50_000, save_interval: float = 300.0, rebuild_wait: float = 2.0,
                 gap_timeout: float = 60.0, threads: int | None = None, encoder_factory: Callable | None = None,
                 adapter: str | None = None, neighbours=None, lexical_recheck: float = 0.0):
        self.model, self.device, self.threads, self.model_cache = model, device, threads, model_cache
        self.adapter = adapter
        self.neighbours = neighbours  # search.neighbours.MorphemeNeighbours, or None: the Korean channel is off
        self._encoder_factory = encoder_factory or self._load_encoder
        self._encoder = None
        self._encoder_error: str | None = None
        self._encoder_failed_at = -MODEL_RETRY_S
        self._encoder_lock = threading.Lock()
        self._sweep_due = False  # the model (re)loaded: look for entities saved without a vector
        self._sweeper: threading.Thread | None = None
        self.cursor = ChangeCursor(gap_timeout)
        self.replica = ShardReplica(index_dir, cursor=self.cursor, exact_max=exact_max, rebuild_wait=rebuild_wait,
                                    save_interval=save_interval)
        self.lexical = LexicalIndex(recheck_seconds=lexical_recheck)
        self.session_factory: Callable[[], Session] | None = None  # set by init_search_engine, for warm_up

    # --- the model ----------------------------------------------------------------------------------------------

    def _load_encoder(self):
        from embeddings.encoder import Encoder
        from embeddings.threads import configure_threads

        if (os.path.isabs(self.model) or self.model.startswith(".")) and not os.path.exists(self.model):
            raise FileNotFoundError(f"no model at {self.model} (TALENT_MATCH_MODEL)")  # say so without torch
        if self.adapter and not os.path.isdir(self.adapter):
            raise FileNotFoundError(f"no encoder adapter at {self.adapter} (TALENT_MATCH_ADAPTER)")
        if self.threads:
            configure_threads(self.threads)
        return Encoder(self.model, device=self.device, cache_dir=self.model_cache, adapter=self.adapter).load()

    def encoder(self):
        """The encoder, loaded on first use; None while the model cannot be loaded (retried once a minute)."""
        if self._encoder is None and time.monotonic() - self._encoder_failed_at > MODEL_RETRY_S:
            with self._encoder_lock:
                if self._encoder is None and time.monotonic() - self._encoder_failed_at > MODEL_RETRY_S:
                    try:
                        self._encoder = self._encoder_factory()
                        self._encoder_error, self._sweep_due = None, True
                    except Exception as exc:  # noqa: BLE001 - a broken model must leave the site up
                        self._encoder_failed_at = time.monotonic()
                        self._encoder_error = f"{type(exc).__name__}: {exc}"[:500]
                        log.warning("embedding model %s unavailable: %s", self.model, self._encoder_error)
        return self._encoder

    def embed_document(self, doc) -> np.ndarray | None:
        """The document's stored vector (documents.embed_documents: title-weighted); None without a model or for an
        empty document."""
        from embeddings.errors import EmptyTextError

        from .documents import embed_document

        encoder = self.encoder()
        if encoder is None:
            return None
        try:
            return embed_document(encoder, doc)
        except EmptyTextError:
            return None

    # --- following the log --------------------------------------------------------------------------------------

    def catch_up(self, session: Session) -> int:
        """Bring the dense shards and the lexical index up to the change log: one MAX(id) read, then the rows this
        process has not seen, each batch applied to both. Returns the last change id read."""
        top = newest_id(session)
        if top < self.cursor.last:  # the log was emptied, or the database replaced, under us
            log.warning("index change log went back from %s to %s; reloading the indexes", self.cursor.last, top)
            self.reset(delete_files=False)
        self._load_shards(session, top)
        if self._sweep_due and self._encoder is not None:
            self._sweep(session)
        return self.replica.follow(session, top, heard=self.lexical.note)

    def _sweep(self, session: Session) -> None:
        """Once per model load: entities saved while it was unavailable are in the log's shards without a vector;
        encode them on a thread (one query here when there are none)."""
        self._sweep_due = False
        if not indexing.has_unencoded(session):
            return

        bind = session.get_bind()

        def encode() -> None:
            with Session(bind) as own:
                try:
                    count = indexing.encode_missing(own, self, unencoded_only=True)
                    log.info("encoded %s entities saved while the model was unavailable", count)
                except Exception:  # noqa: BLE001 - another process may have encoded them first; retried next load
                    log.exception("encoding entities saved without the model failed")

        self._sweeper = threading.Thread(target=encode, name="encode-unencoded", daemon=True)
        self._sweeper.start()

    def _load_shards(self, session: Session, top: int) -> None:
        encoder = self.encoder()
        replica = self.replica
        if encoder is not None and replica.space not in (None, encoder.model_id):
            replica.reset(delete_files=False)  # the model came back or changed: shards of the old one are stale
        if not replica.loaded:
            space, dim = (encoder.model_id, encoder.dim) if encoder is not None else self._stored_space(session)
            if space is not None:  # else no model and no vectors: only the lexical index has work
                replica.load(session, top, space, dim, device=getattr(encoder, "device", None) or "cpu")

    @staticmethod
    def _stored_space(session: Session) -> tuple[str | None, int]:
        """Without a model, serve the vectors most entities have (searches by stored vectors still work)."""
        row = session.execute(select(StoredVector.model_id, StoredVector.dim).group_by(StoredVector.model_id,
                              StoredVector.dim).order_by(func.count().desc()).limit(1)).first()
        return (row[0], row[1]) if row else (None, 0)

    # --- searching ----------------------------------------------------------------------------------------------

    def search(self, session: Session, kind: str, region_ids: Iterable[int], query_vector, k: int,
               allowed_ids: Iterable[int] | None = None) -> dict[int, float]:
        """Dense (cosine) scores of the k best entities over the regions' shards, after catching up."""
        self.catch_up(session)
        return self.nearest(kind, region_ids, query_vector, k, allowed_ids)

    def nearest(self, kind: str, region_ids: Iterable[int], query_vector, k: int,
                allowed_ids: Iterable[int] | None = None) -> dict[int, float]:
        """Like `search`, as of the last `catch_up`: no database read, for the second look of one search."""
        if query_vector is None or not self.replica.loaded:
            return {}
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        return self.replica.search(kind, region_ids, query, k, allowed_ids)

    def query_vector(self, session: Session, kind: str, entity_id: int) -> np.ndarray | None:
        """The entity's stored vector, to search with; None when it has none (of the shards' model)."""
        encoder = self.encoder()
        space = encoder.model_id if encoder is not None else self.replica.space
        query = select(StoredVector.vector).where(StoredVector.kind == kind, StoredVector.entity_id == entity_id)
        blob = session.scalar(query if space is None else query.where(StoredVector.model_id == space))
        return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()

    def rebuild(self, session: Session, kinds: Iterable[str] | None = None, regions: Iterable[int] | None = None,
                progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild shards now, in this thread, from stored vectors (never encoding). Returns the vector count."""
        self.catch_up(session)
        if not self.replica.loaded:
            return 0
        kinds, regions = set(kinds or ()), set(regions or ())
        keys = [(kind, region) for kind, region in self.replica.keys
                if (not kinds or kind in kinds) and (not regions or region in regions)]
        count = self.replica.rebuild_keys(session, keys, progress)
        failed = [item for item in self.replica.status()["degraded"] if (item["kind"], item["region"]) in keys]
        if failed:
            first = failed[0]
            raise indexing.IndexNotWritten(f"{len(failed)} shard(s) failed, first {first['shard']}: {first['step']} "
                                           f"{first['reason']}; retried in the background")
        return count

    def save(self) -> int:
        """Write changed shards to INDEX_DIR now (they are also saved every INDEX_SAVE_SECONDS)."""
        return self.replica.save()

    def wait_for_rebuilds(self, timeout: float = 60.0) -> bool:
        """Block until background rebuilds (and an encoding sweep) finish (tests, CLI); False on timeout."""
        deadline = time.monotonic() + timeout
        if self._sweeper is not None:
            self._sweeper.join(timeout)
        return self.replica.wait_for_rebuilds(max(0.0, deadline - time.monotonic()))

    def whole(self, kind: str, region_ids: Iterable[int]) -> bool:
        """Whether dense search over these regions sees every member (no shard is a stand-in being rebuilt)."""
        return self.replica.whole(kind, region_ids)

    def drop_shard_files(self, keys: Iterable[tuple[str, int]]) -> None:
        """After an erasure commits: no file on this host may keep the erased vectors (replica.drop_files)."""
        self.replica.drop_files(keys)

    # --- lifecycle ----------------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load the model, the Korean tokeniser, the shards and every region's lexical index ahead of the first
        request (gunicorn post_worker_init). The lexical indexes build from the terms saved with each entity, so
        this reads rows rather than tokenising; loading Kiwi itself takes tens of seconds on a busy machine."""
        from ...models import ENTITY_KINDS, Region
        from .tokens import tokenize

        self.encoder()
        tokenize("머신러닝 엔지니어 machine learning")  # Kiwi loads its model at the first analysis, not at creation
        if self.session_factory is not None:
            with self.session_factory() as session:
                self.catch_up(session)
                regions = list(session.scalars(select(Region.id)))
                for kind in ENTITY_KINDS:
                    self.lexical.refresh(session, kind, regions)

    def health(self) -> dict:
        """Cheap: never loads anything."""
        if self._encoder is not None:
            model = {"status": "ok", "id": self._encoder.model_id,
                     "device": getattr(self._encoder, "device", None) or self.device or "cpu"}
        elif self._encoder_error:
            model = {"status": "unavailable", "id": self.model, "device": self.device, "error": self._encoder_error}
        else:
            model = {"status": "not_loaded", "id": self.model, "device": self.device}
        return {"model": model, "index": self.replica.status()}

    def reset(self, *, delete_files: bool = True) -> None:
        """Forget the shards (and their files), the lexical index and the log position: the database was emptied
        or replaced. The loaded model stays."""
        if self._sweeper is not None:
            self._sweeper.join(60)
        self.replica.reset(delete_files=delete_files, forget_log=True)
        self.lexical.clear()


def init_search_engine(app, db) -> SearchEngine:
    """Wiring only: the engine loads its model and shards on first use, after gunicorn forks. `db` is the app's
    Flask-SQLAlchemy extension, passed in so that services never import the extensions module."""
    from ...config import default_model

    threads = app.config.get("SEARCH_THREADS")
    engine = SearchEngine(app.config.get("TALENT_MATCH_MODEL") or default_model(),
                          device=app.config.get("TALENT_MATCH_DEVICE"), index_dir=app.config["INDEX_DIR"],
                          model_cache=app.config.get("MODEL_CACHE_DIR"),
                          exact_max=app.config.get("INDEX_EXACT_MAX", 50_000),
                          save_interval=app.config.get("INDEX_SAVE_SECONDS", 300),
                          rebuild_wait=app.config.get("INDEX_REBUILD_WAIT", 2.0),
                          threads=int(threads) if threads else None,
                          lexical_recheck=app.config.get("INDEX_LEXICAL_RECHECK_SECONDS", 0.0),
                          adapter=app.config.get("TALENT_MATCH_ADAPTER") or None,
                          neighbours=MorphemeNeighbours.from_setting(app.config.get("KOREAN_NEIGHBOURS")))

    def new_session() -> Session:
        with app.app_context():
            return Session(db.engine)

    engine.session_factory = new_session
    app.extensions["search_engine"] = engine
    return engine

"""All shards of one process, keyed by (kind, region), kept in one directory and loaded on first use.

The application drives it from its change log: it builds or installs a shard from stored vectors, applies upserts
and removals with the change id they bring it to, saves, and reads `generation` to know where to replay from.
A shard whose file is bad is reported (status()["degraded"]) until it is rebuilt; the others keep serving.
"""
from __future__ import annotations

import re
import threading

from . import shard_files
from .errors import ShardCorruptError, ShardMismatchError
from .store import DEFAULT_EXACT_MAX, VectorShard

KIND = re.compile(r"^[a-z][a-z0-9_]*$")
REGION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

Key = tuple[str, "str | int"]


def shard_name(kind: str, region) -> str:
    """The file stem of a shard: `<kind>--<region>`; both parts are checked so no key can escape the folder."""
    if not KIND.match(kind) or not REGION.match(str(region)):
        raise ValueError(f"shard key ({kind!r}, {region!r}) is not usable as a file name: the kind needs lower-case "
                         "letters, digits or _, the region letters, digits, _ or -")
    return f"{kind}--{region}"


class ShardSet:
    """`model_id` and `dim` are what every shard must have been made with; files made otherwise are mismatched."""

    def __init__(self, directory, *, model_id: str, dim: int, exact_max: int = DEFAULT_EXACT_MAX,
                 device: str = "auto"):
        self.directory, self.model_id, self.dim = directory, model_id, int(dim)
        self._options = {"exact_max": exact_max, "device": device}
        self._shards: dict[Key, VectorShard] = {}
        self._degraded: dict[Key, str] = {}
        self._lock = threading.RLock()

    def get(self, kind: str, region) -> VectorShard:
        """The shard, loaded from disk on first use; an empty one (generation 0) if it was never saved.
        Raises ShardCorruptError or ShardMismatchError (and reports the shard degraded) for a bad file."""
        key = (kind, region)
        shard = self._shards.get(key)
        if shard is not None:
            return shard
        with self._lock:
            if key not in self._shards:
                self._shards[key] = self._load(key)
            return self._shards[key]

    def _load(self, key: Key) -> VectorShard:
        name = shard_name(*key)
        if not shard_files.exists(self.directory, name):
            return VectorShard(self.dim, **self._options)
        try:
            shard = shard_files.load_shard(self.directory, name, model_id=self.model_id, dim=self.dim,
                                           **self._options)
        except (ShardCorruptError, ShardMismatchError) as exc:
            self._degraded[key] = str(exc)
            raise
        self._degraded.pop(key, None)
        return shard

    def generation(self, kind: str, region) -> int:
        """The last change id the shard reflects (0 for a new shard). Raises like get() for a bad file."""
        return self.get(kind, region).generation

    def rebuild(self, kind: str, region, ids, vectors, *, generation: int) -> VectorShard:
        """Replace the shard with exactly these vectors, as of change `generation`; clears a degraded report.
        Searches keep using the old shard until the new one is swapped in."""
        shard = VectorShard.build(ids, vectors, dim=self.dim, generation=generation, **self._options)
        self.install(kind, region, shard)
        return shard

    def install(self, kind: str, region, shard: VectorShard) -> None:
        """Swap in a shard built elsewhere (outside the caller's locks, then caught up); clears a degraded report."""
        if shard.dim != self.dim:
            raise ValueError(f"shard holds {shard.dim}-dimensional vectors, not {self.dim}")
        with self._lock:
            self._shards[(kind, region)] = shard
            self._degraded.pop((kind, region), None)

    def apply(self, kind: str, region, *, upsert_ids=(), upsert_vectors=None, remove_ids=(),
              generation: int | None = None) -> VectorShard:
        """Apply one batch of changes; a shard that outgrew its layout is rebuilt on a background thread."""
        shard = self.get(kind, region)
        shard.apply(upsert_ids, upsert_vectors, remove_ids, generation)
        if shard.needs_rebuild:
            shard.rebuild_in_background()
        return shard

    def save(self, kind: str | None = None, region=None) -> int:
        """Save changed shards (one, or all when no key is given); returns how many files were written.
        A shard whose layout no longer fits its size is rebuilt first, so the file holds the right layout."""
        with self._lock:
            keys = [(kind, region)] if kind is not None else list(self._shards)
            shards = [(key, self._shards[key]) for key in keys if key in self._shards]
        saved = 0
        for key, shard in shards:
            if not shard.dirty:
                continue
            if shard.needs_rebuild:
                shard.rebuild()
            shard_files.save_shard(self.directory, shard_name(*key), shard, model_id=self.model_id,
                                   extra={"kind": key[0], "region": key[1]})
            saved += 1
        return saved

    def set_aside(self, kind: str, region) -> list:
        """Move a bad shard's files out of the way and forget it; the next get() starts an empty shard."""
        with self._lock:
            self._shards.pop((kind, region), None)
            return shard_files.set_aside(self.directory, shard_name(kind, region))

    def status(self) -> dict:
        """For /healthz: cheap, never loads anything."""
        with self._lock:
            return {"shards": len(self._shards), "vectors": sum(len(s) for s in self._shards.values()),
                    "degraded": [f"{kind}/{region}: {why}" for (kind, region), why in sorted(
                        self._degraded.items(), key=lambda item: (str(item[0][0]), str(item[0][1])))]}

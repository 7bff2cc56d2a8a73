"""Shard files: a faiss index plus a JSON manifest that is the single commit point of every save.

A save writes the index under a fresh name, fsyncs it, then atomically replaces `<name>.json`, which names the index
file and carries its sha256. A crash at any moment leaves either the old pair or the new one. A load checks the
manifest against what the caller expects (model, dimension) and against the file (size, checksum, count).
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import time
import uuid
from pathlib import Path

from . import layouts
from .errors import ShardCorruptError, ShardMismatchError
from .store import VectorShard

FORMAT = 1


def manifest_path(directory: Path, name: str) -> Path:
    return Path(directory) / f"{name}.json"


def exists(directory: Path, name: str) -> bool:
    return manifest_path(directory, name).exists()


def save_shard(directory: Path, name: str, shard: VectorShard, *, model_id: str, extra: dict | None = None) -> dict:
    """Write the shard atomically; returns the manifest. Older index files of this shard are removed after.
    A failed save (a full disk) leaves the old pair as it was and nothing of its own behind."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    temporary = directory / f".{name}.{token}.tmp"
    index_path = None
    try:
        facts = shard.write_index(temporary)
        checksum, size = _fsync_and_hash(temporary)
        index_path = directory / f"{name}.g{facts['generation']}.{token}.faiss"
        os.replace(temporary, index_path)
        manifest = {"format": FORMAT, "name": name, "model_id": model_id, **facts, "index_file": index_path.name,
                    "size": size, "checksum": f"sha256:{checksum}", "saved_at": time.time(), **(extra or {})}
        _write_atomically(manifest_path(directory, name), json.dumps(manifest, indent=1, sort_keys=True).encode())
    except BaseException:
        if index_path is not None:
            index_path.unlink(missing_ok=True)  # no manifest names it: it would only take space
        raise
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(directory)
    index_file = index_path.name
    shard.dirty = False
    for old in directory.glob(f"{name}.g*.faiss"):
        if old.name != index_file:
            old.unlink(missing_ok=True)  # readers that opened it keep their handle
    return manifest


def read_manifest(directory: Path, name: str) -> dict:
    path = manifest_path(directory, name)
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise ShardCorruptError(f"shard {name}: no manifest at {path}") from None
    except (OSError, ValueError) as exc:
        raise ShardCorruptError(f"shard {name}: manifest {path} is unreadable ({exc})") from None
    if not isinstance(manifest, dict):
        raise ShardCorruptError(f"shard {name}: manifest {path} is not a JSON object")
    missing = {"model_id", "dim", "count", "generation", "index_file", "checksum", "size"} - set(manifest)
    if missing:
        raise ShardCorruptError(f"shard {name}: manifest lacks {', '.join(sorted(missing))}")
    return manifest


def load_shard(directory: Path, name: str, *, model_id: str | None = None, dim: int | None = None,
               **shard_options) -> VectorShard:
    """The saved shard, checked. Raises ShardMismatchError (other model or dimension) or ShardCorruptError."""
    directory = Path(directory)
    for attempt in range(3):  # a concurrent save may replace the manifest and delete the file it named
        manifest = read_manifest(directory, name)
        if model_id is not None and manifest["model_id"] != model_id:
            raise ShardMismatchError(f"shard {name} was made with model {manifest['model_id']}, not {model_id}")
        if dim is not None and int(manifest["dim"]) != int(dim):
            raise ShardMismatchError(f"shard {name} holds {manifest['dim']}-dimensional vectors, not {dim}")
        index_path = directory / manifest["index_file"]
        try:
            checksum, size = _hash(index_path)
            break
        except FileNotFoundError:
            if read_manifest(directory, name) == manifest or attempt == 2:
                raise ShardCorruptError(f"shard {name}: index file {index_path.name} is missing") from None
    if size != manifest["size"] or f"sha256:{checksum}" != manifest["checksum"]:
        raise ShardCorruptError(f"shard {name}: {index_path.name} is {size} bytes with checksum {checksum[:12]}; "
                                f"the manifest expects {manifest['size']} bytes, {manifest['checksum'][:19]}")
    try:
        index = layouts.read_index(str(index_path))
    except RuntimeError as exc:
        raise ShardCorruptError(f"shard {name}: faiss cannot read {index_path.name} ({exc})") from None
    if index.ntotal != manifest["count"] or index.d != manifest["dim"]:
        raise ShardCorruptError(f"shard {name}: index holds {index.ntotal} x {index.d}, manifest says "
                                f"{manifest['count']} x {manifest['dim']}")
    return VectorShard(index.d, index=index, generation=int(manifest["generation"]),
                       last_change=manifest.get("last_change"), **shard_options)


def set_aside(directory: Path, name: str) -> list[Path]:
    """Rename the shard's manifest and index files to `*.bad-<timestamp>`: never loaded again, kept for a look only
    until the shard is rebuilt (purge_set_aside), since they may hold vectors of people deleted since."""
    directory, stamp = Path(directory), time.strftime("%Y%m%dT%H%M%S")
    moved = []
    for path in [manifest_path(directory, name), *directory.glob(f"{name}.g*.faiss")]:
        if path.exists():
            target = path.with_name(f"{path.name}.bad-{stamp}")
            os.replace(path, target)
            moved.append(target)
    if moved:
        _fsync_directory(directory)
    return moved


def purge_set_aside(directory: Path, name: str) -> int:
    """Remove the shard's set-aside files; returns how many there were."""
    found = list(Path(directory).glob(f"{glob.escape(name)}.*.bad-*"))
    for path in found:
        path.unlink(missing_ok=True)
    return len(found)


def drop(directory: Path, name: str) -> None:
    """Remove every file of the shard (manifest first: it is the commit point), set-aside ones included."""
    directory = Path(directory)
    manifest_path(directory, name).unlink(missing_ok=True)
    for path in directory.glob(f"{glob.escape(name)}.g*.faiss"):
        path.unlink(missing_ok=True)
    purge_set_aside(directory, name)


def _hash(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _fsync_and_hash(path: Path) -> tuple[str, int]:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    return _hash(path)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(temporary, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def save_lock(directory: Path, *, wait: bool = False):
    """Yields True to the one process of a host that may save into `directory` now, False (at once) to others;
    with `wait`, waits for its turn instead."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".save.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True

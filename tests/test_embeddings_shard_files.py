"""Saving and loading shards: atomic files, checked manifests, bad files set aside, and the ShardSet registry."""
import hashlib
import json
import os

import numpy as np
import pytest

from embeddings import (ShardCorruptError, ShardMismatchError, ShardSet, VectorShard, load_shard, save_shard,
                        set_aside, shard_name)

DIM = 16
MODEL = "test-model@0123/onnx-int8"


def unit(rows, seed=0):
    x = np.random.default_rng(seed).standard_normal((rows, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def saved(tmp_path):
    ids, vectors = np.arange(10, 510), unit(500)
    shard = VectorShard.build(ids, vectors, generation=41, device="cpu")
    manifest = save_shard(tmp_path, "posting--busan", shard, model_id=MODEL)
    return tmp_path, manifest, ids, vectors


def test_round_trip_keeps_vectors_generation_and_searches(saved):
    directory, manifest, ids, vectors = saved
    shard = load_shard(directory, "posting--busan", model_id=MODEL, dim=DIM, device="cpu")
    assert len(shard) == 500 and shard.generation == 41 and not shard.dirty
    (found, _), = shard.search(vectors[3], 1)
    assert found.tolist() == [ids[3]]
    assert manifest["count"] == 500 and manifest["index_type"] == "exact" and manifest["checksum"].startswith("sha256:")
    assert manifest["last_change"] > 0 and shard.last_change == manifest["last_change"]  # built: its last change
    assert {p.name for p in directory.iterdir()} == {"posting--busan.json", manifest["index_file"]}


def test_a_new_save_replaces_the_old_index_file(saved):
    directory, first, ids, vectors = saved
    shard = load_shard(directory, "posting--busan", device="cpu")
    shard.apply(remove_ids=[10], generation=42)
    second = save_shard(directory, "posting--busan", shard, model_id=MODEL)
    assert second["index_file"] != first["index_file"] and second["generation"] == 42
    assert not (directory / first["index_file"]).exists()
    assert len(load_shard(directory, "posting--busan", device="cpu")) == 499


def test_a_truncated_index_is_detected_and_set_aside(saved):
    directory, manifest, _, _ = saved
    path = directory / manifest["index_file"]
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ShardCorruptError, match="bytes"):
        load_shard(directory, "posting--busan")
    moved = set_aside(directory, "posting--busan")
    assert {p.name.split(".bad-")[0] for p in moved} == {"posting--busan.json", manifest["index_file"]}
    assert not (directory / "posting--busan.json").exists()
    with pytest.raises(ShardCorruptError, match="no manifest"):
        load_shard(directory, "posting--busan")


def test_flipped_bytes_of_the_same_size_fail_the_checksum(saved):
    directory, manifest, _, _ = saved
    path = directory / manifest["index_file"]
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ShardCorruptError, match="checksum"):
        load_shard(directory, "posting--busan")


def test_a_missing_index_file_or_broken_manifest_is_corrupt(saved):
    directory, manifest, _, _ = saved
    (directory / manifest["index_file"]).unlink()
    with pytest.raises(ShardCorruptError, match="missing"):
        load_shard(directory, "posting--busan")
    (directory / "posting--busan.json").write_text("{not json")
    with pytest.raises(ShardCorruptError, match="unreadable"):
        load_shard(directory, "posting--busan")


def test_a_shard_of_another_model_or_dimension_is_a_mismatch(saved):
    directory, _, _, _ = saved
    with pytest.raises(ShardMismatchError, match="other-model"):
        load_shard(directory, "posting--busan", model_id="other-model")
    with pytest.raises(ShardMismatchError, match="384"):
        load_shard(directory, "posting--busan", dim=384)


def test_a_manifest_whose_count_disagrees_with_the_index_is_corrupt(saved):
    directory, manifest, _, _ = saved
    manifest["count"] = 501
    (directory / "posting--busan.json").write_text(json.dumps(manifest))
    with pytest.raises(ShardCorruptError, match="manifest says 501"):
        load_shard(directory, "posting--busan")


def test_an_ivf_shard_round_trips_and_still_updates_in_place(tmp_path):
    ids, vectors = np.arange(1, 3001), unit(3000, seed=3)
    shard = VectorShard.build(ids, vectors, exact_max=500, device="cpu")
    save_shard(tmp_path, "profile--7", shard, model_id=MODEL)
    loaded = load_shard(tmp_path, "profile--7", exact_max=500, device="cpu")
    assert loaded.index_type == shard.index_type and loaded.nprobe == shard.nprobe
    loaded.remove([5])  # needs the hash-table direct map to have survived the file
    loaded.add([5000], vectors[5])
    assert 5000 in loaded.search(vectors[5], 3)[0][0] and 5 not in loaded


def test_an_ivf_shard_saved_between_a_removal_and_its_purge_never_returns_the_removed_id(tmp_path):
    ids, vectors = np.arange(1, 3001), unit(3000, seed=3)
    shard = VectorShard.build(ids, vectors, exact_max=500, device="cpu")
    shard.remove([7])                 # its fast-scan code is still in the lists
    shard.add([8], vectors[6])        # and id 8 has an old code where it was
    save_shard(tmp_path, "profile--7", shard, model_id=MODEL)
    loaded = load_shard(tmp_path, "profile--7", exact_max=500, device="cpu")
    (found, scores), = loaded.search(vectors[6], 10)
    assert 7 not in found.tolist() and found.tolist().count(8) == 1 and scores[0] > 0.999
    assert len(loaded) == 2999


def test_a_truncated_ivf_file_is_reported_corrupt(tmp_path):
    ids, vectors = np.arange(1, 3001), unit(3000, seed=3)
    manifest = save_shard(tmp_path, "profile--7", VectorShard.build(ids, vectors, exact_max=500, device="cpu"),
                          model_id=MODEL)
    path = tmp_path / manifest["index_file"]
    data = path.read_bytes()[:-100]
    path.write_bytes(data)
    manifest.update(size=len(data), checksum="sha256:" + hashlib.sha256(data).hexdigest())
    (tmp_path / "profile--7.json").write_text(json.dumps(manifest))  # the checksum agrees: only faiss can tell
    with pytest.raises(ShardCorruptError, match="cannot read"):
        load_shard(tmp_path, "profile--7")


def test_shard_set_loads_lazily_reports_bad_files_and_recovers_by_rebuild(tmp_path):
    shards = ShardSet(tmp_path, model_id=MODEL, dim=DIM, device="cpu")
    assert shards.generation("posting", 3) == 0 and len(shards.get("posting", 3)) == 0
    shards.rebuild("posting", 3, np.arange(1, 101), unit(100), generation=7)
    shards.apply("posting", 3, upsert_ids=[200], upsert_vectors=unit(1, seed=8), remove_ids=[1], generation=9)
    assert shards.save() == 1 and shards.save() == 0  # nothing changed since
    assert [p.name for p in tmp_path.glob("*.json")] == ["posting--3.json"]
    assert json.loads((tmp_path / "posting--3.json").read_text())["region"] == 3  # the region as saved, an int

    fresh = ShardSet(tmp_path, model_id=MODEL, dim=DIM, device="cpu")
    assert fresh.status() == {"shards": 0, "vectors": 0, "degraded": []}
    assert fresh.generation("posting", 3) == 9 and 200 in fresh.get("posting", 3) and 1 not in fresh.get("posting", 3)

    other_model = ShardSet(tmp_path, model_id="another", dim=DIM, device="cpu")
    with pytest.raises(ShardMismatchError):
        other_model.get("posting", 3)
    assert other_model.status()["degraded"][0].startswith("posting/3: shard posting--3 was made with model")
    other_model.set_aside("posting", 3)
    other_model.rebuild("posting", 3, np.arange(1, 11), unit(10), generation=12)
    assert other_model.status() == {"shards": 1, "vectors": 10, "degraded": []}
    assert any(".bad-" in name for name in os.listdir(tmp_path))


def test_a_shard_built_elsewhere_is_installed_and_clears_a_degraded_report(tmp_path):
    save_shard(tmp_path, "posting--3", VectorShard.build([1], unit(1), device="cpu"), model_id="another")
    shards = ShardSet(tmp_path, model_id=MODEL, dim=DIM, device="cpu")
    with pytest.raises(ShardMismatchError):
        shards.get("posting", 3)
    built = VectorShard.build(np.arange(1, 6), unit(5), generation=4, device="cpu")
    shards.install("posting", 3, built)
    assert shards.get("posting", 3) is built and shards.status() == {"shards": 1, "vectors": 5, "degraded": []}
    with pytest.raises(ValueError, match="dimensional"):
        shards.install("posting", 4, VectorShard.build([1], np.ones((1, DIM + 1), np.float32), device="cpu"))


def test_shard_keys_cannot_escape_the_directory():
    assert shard_name("posting", "gyeongsangnam-do") == "posting--gyeongsangnam-do"
    for kind, region in [("posting", "../etc"), ("Posting", 1), ("posting", "a/b"), ("pos-ting", 1)]:
        with pytest.raises(ValueError):
            shard_name(kind, region)


def test_saving_leaves_no_temporary_files(tmp_path):
    shard = VectorShard.build([1, 2], unit(2), device="cpu")
    save_shard(tmp_path, "posting--1", shard, model_id=MODEL)
    save_shard(tmp_path, "posting--1", shard, model_id=MODEL)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

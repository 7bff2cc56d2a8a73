"""The index when the disk or the model fails: every shard still built, each failure reported and retried until the
disk has room again, erased vectors gone from the files at once, and entities saved without the model encoded when
it returns. ENOSPC is injected at the file-writing seam (embeddings.layouts.write_index)."""
from __future__ import annotations

import errno
import time

import numpy as np
import pytest
from sqlalchemy import func, select

from embeddings import layouts, shard_files
from talent_match.extensions import db
from talent_match.models import StoredVector, User
from talent_match.services.matching import pipeline
from talent_match.services.privacy import erasure
from talent_match.services.search import engine as engine_module
from talent_match.services.search import faults, indexing, replica

from .indexing_support import CountingEncoder, company, make_engine, posting, profile, region_id
from .page_support import english


@pytest.fixture
def engine(app_ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(faults, "FIRST_RETRY_S", 0.05)  # retries in tests: 0.05 s, 0.1 s, ...
    made = make_engine(tmp_path / "shards")
    yield made
    made.reset(delete_files=False)


@pytest.fixture
def postings_in_two_regions(engine):
    """An open posting in Gyeongnam and one in Busan, stored and logged."""
    items = [posting(db.session, company(db.session, slug), title=f"비전 검사 엔지니어 {slug}")
             for slug in ("gyeongnam", "busan")]
    for item in items:
        indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    return items


def until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def finds(engine, item) -> bool:
    vector = engine.query_vector(db.session, "posting", item.id)
    return item.id in engine.search(db.session, "posting", [item.region_id], vector, 10)


class FullDisk:
    """Writes a few bytes of a shard, then fails as a full disk does, while `full` is set."""

    def __init__(self, monkeypatch):
        self.full, real = True, layouts.write_index

        def write_index(index, path):
            if not self.full:
                return real(index, path)
            with open(path, "wb") as fh:
                fh.write(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(layouts, "write_index", write_index)


def test_a_full_disk_leaves_every_shard_serving_reports_each_and_recovers_without_a_restart(
        app, engine, postings_in_two_regions, tmp_path, monkeypatch, login_as):
    disk = FullDisk(monkeypatch)
    restarted = make_engine(tmp_path / "full")  # a new process: every shard is rebuilt, and every save fails
    monkeypatch.setitem(app.extensions, "search_engine", restarted)
    assert all(finds(restarted, item) for item in postings_in_two_regions)  # built, though never saved
    assert restarted.whole("posting", [item.region_id for item in postings_in_two_regions])
    health = restarted.health()["index"]
    failing = {item["shard"]: item for item in health["degraded"]}
    assert health["status"] == "degraded"
    assert set(failing) == {f"posting/{item.region_id}" for item in postings_in_two_regions}
    assert all(item["step"] == "save" and "No space left" in item["reason"] for item in failing.values())
    admin, _ = login_as("admin")
    page = english(admin).get("/admin/jobs").get_data(as_text=True)
    assert "Search index" in page and "No space left on device" in page and "Degraded" in page
    # nothing half-written is left (a retry may be writing its temporary file this instant)
    assert until(lambda: {path.name for path in (tmp_path / "full").iterdir()} == {".save.lock"})
    assert until(lambda: max(item["failures"] for item in restarted.health()["index"]["degraded"]) >= 3)

    disk.full = False  # space returns
    assert until(lambda: restarted.health()["index"]["status"] == "ok")
    for item in postings_in_two_regions:
        assert shard_files.exists(tmp_path / "full", f"posting--{item.region_id}")
    restarted.reset(delete_files=False)


def test_a_shard_that_fails_to_build_says_matching_is_degraded_until_a_retry_builds_it(
        engine, postings_in_two_regions, tmp_path, monkeypatch):
    broken, real = {"on": True}, replica.shard_vectors

    def shard_vectors(*args, **kwargs):
        if broken["on"]:
            raise MemoryError("cannot allocate the shard")
        return real(*args, **kwargs)

    monkeypatch.setattr(replica, "shard_vectors", shard_vectors)
    restarted = make_engine(tmp_path / "other", rebuild_wait=0)
    first = postings_in_two_regions[0]
    assert not finds(restarted, first)  # an empty stand-in answers
    seeker = profile(db.session, home="gyeongnam")
    indexing.sync_profile(db.session, restarted, seeker)
    db.session.commit()
    assert pipeline.for_profile(db.session, restarted, seeker).degraded
    report = next(item for item in restarted.health()["index"]["degraded"]
                  if item["shard"] == f"posting/{first.region_id}")
    assert report["step"] == "build" and "MemoryError" in report["reason"]

    broken["on"] = False
    assert until(lambda: restarted.health()["index"]["status"] == "ok")
    assert finds(restarted, first) and not pipeline.for_profile(db.session, restarted, seeker).degraded
    restarted.reset(delete_files=False)


def test_a_rebuild_asked_for_on_a_full_disk_fails_loudly(engine, postings_in_two_regions, monkeypatch):
    FullDisk(monkeypatch)
    with pytest.raises(indexing.IndexNotWritten, match="No space left"):
        indexing.rebuild_shards(db.session, engine, kinds=["posting"])


def test_an_erased_profile_leaves_the_shard_files_as_the_deletion_commits(engine, tmp_path):
    seeker = profile(db.session, home="gyeongnam", accepted=("busan",), headline="비전 검사 엔지니어 OpenCV")
    others = [profile(db.session, home="gyeongnam", headline=f"데이터 분석가 {n}") for n in range(2)]
    for item in [seeker, *others]:
        indexing.sync_profile(db.session, engine, item)
    db.session.commit()
    engine.catch_up(db.session)
    engine.save()
    folder = tmp_path / "shards"
    gyeongnam = f"profile--{region_id(db.session, 'gyeongnam')}"
    ids, vectors = shard_files.load_shard(folder, gyeongnam).vectors()
    held = vectors[list(ids).index(seeker.id)].tobytes()

    def files_holding_it() -> list[str]:
        return [path.name for path in folder.iterdir() if held in path.read_bytes()]

    assert files_holding_it()
    erasure.delete_account(db.session, engine, db.session.get(User, seeker.user_id))
    db.session.commit()
    assert files_holding_it() == []  # at the commit, not at the next save minutes later
    engine.catch_up(db.session)
    engine.save()  # the shard is written again, without it
    assert shard_files.exists(folder, gyeongnam) and files_holding_it() == []
    assert len(shard_files.load_shard(folder, gyeongnam)) == 2


def test_a_posting_saved_while_the_model_was_away_is_encoded_when_it_returns(app_ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "MODEL_RETRY_S", 0.0)
    model = {"up": False}
    encoder = CountingEncoder()

    def load():
        if not model["up"]:
            raise OSError("no model at /models/minilm")
        return encoder

    engine = engine_module.SearchEngine("test-model", index_dir=str(tmp_path / "shards"), encoder_factory=load,
                                        rebuild_wait=30.0)
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(StoredVector)) == 0

    model["up"] = True
    engine.catch_up(db.session)  # the model loads: the catch-up sweeps for what was left without a vector
    assert engine.wait_for_rebuilds(30)
    assert db.session.scalar(select(func.count()).select_from(StoredVector)) == 1
    assert finds(engine, item)
    engine.reset(delete_files=False)


def test_an_ivf_shard_file_never_holds_a_removed_vector_or_its_code(tmp_path):
    from embeddings import VectorShard

    vectors = np.random.default_rng(5).standard_normal((3000, 16)).astype(np.float32)
    shard = VectorShard.build(np.arange(1, 3001), vectors / np.linalg.norm(vectors, axis=1, keepdims=True),
                              exact_max=500, device="cpu")
    table = shard._index.table
    held = table.vectors[table.rows[7]].tobytes()
    shard.remove([7])
    manifest = shard_files.save_shard(tmp_path, "profile--7", shard, model_id="m")
    assert held not in (tmp_path / manifest["index_file"]).read_bytes()
    loaded = shard_files.load_shard(tmp_path, "profile--7", exact_max=500, device="cpu")
    assert loaded._index.scan.ntotal == 2999 and 7 not in loaded.search(vectors[6], 5)[0][0]

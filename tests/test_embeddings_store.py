"""VectorShard: replace-on-add, removal, exact id filters, layouts, rebuilds, and the GPU copy's logic on CPU."""
import threading

import faiss
import numpy as np
import pytest

from embeddings import VectorShard, configure_threads
from embeddings import layouts
from embeddings.gpu import TorchExactSearch

DIM = 32


def unit(rows, seed=0, dim=DIM):
    x = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def exact_top(ids, vectors, query, k, allowed=None):
    scores = vectors @ query
    if allowed is not None:
        scores = np.where(np.isin(ids, list(allowed)), scores, -np.inf)
    order = np.argsort(-scores)[:k]
    return [int(ids[i]) for i in order if np.isfinite(scores[i])]


@pytest.fixture
def small():
    ids, vectors = np.arange(100, 400), unit(300)
    shard = VectorShard(DIM, device="cpu")
    shard.add(ids, vectors)
    return shard, ids, vectors


@pytest.fixture(scope="module")
def large():
    """An IVF shard: 6,000 vectors in clusters, above an exact_max of 1,000."""
    centres = unit(150, seed=1)
    noise = np.random.default_rng(2).normal(0, 0.05, (6000, DIM)).astype(np.float32)
    vectors = centres[np.arange(6000) % 150] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(6000, dtype=np.int64) * 7 + 1
    return VectorShard.build(ids, vectors, exact_max=1000, device="cpu"), ids, vectors


def test_search_returns_the_exact_neighbours_best_first(small):
    shard, ids, vectors = small
    (found, scores), = shard.search(vectors[5], 10)
    assert found.tolist() == exact_top(ids, vectors, vectors[5], 10)
    assert found[0] == ids[5] and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert np.all(np.diff(scores) <= 1e-6)


def test_adding_an_existing_id_replaces_its_vector(small):
    shard, ids, vectors = small
    shard.add([ids[0]], vectors[7])
    assert len(shard) == 300
    (found, scores), = shard.search(vectors[7], 2)
    assert set(found.tolist()) == {int(ids[0]), int(ids[7])} and scores.min() > 0.999
    (found, _), = shard.search(vectors[0], 300)
    assert found[0] != ids[0]  # the old vector is gone


def test_removed_ids_are_never_returned_and_absent_ones_are_ignored(small):
    shard, ids, vectors = small
    assert shard.remove([ids[3], 999_999]) == 1
    assert len(shard) == 299 and not shard.contains(ids[3]) and ids[4] in shard
    (found, _), = shard.search(vectors[3], 299)
    assert int(ids[3]) not in found.tolist() and len(found) == 299


def test_filter_returns_only_allowed_ids_even_when_few_pass(small, large):
    for shard, ids, vectors in (small, large):
        allowed = {int(ids[-1]), int(ids[len(ids) // 2]), 123_456_789}  # one id is not in the shard at all
        (found, _), = shard.search(vectors[0], 10, allowed_ids=allowed)
        assert sorted(found.tolist()) == sorted(allowed - {123_456_789})
        assert shard.search(vectors[0], 10, allowed_ids=[])[0][0].size == 0


def test_large_filter_on_an_ivf_shard_is_exact_over_the_allowed_ids(large, monkeypatch):
    shard, ids, vectors = large
    monkeypatch.setattr("embeddings.store.SMALL_FILTER", 100)  # force the filtered-probe path
    allowed = set(ids[::3].tolist())
    for row in (0, 10, 77):
        (found, _), = shard.search(vectors[row], 10, allowed_ids=allowed)
        assert set(found.tolist()) <= allowed
        assert len(set(found.tolist()) & set(exact_top(ids, vectors, vectors[row], 10, allowed))) >= 9


def test_big_shards_use_ivf_with_high_recall_and_o1_updates(large):
    shard, ids, vectors = large
    assert shard.index_type.startswith("ivf-pq") and shard.nprobe >= 1
    queries = unit(50, seed=9) * 0.3 + vectors[:50]  # off-manifold queries near the data
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    results = shard.search(queries, 20)
    hits = [len(set(got.tolist()) & set(exact_top(ids, vectors, q, 20))) / 20 for (got, _), q in zip(results, queries)]
    assert np.mean(hits) >= 0.95
    new_id = int(ids[-1]) + 1
    shard.add([new_id], vectors[11])
    assert new_id in shard.search(vectors[11], 5)[0][0]
    shard.remove([new_id])
    assert new_id not in shard.search(vectors[11], 5)[0][0] and len(shard) == len(ids)


def test_a_replaced_vector_is_found_once_at_its_new_place_and_stale_codes_are_purged():
    """Fast-scan codes cannot be removed in O(1): old codes stay until purged, and must never show."""
    vectors = unit(3000, seed=12)
    ids = np.arange(1, 3001)
    shard = VectorShard.build(ids, vectors, exact_max=1000, device="cpu")
    index = shard._index
    shard.add([1], vectors[2000])                     # id 1 now sits where id 2001 is
    (found, scores), = shard.search(vectors[2000], 5)
    assert found.tolist().count(1) == 1 and set(found[:2].tolist()) == {1, 2001} and scores[1] > 0.999
    (found, _), = shard.search(vectors[0], 20)
    assert 1 not in found.tolist()                     # its old code is stale, and scored on the new vector
    shard.remove([2001])
    assert 2001 not in shard.search(vectors[2000], 5)[0][0]
    assert len(index.table.pending) == 2  # the old rows of 1 and 2001
    shard.remove(ids[10:60])                          # past STALE_SHARE of the shard: one purge pass
    assert not index.table.pending and index.scan.ntotal == len(shard) == 2949
    (found, _), = shard.search(vectors[2000], 1)
    assert found.tolist() == [1]


def test_ivf_lists_give_back_every_vector_to_fp16_precision(large):
    """Rebuilds into another layout and GPU copies read the vectors back out of the lists."""
    shard, ids, vectors = large
    held_ids, held = layouts.stored_vectors(shard._index)
    rows = (held_ids - 1) // 7  # ids are row * 7 + 1
    assert sorted(held_ids.tolist()) == ids.tolist()
    assert np.abs(held - vectors[rows]).max() < 1e-3


def test_a_shard_saved_with_float_ivf_lists_still_reads_back(large):
    _, ids, vectors = large
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    quantizer.add(vectors[:16])
    old = faiss.IndexIVFFlat(quantizer, vectors.shape[1], 16, faiss.METRIC_INNER_PRODUCT)
    old.is_trained = True
    old.add_with_ids(vectors[:100], ids[:100].astype(np.int64))
    held_ids, held = layouts.stored_vectors(old)
    assert sorted(held_ids.tolist()) == ids[:100].tolist() and layouts.describe(old).startswith("ivf-flat")
    assert np.array_equal(held, vectors[(held_ids - 1) // 7])


def test_growing_past_exact_max_calls_for_a_rebuild_that_keeps_concurrent_changes(monkeypatch):
    ids, vectors = np.arange(1, 1501), unit(1500, seed=4)
    shard = VectorShard.build(ids[:900], vectors[:900], exact_max=1000, device="cpu")
    assert shard.index_type == "exact" and not shard.needs_rebuild
    shard.add(ids[900:], vectors[900:])
    assert shard.needs_rebuild
    real_build = layouts.build_ivf

    def build_while_others_write(*args, **kwargs):
        index = real_build(*args, **kwargs)
        writer = threading.Thread(target=lambda: (shard.add([5000], vectors[0]), shard.remove([1, 2])))
        writer.start()
        writer.join()  # these changes land on the old index while the new one is being built
        return index

    monkeypatch.setattr(layouts, "build_ivf", build_while_others_write)
    assert shard.rebuild()
    assert shard.index_type.startswith("ivf") and not shard.needs_rebuild
    assert 5000 in shard and 1 not in shard and 2 not in shard and len(shard) == 1499
    shard.nprobe = 10_000  # all lists: the answer must now be exact
    (found, _), = shard.search(vectors[0], 3)
    assert {5000, } <= set(found.tolist()) and 1 not in found


def test_vectors_are_normalised_and_bad_input_is_refused():
    shard = VectorShard(DIM, device="cpu")
    shard.add([1, 1], np.vstack([unit(1)[0] * 5, unit(1, seed=3)[0] * 3]))  # duplicate id: the last wins
    (found, scores), = shard.search(unit(1, seed=3)[0], 1)
    assert found.tolist() == [1] and scores[0] == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError, match="dimensions"):
        shard.add([2], np.ones((1, DIM + 1), np.float32))
    with pytest.raises(ValueError, match="one vector per id"):
        shard.add([2, 3], unit(1))
    with pytest.raises(ValueError, match="non-zero"):
        shard.add([2], np.zeros((1, DIM), np.float32))


def test_searches_run_safely_while_another_thread_updates(small):
    shard, ids, vectors = small
    errors = []

    def churn():
        try:
            for step in range(50):
                shard.add([10_000 + step], vectors[step % 300])
                shard.remove([10_000 + step - 1])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    writer = threading.Thread(target=churn)
    writer.start()
    for step in range(50):
        (found, _), = shard.search(vectors[step % 300], 5)
        assert int(ids[step % 300]) in found.tolist()
    writer.join()
    assert not errors and len(shard) == 301


def test_configure_threads_caps_faiss_and_torch():
    import torch

    before = (faiss.omp_get_max_threads(), torch.get_num_threads())
    try:
        configure_threads(1)
        assert faiss.omp_get_max_threads() == 1 and torch.get_num_threads() == 1
    finally:
        faiss.omp_set_num_threads(before[0])
        torch.set_num_threads(before[1])


def test_torch_exact_search_follows_adds_removes_and_filters_on_cpu():
    ids, vectors = np.arange(1, 2001), unit(2000, seed=5)
    search = TorchExactSearch(ids[:1500], vectors[:1500], device="cpu")
    search.add(ids[1500:], vectors[1500:])  # grows past the first capacity
    search.remove(ids[:600])  # enough to trigger compaction
    alive_ids, alive = ids[600:], vectors[600:]
    (found, scores), = search.search(vectors[[1700]], 10)
    assert found.tolist() == exact_top(alive_ids, alive, vectors[1700], 10)
    (found, _), = search.search(vectors[[5]], 10, allowed_ids=np.array([5, 6, 700, 701]))
    assert sorted(found.tolist()) == [700, 701]


@pytest.mark.gpu
@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU")
def test_gpu_shard_agrees_with_cpu_shard():
    ids, vectors = np.arange(1, 5001), unit(5000, seed=6)
    cpu = VectorShard.build(ids, vectors, device="cpu")
    gpu = VectorShard.build(ids, vectors, device="cuda")
    gpu.remove([1])
    cpu.remove([1])
    for (g, _), (c, _) in zip(gpu.search(vectors[:20], 10), cpu.search(vectors[:20], 10)):
        assert len(set(g.tolist()) & set(c.tolist())) >= 9  # fp16 may swap near-ties

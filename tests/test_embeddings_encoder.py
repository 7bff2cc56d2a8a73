"""The encoder with the real packaged model on CPU: what callers rely on (shape, norm, fidelity, refusals, ids)."""
import logging
import os

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

torch = pytest.importorskip("torch")

from embeddings import EmptyTextError, Encoder, ModelUnavailableError  # noqa: E402
from embeddings.onnx_int8 import EXPORT_FORMAT  # noqa: E402

POSTING = ("Machine learning engineer in Busan: build demand forecasting models in Python and PyTorch, deploy them "
           "behind REST services and report results to the factory managers.")
PROFILE = "Data scientist with three years of Python, PyTorch and time-series forecasting for retail demand."
UNRELATED = "Pastry chef wanted for a hotel bakery; laminated doughs, cakes and early morning shifts."


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """The session's cache (conftest: TALENT_MATCH_MODEL_CACHE, else a fresh one): the int8 export itself is tested
    whenever that cache is empty, as on CI's fresh machines (about 15 s)."""
    from pathlib import Path

    shared = os.environ.get("TALENT_MATCH_MODEL_CACHE")
    return Path(shared) if shared else tmp_path_factory.getbasetemp() / "model-cache"


@pytest.fixture(scope="module")
def encoder(cache_dir):
    return Encoder(cache_dir=cache_dir, device="cpu").load()


@pytest.fixture(scope="module")
def stock_model():
    from sentence_transformers import SentenceTransformer

    from embeddings.encoder import _default_model_path

    return SentenceTransformer(_default_model_path(), device="cpu")


def test_vectors_are_unit_length_float32_rows_in_input_order(encoder):
    texts = [UNRELATED, POSTING, PROFILE]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, encoder.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for row, text in enumerate(texts):  # sorting by length inside encode must not shuffle the rows
        assert float(vectors[row] @ encoder.encode([text])[0]) > 0.9999  # nor may the company a text keeps


def test_a_text_repeated_in_one_call_is_encoded_once(encoder, monkeypatch):
    seen = []
    real = encoder._tokenise
    monkeypatch.setattr(encoder, "_tokenise", lambda batch, tensors: (seen.extend(batch), real(batch, tensors))[1])
    vectors = encoder.encode([POSTING, PROFILE, POSTING, POSTING.replace(" ", "   ", 1)])  # spacing is normalised
    assert sorted(seen) == sorted([POSTING, PROFILE])
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[0], vectors[3])


def test_fast_cpu_path_stays_faithful_to_the_stock_model(encoder, stock_model):
    assert encoder.backend == "onnx" and encoder.model_id.endswith("/onnx-int8")
    texts = [POSTING, PROFILE, UNRELATED, "Python", "AI 엔지니어 채용 부산 지역 제조업 스마트 팩토리 데이터 분석"]
    ours = encoder.encode(texts)
    stock = stock_model.encode(texts, normalize_embeddings=True)
    cosine = (ours * stock).sum(axis=1)
    assert cosine.mean() >= 0.99 and cosine.min() >= 0.97


def test_a_matching_profile_scores_above_an_unrelated_posting(encoder):
    posting, profile, unrelated = encoder.encode([POSTING, PROFILE, UNRELATED])
    assert posting @ profile > posting @ unrelated + 0.2


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_blank_text_is_refused_with_its_position(encoder, blank):
    with pytest.raises(EmptyTextError, match=r"text #1 is empty"):
        encoder.encode([POSTING, blank])
    assert issubclass(EmptyTextError, ValueError)


def test_concurrent_callers_share_one_encoder(encoder):
    from concurrent.futures import ThreadPoolExecutor

    texts = [POSTING, PROFILE, UNRELATED, "Python developer"] * 5
    expected = encoder.encode(texts)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: encoder.encode(texts), range(4)))
    for vectors in results:
        assert (vectors * expected).sum(axis=1).min() > 0.9999


def test_text_hash_ignores_spacing_but_not_words_or_model(encoder):
    assert encoder.text_hash("AI  engineer\n in Busan") == encoder.text_hash("AI engineer in Busan")
    assert encoder.text_hash("AI engineer in Busan") != encoder.text_hash("AI engineer in Daegu")
    assert len(encoder.text_hash("x")) == 64
    other = Encoder(cache_dir=encoder.cache_dir, backend="torch", device="cpu")
    assert other.text_hash("AI engineer") != encoder.text_hash("AI engineer")  # another backend: re-encode


def test_model_id_is_stable_and_the_int8_export_is_reused(encoder, cache_dir):
    exports = sorted(cache_dir.glob(f"*-{encoder.model_id.split('@')[1][:12]}*-onnx-int8-v{EXPORT_FORMAT}"))
    assert len(exports) == 1
    before = (exports[0] / "model.onnx").stat().st_mtime_ns
    again = Encoder(cache_dir=cache_dir, device="cpu")
    assert again.model_id == encoder.model_id
    assert (exports[0] / "model.onnx").stat().st_mtime_ns == before


def test_torch_path_matches_the_stock_model_exactly(cache_dir, stock_model):
    encoder = Encoder(cache_dir=cache_dir, backend="torch", device="cpu", batch_size=2)
    texts = [POSTING, PROFILE, UNRELATED]
    cosine = (encoder.encode(texts) * stock_model.encode(texts, normalize_embeddings=True)).sum(axis=1)
    assert cosine.min() > 0.9999
    assert encoder.model_id.endswith("/torch-fp32")


def test_auto_falls_back_to_torch_with_a_warning_when_onnx_fails(cache_dir, monkeypatch, caplog):
    import embeddings.onnx_int8

    def broken(*args, **kwargs):
        raise RuntimeError("no onnx today")

    monkeypatch.setattr(embeddings.onnx_int8, "cached_int8_model", broken)
    with caplog.at_level(logging.WARNING, logger="embeddings.encoder"):
        encoder = Encoder(cache_dir=cache_dir, device="cpu").load()
    assert encoder.backend == "torch"
    assert "falling back to torch" in caplog.text


def test_a_missing_model_raises_model_unavailable_on_use(tmp_path):
    encoder = Encoder(tmp_path / "no-such-model", cache_dir=tmp_path / "cache")  # constructing never fails
    with pytest.raises(ModelUnavailableError, match="no-such-model"):
        encoder.encode(["anything"])
    with pytest.raises(ModelUnavailableError):
        _ = encoder.model_id


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        Encoder(backend="tensorflow")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gpu_encoder_uses_fp16_and_agrees_with_cpu(encoder, cache_dir):
    gpu = Encoder(cache_dir=cache_dir)
    texts = [POSTING, PROFILE, UNRELATED] * 200
    vectors = gpu.encode(texts)
    assert gpu.device.startswith("cuda") and gpu.model_id.endswith("/torch-fp16")
    cosine = (vectors[:3] * encoder.encode(texts[:3])).sum(axis=1)
    assert cosine.min() > 0.99
    np.testing.assert_allclose(vectors[:3], vectors[3:6], atol=1e-3)


def test_the_english_default_model_says_it_cannot_read_hangul(encoder):
    assert encoder.reads_hangul is False  # its tokenizer cuts 한국어 into jamo pieces


def test_the_thread_cap_follows_omp_num_threads_unless_set_explicitly(monkeypatch):
    from embeddings import threads

    monkeypatch.setattr(threads, "_configured", None)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # what gunicorn's post_fork leaves each worker
    assert threads.thread_cap() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "many")
    assert threads.thread_cap() >= 1
    monkeypatch.setattr(threads, "_configured", 3)
    assert threads.thread_cap() == 3

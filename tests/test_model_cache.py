"""The int8 model cache: built once per model, loaded from disk afterwards (no torch model), rebuilt for a changed
model; and loading or encoding draws no progress bars into a server's log."""
import json
import os
import shutil

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

pytest.importorskip("onnxruntime")

from embeddings import Encoder, onnx_int8  # noqa: E402
from embeddings import encoder as encoder_module  # noqa: E402

TEXTS = ["Machine learning engineer in Busan: forecasting models in Python, deployed behind REST services.",
         "데이터 분석가 (부산) Python SQL", "Python", "word " * 400]


@pytest.fixture(scope="module")
def shared_export(tmp_path_factory):
    """The real int8 export, made once for the test session (conftest's TALENT_MATCH_MODEL_CACHE)."""
    encoder = Encoder(cache_dir=os.environ["TALENT_MATCH_MODEL_CACHE"], device="cpu").load()
    folder = onnx_int8.cache_folder(encoder.cache_dir, encoder._fingerprint, encoder._label)
    return encoder, folder


@pytest.fixture
def exports(shared_export, monkeypatch):
    """Counts exports; each one loads the torch model as a real export does, then copies the shared export's files
    (a real export costs half a minute of CPU)."""
    _, folder = shared_export
    made = []

    def export(model, work):
        made.append(work)
        for file in folder.iterdir():
            shutil.copy(file, work)
        return json.loads((folder / "export.json").read_text())

    monkeypatch.setattr(onnx_int8, "_export", export)
    return made


def no_torch_model(*args, **kwargs):
    raise AssertionError("the torch model was loaded although the int8 copy is cached")


def test_the_int8_model_is_built_once_and_then_loaded_from_the_cache(exports, shared_export, tmp_path, monkeypatch):
    reference, _ = shared_export
    first = Encoder(cache_dir=tmp_path, device="cpu").load()
    assert len(exports) == 1 and first.backend == "onnx"
    monkeypatch.setattr(Encoder, "_sentence_transformer", no_torch_model)
    again = Encoder(cache_dir=tmp_path, device="cpu").load()
    assert len(exports) == 1 and again.model_id == first.model_id == reference.model_id
    assert again.dim == reference.dim == 384
    np.testing.assert_array_equal(again.encode(TEXTS), reference.encode(TEXTS))
    assert len(list(tmp_path.glob("*-onnx-int8-*"))) == 1


def test_a_changed_model_gets_a_new_export_beside_the_old_one(exports, tmp_path, monkeypatch):
    Encoder(cache_dir=tmp_path, device="cpu").load()
    monkeypatch.setattr(encoder_module, "_fingerprint", lambda path: "f" * 64)
    changed = Encoder(cache_dir=tmp_path, device="cpu").load()
    assert len(exports) == 2 and "@ffffffffffff/" in changed.model_id
    assert len(list(tmp_path.glob("*-onnx-int8-*"))) == 2
    Encoder(cache_dir=tmp_path, device="cpu").load()
    assert len(exports) == 2


def test_the_cached_tokenizer_gives_the_ids_the_models_own_tokenizer_gives(shared_export):
    from sentence_transformers import SentenceTransformer

    encoder, _ = shared_export
    own = SentenceTransformer(encoder.model_name, device="cpu").tokenizer
    texts = TEXTS + ["Ünïcödé café — AI/ML", "한국어 문장을 읽습니다"]
    for batch in (texts, texts[:1], texts[1:3]):
        expected = own(batch, padding=True, truncation=True, max_length=256, return_tensors="np")
        got = encoder._tokenizer(batch)
        assert set(got) == {"input_ids", "token_type_ids", "attention_mask"}
        for name, ids in got.items():
            np.testing.assert_array_equal(ids, expected[name])
    assert encoder._tokenizer.tokenize("한국어 문장을 읽습니다") == own.tokenize("한국어 문장을 읽습니다")


def test_loading_the_model_and_encoding_print_no_progress_bars(exports, tmp_path, capfd):
    encoder = Encoder(cache_dir=tmp_path, device="cpu").load()  # the export path loads the torch model's weights
    encoder.encode(TEXTS * 200)
    out, err = capfd.readouterr()
    assert len(exports) == 1
    assert "Loading weights" not in err and "it/s" not in err and "%|" not in out + err


def test_bulk_encoding_runs_batches_on_every_core_even_in_a_capped_worker(shared_export, monkeypatch):
    encoder, _ = shared_export
    monkeypatch.setattr(encoder, "_threads", 1)  # a gunicorn worker's cap (OMP_NUM_THREADS=1)
    used = []
    real = encoder._pool
    monkeypatch.setattr(encoder, "_pool", lambda threads: (used.append(threads), real(threads))[1])
    capped = encoder.encode(TEXTS)
    bulk = encoder.encode(TEXTS, threads=2)
    assert used == [1, 2]
    np.testing.assert_array_equal(capped, bulk)  # one text per call: the same vectors however many threads


def test_the_app_keeps_the_model_cache_beside_its_index(tmp_path, monkeypatch):
    from talent_match import config

    monkeypatch.delenv("TALENT_MATCH_MODEL_CACHE", raising=False)
    monkeypatch.delenv("INDEX_DIR", raising=False)
    settings = config.from_environment(tmp_path)
    assert settings["MODEL_CACHE_DIR"] == str(tmp_path / "model-cache")
    assert os.path.dirname(settings["INDEX_DIR"]) == os.path.dirname(settings["MODEL_CACHE_DIR"])
    monkeypatch.setenv("TALENT_MATCH_MODEL_CACHE", "/var/cache/talent-match")
    assert config.from_environment(tmp_path)["MODEL_CACHE_DIR"] == "/var/cache/talent-match"


def test_prepare_model_loads_the_model_and_names_it(app, runner, tmp_path, monkeypatch):
    from .indexing_support import make_engine

    engine = make_engine(tmp_path / "shards")
    monkeypatch.setitem(app.extensions, "search_engine", engine)
    result = runner.invoke(args=["prepare-model"])
    assert result.exit_code == 0 and f"model ready: {engine.encoder().model_id}" in result.output


def test_prepare_model_fails_saying_why_when_the_model_is_missing(app, tmp_path):
    from talent_match import create_app

    broken = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "INDEX_DIR": str(tmp_path / "shards"),
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "TALENT_MATCH_MODEL": "/nonexistent"})
    result = broken.test_cli_runner().invoke(args=["prepare-model"])
    assert result.exit_code == 1 and "/nonexistent" in result.output

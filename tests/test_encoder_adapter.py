"""The encoder's learned adapter: training pulls named pairs together, it is reproducible, it is saved and keyed into
the model's identity, and it learns only from the texts the site would show the model."""
import json
import os

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

torch = pytest.importorskip("torch")

from embeddings.adapter import TrainingSettings, load_adapter, save_adapter, train_matrix  # noqa: E402
from talent_match.config import encoder_adapter  # noqa: E402
from talent_match.services.matching import adaptation  # noqa: E402

DIM = 16


def _pair_world(groups=24, seed=0):
    """Anchors and positives that share a hidden 'meaning' direction but whose raw vectors are dominated by a
    nuisance direction per text: before training a positive is rarely the nearest of the anchors' positives."""
    rng = np.random.default_rng(seed)
    meaning = rng.normal(size=(groups, DIM // 2))
    anchors = np.concatenate([0.4 * meaning, rng.normal(size=(groups, DIM // 2)) * 1.5], axis=1)
    positives = np.concatenate([0.4 * meaning, rng.normal(size=(groups, DIM // 2)) * 1.5], axis=1)
    normalise = lambda m: (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)  # noqa: E731
    return normalise(anchors), normalise(positives), list(range(groups))


def _hits(matrix, anchors, positives):
    """How many anchors have their own positive as the nearest positive."""
    left, right = anchors @ matrix, positives @ matrix
    left /= np.linalg.norm(left, axis=1, keepdims=True)
    right /= np.linalg.norm(right, axis=1, keepdims=True)
    return int(np.sum(np.argmax(left @ right.T, axis=1) == np.arange(len(anchors))))


SETTINGS = TrainingSettings(rank=8, epochs=60, batch_size=8, learning_rate=0.02, correction_penalty=0.01, seed=3)


def test_training_brings_each_anchor_nearer_its_own_positive():
    anchors, positives, groups = _pair_world()
    matrix, history = train_matrix(anchors, positives, groups, SETTINGS)
    assert matrix.shape == (DIM, DIM) and matrix.dtype == np.float32
    assert _hits(matrix, anchors, positives) > _hits(np.eye(DIM, dtype=np.float32), anchors, positives)
    assert history[-1]["loss"] < history[0]["loss"]


def test_training_is_reproducible_for_a_seed():
    anchors, positives, groups = _pair_world()
    first, _ = train_matrix(anchors, positives, groups, SETTINGS)
    second, _ = train_matrix(anchors, positives, groups, SETTINGS)
    other, _ = train_matrix(anchors, positives, groups, TrainingSettings(**{**SETTINGS.__dict__, "seed": 4}))
    assert np.array_equal(first, second)
    assert not np.array_equal(first, other)


def test_a_batch_never_holds_two_pairs_of_one_group():
    from embeddings.adapter import _batches
    import random

    groups = [0, 0, 0, 1, 1, 2, 3, 3, 4]
    batches = _batches(groups, 4, random.Random(1))
    for batch in batches:
        assert len({groups[n] for n in batch}) == len(batch)
    placed = [n for batch in batches for n in batch]
    assert len(placed) == len(set(placed)) and all(len(batch) >= 2 for batch in batches)  # a lone pair contrasts
    assert len(placed) >= len(groups) - 1                                                # with nothing


def test_a_saved_adapter_loads_with_a_fingerprint_of_its_matrix(tmp_path):
    rotation = np.eye(DIM, dtype=np.float32)[::-1]
    adapter = save_adapter(rotation, tmp_path / "a", {"note": "reversed axes"})
    assert np.array_equal(load_adapter(tmp_path / "a").matrix, rotation)
    assert json.loads((tmp_path / "a" / "adapter.json").read_text()) == {"note": "reversed axes"}
    changed = save_adapter(2 * rotation, tmp_path / "b", {})
    assert changed.fingerprint != adapter.fingerprint
    vectors = np.eye(DIM, dtype=np.float32)[:3]
    np.testing.assert_allclose(adapter.apply(vectors), vectors[:, ::-1])
    np.testing.assert_allclose(changed.apply(vectors), vectors[:, ::-1])  # renormalised: scale is not meaning


def test_a_folder_without_an_adapter_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="empty-folder"):
        load_adapter(tmp_path / "empty-folder")


def test_an_english_model_learns_from_latin_labels_only_and_each_group_is_capped():
    groups = [["Python", "파이썬", "Python3", "python3", "파이썬 프로그래밍"],
              ["Computer Vision 엔지니어", "영상 AI 개발자", "CV engineer"],
              ["예지보전", "고장 예측"]]  # nothing an English model can read: left out
    anchors, positives, owners = adaptation.pairs(groups, reads_hangul=False)
    assert list(zip(anchors, positives, owners)) == [
        ("Python", "Python3", 0), ("Python", "python3", 0),
        ("Computer Vision", "AI", 1), ("Computer Vision", "CV engineer", 1), ("AI", "CV engineer", 1)]
    readable, _, owners = adaptation.pairs(groups, reads_hangul=True)
    assert 2 in owners and ("예지보전" in readable)
    many = [[f"alias {n}" for n in range(20)]]
    assert len(adaptation.pairs(many, reads_hangul=False)[0]) == adaptation.PAIRS_PER_GROUP


def test_role_groups_pair_titles_and_a_title_with_its_skills():
    assert adaptation.role_groups([(("Data Engineer", "ETL Developer"), ("Python", "SQL"))]) == [
        ["Data Engineer", "ETL Developer"], ["Data Engineer", "Python, SQL"]]


def test_the_adapter_setting_names_a_folder_none_or_the_shipped_default(monkeypatch):
    from talent_match import config

    assert encoder_adapter("/srv/adapter") == "/srv/adapter"
    assert encoder_adapter("none") is None and encoder_adapter("NONE") is None
    monkeypatch.setattr(config, "SHIPPED_ADAPTER", config.Path("/shipped"))
    assert encoder_adapter(None) == "/shipped"
    assert encoder_adapter(None, custom_model=True) is None  # trained for the default model only
    monkeypatch.setattr(config, "SHIPPED_ADAPTER", None)
    assert encoder_adapter(None) is None


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory):
    from pathlib import Path

    shared = os.environ.get("TALENT_MATCH_MODEL_CACHE")
    return Path(shared) if shared else tmp_path_factory.getbasetemp() / "model-cache"


@pytest.mark.slow  # loads the real model
def test_the_encoder_applies_its_adapter_and_names_it_in_its_identity(tmp_path, model_cache):
    from embeddings import Encoder, ModelUnavailableError

    plain = Encoder(cache_dir=model_cache, device="cpu").load()
    rng = np.random.default_rng(5)
    matrix = np.eye(plain.dim, dtype=np.float32) + 0.1 * rng.normal(size=(plain.dim, plain.dim)).astype(np.float32)
    adapter = save_adapter(matrix, tmp_path / "adapter", {})
    adapted = Encoder(cache_dir=model_cache, device="cpu", adapter=tmp_path / "adapter").load()
    texts = ["Data engineer, Kafka and Airflow", "Pastry chef"]
    np.testing.assert_allclose(adapted.encode(texts), adapter.apply(plain.encode(texts)), atol=1e-5)
    assert adapted.model_id != plain.model_id and adapter.fingerprint[:12] in adapted.model_id
    assert adapted.text_hash(texts[0]) != plain.text_hash(texts[0])  # stored vectors are re-encoded
    with pytest.raises(ModelUnavailableError, match="no adapter"):
        Encoder(cache_dir=model_cache, device="cpu", adapter=tmp_path / "missing").load()


class _HashedWords:
    """A stand-in model: each word a fixed random direction, a text the normalised sum of its words."""

    model_id, reads_hangul, dim = "hashed-words", False, 32

    def __init__(self, *args, **kwargs):
        pass

    def load(self):
        return self

    def encode(self, texts):
        import zlib

        rows = []
        for text in texts:
            row = np.zeros(self.dim)
            for word in text.lower().split():
                row += np.random.default_rng(zlib.crc32(word.encode())).normal(size=self.dim)
            rows.append(row / max(np.linalg.norm(row), 1e-9))
        return np.asarray(rows, dtype=np.float32)


def test_train_encoder_writes_an_adapter_a_card_and_its_figures(runner, monkeypatch, tmp_path):
    import embeddings.encoder

    monkeypatch.setattr(embeddings.encoder, "Encoder", _HashedWords)
    bench = os.path.join(os.path.dirname(__file__), "data", "korean-ai-jobs")
    result = runner.invoke(args=["train-encoder", "--out", str(tmp_path / "a"), "--json", "--evaluate", bench])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output.strip().splitlines()[-1])
    assert set(facts["data"]) == {"taxonomy", "roles"} and facts["pairs"] > 1000
    assert facts["settings"]["seed"] == 13 and facts["base_model"] == "hashed-words"
    assert set(facts["figures"]["korean-ai-jobs"]) == {"before", "after"}
    card = (tmp_path / "a" / "README.md").read_text()
    assert "skills.csv" in card and "No evaluation" in card and "| korean-ai-jobs |" in card
    saved = json.loads((tmp_path / "a" / "adapter.json").read_text())
    assert saved["figures"] == facts["figures"]
    again = runner.invoke(args=["train-encoder", "--out", str(tmp_path / "b")])
    assert again.exit_code == 0, again.output
    assert load_adapter(tmp_path / "a").fingerprint == load_adapter(tmp_path / "b").fingerprint  # seeded

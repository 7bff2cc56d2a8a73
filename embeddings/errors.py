"""The errors the embeddings library raises, so callers can catch them without importing heavy modules."""


class EmbeddingError(Exception):
    """Base class for everything this library raises on purpose."""


class EmptyTextError(EmbeddingError, ValueError):
    """Text with nothing to encode: its vector would be meaningless, so callers must skip it instead."""


class ModelUnavailableError(EmbeddingError, RuntimeError):
    """The model could not be loaded; the site keeps serving without dense search."""


class ShardCorruptError(EmbeddingError):
    """A shard file is missing, truncated or disagrees with its manifest: set it aside and rebuild."""


class ShardMismatchError(EmbeddingError):
    """A shard file is intact but was made for another model or dimension: rebuild it from stored vectors."""

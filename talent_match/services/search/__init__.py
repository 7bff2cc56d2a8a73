"""The search engine: each kind of entity and its document, one writer, one change log, and the dense shards and
lexical index that follow it."""

"""The search engine: documents per entity, stored vectors and the change log, dense shards and the lexical index."""

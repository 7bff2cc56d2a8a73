"""What the search indexes are built from: stored vectors, saved BM25 terms, the change log, and background jobs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

ENTITY_KINDS = ("posting", "profile")


class StoredVector(db.Model):
    """An entity's embedding, so a rebuild never re-encodes. `text_hash` lets unchanged text skip encoding."""

    __table_args__ = (UniqueConstraint("kind", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    model_id: Mapped[str] = mapped_column(String(300), nullable=False)
    dim: Mapped[int] = mapped_column(Integer, nullable=False)
    text_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    vector: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 nullable=False)


class LexicalTokens(db.Model):
    """An entity's BM25 terms (title and body, tab-separated), written when it is saved or bulk-encoded, so that
    building a region's lexical index reads terms instead of running the tokeniser. `doc_hash` names the document
    and tokeniser they came from (services.search.lexical.document_hash); a stale row is simply tokenised again.
    `entity_updated_at` (the entity's updated_at when its document was built) and `basis` (the tokeniser, taxonomy
    and document code the terms were cut with) let a process building its index trust a row without rebuilding the
    entity's document: same version of the entity, same basis (services.search.lexical.trusted_terms)."""

    __table_args__ = (UniqueConstraint("kind", "entity_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    doc_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    entity_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    basis: Mapped[str | None] = mapped_column(String(16))


class IndexChange(db.Model):
    """Append-only log of shard changes (services.search.change_log alone reads and writes it). Each process
    replays rows past its last seen id to stay fresh."""

    # Saving an entity reads its own rows to learn which shards it is leaving.
    __table_args__ = (Index("ix_index_change_kind_entity_id", "kind", "entity_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    op: Mapped[str] = mapped_column(String(10), nullable=False)  # upsert | remove
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class BackgroundJob(db.Model):
    """A long job (bulk encoding, reindexing) with progress that admins and the CLI can watch."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="queued")
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

"""Helpers for the indexing tests: a fast deterministic encoder that counts its calls, and entity builders."""
from __future__ import annotations

import hashlib
import uuid

import numpy as np
import pytest
from sqlalchemy import select

from talent_match.models import Company, Posting, Region, SeekerProfile, User
from talent_match.models.base import utcnow
from talent_match.services.search.engine import SearchEngine

DIM = 384


class CountingEncoder:
    """Hashed bag of words, L2-normalised: texts sharing words score higher. Records every text it encodes."""

    model_id = "test/hashed-words-384"
    dim = DIM
    reads_hangul = True  # hashes Korean words as well as English ones

    def __init__(self):
        self.texts: list[str] = []

    def text_hash(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    @property
    def calls(self) -> int:
        return len(self.texts)

    def encode(self, texts, batch_size: int = 64, **_):
        self.texts.extend(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out


def make_engine(index_dir, encoder=None, **options) -> SearchEngine:
    """An engine on its own shard folder; searches wait for its rebuilds (a loaded test machine is slow)."""
    encoder = encoder if encoder is not None else CountingEncoder()
    options.setdefault("rebuild_wait", 30.0)
    return SearchEngine("test-model", index_dir=str(index_dir), encoder_factory=lambda: encoder, **options)


def region_id(session, slug: str) -> int:
    return session.scalar(select(Region.id).where(Region.slug == slug))


def company(session, slug: str = "gyeongnam") -> Company:
    found = Company(name=f"회사 {uuid.uuid4().hex[:6]}", region_id=region_id(session, slug))
    session.add(found)
    session.flush()
    return found


def posting(session, owner: Company, title: str = "머신러닝 엔지니어 PyTorch", status: str = "open",
            region: str | None = None, description: str = "불량 검출 모델") -> Posting:
    made = Posting(company=owner, title=title, description=description, status=status,
                   region_id=region_id(session, region) if region else owner.region_id)
    session.add(made)
    session.flush()
    return made


def profile(session, home: str = "gyeongnam", accepted=(), discoverable: bool = True,
            headline: str = "데이터 분석가 Python") -> SeekerProfile:
    user = User(email=f"s-{uuid.uuid4().hex[:8]}@example.kr", role="seeker", name="구직자", password_hash="-",
                email_verified_at=utcnow())
    made = SeekerProfile(user=user, home_region_id=region_id(session, home), headline=headline,
                         discoverable=discoverable,
                         accepted_regions=[session.get(Region, region_id(session, r)) for r in accepted])
    session.add(user)
    session.flush()
    return made


@pytest.fixture
def engine(app, tmp_path, monkeypatch, cheap_password_hashes):
    """A fresh search engine in tmp_path, installed as the app's (modules using it import cheap_password_hashes
    from api_support too)."""
    made = make_engine(tmp_path / "indexes")
    monkeypatch.setitem(app.extensions, "search_engine", made)
    return made

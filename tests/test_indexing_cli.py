"""Operators and the site around the engine: reindex, jobs, /healthz, and the real model wired in."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from talent_match import create_app
from talent_match.extensions import db
from talent_match.models import BackgroundJob, IndexChange, StoredVector, User
from talent_match.services.hiring import postings
from talent_match.services.search import indexing
from talent_match.services.search.documents import Document

from .indexing_support import company, make_engine, posting, region_id


@pytest.fixture
def fake_engine(app, tmp_path, monkeypatch):
    """The app's engine swapped for one with the counting encoder, for the CLI to use."""
    made = make_engine(tmp_path / "shards")
    monkeypatch.setitem(app.extensions, "search_engine", made)
    yield made
    made.reset(delete_files=False)


def test_reindex_rebuilds_from_stored_vectors_without_encoding(app_ctx, runner, fake_engine):
    items = [posting(db.session, company(db.session)) for _ in range(3)]
    for item in items:
        indexing.sync_posting(db.session, fake_engine, item)
    db.session.commit()
    encoder = fake_engine.encoder()
    assert encoder.calls == 6  # each posting's text and title

    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "encoded 0; shards hold 3 vectors" in result.output
    assert encoder.calls == 6
    gyeongnam = [region_id(db.session, "gyeongnam")]
    query = fake_engine.query_vector(db.session, "posting", items[0].id)
    assert set(fake_engine.search(db.session, "posting", gyeongnam, query, 10)) == {p.id for p in items}

    result = runner.invoke(args=["reindex", "--reencode", "--kind", "posting"])
    assert result.exit_code == 0, result.output
    assert "encoded 3" in result.output and encoder.calls == 12


def test_without_a_model_reindex_rebuilds_from_stored_vectors_and_only_reencode_fails(app_ctx, runner, fake_engine):
    items = [posting(db.session, company(db.session)) for _ in range(2)]
    for item in items:
        indexing.sync_posting(db.session, fake_engine, item)
    db.session.commit()
    fake_engine._encoder_factory = lambda: (_ for _ in ()).throw(OSError("no model at /nonexistent"))
    fake_engine._encoder = None
    fake_engine.reset(delete_files=True)  # the shards are gone too: only the stored vectors are left
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "model unavailable: encoded nothing; shards hold 2 stored vectors" in result.output
    result = runner.invoke(args=["reindex", "--reencode"])
    assert result.exit_code != 0 and "TALENT_MATCH_MODEL" in result.output


def test_jobs_lists_recent_jobs_with_progress(app_ctx, runner):
    db.session.add(BackgroundJob(kind="reindex", status="running", done=50, total=200, message=""))
    db.session.commit()
    result = runner.invoke(args=["jobs"])
    assert "reindex" in result.output and "50/200 (25%)" in result.output


def test_worker_without_redis_explains_how_jobs_run(app_ctx, runner, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "REDIS_URL", None)
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_with_the_model_missing_the_site_stays_up_and_postings_still_save(app, tmp_path, make_user):
    broken = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SERVER_NAME": "localhost",
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "INDEX_DIR": str(tmp_path / "shards"), "TALENT_MATCH_MODEL": "/nonexistent",
                         "HEALTH_TOKEN": "monitor-" + "t" * 32})
    employer_id, _ = make_user("employer")
    with broken.app_context():
        engine = broken.extensions["search_engine"]
        employer = db.session.get(User, employer_id)
        saved = postings.create(db.session, engine, employer, {"title": "데이터 엔지니어", "status": "open",
                                                                "description": "Spark 파이프라인"})
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(StoredVector)) == 0
        assert db.session.scalar(select(IndexChange.op).where(IndexChange.entity_id == saved.id)) == "upsert"
        client = broken.test_client()
        body = client.get("/healthz", headers={"Authorization": "Bearer monitor-" + "t" * 32}).get_json()
        anonymous = client.get("/healthz", headers={"Authorization": "Bearer guessed"}).get_json()
        db.session.remove()
    assert body["model"]["status"] == "unavailable" and "/nonexistent" in body["model"]["error"]
    assert body["database"]["status"] == "ok"
    assert anonymous["model"] == {"status": "unavailable"} and anonymous["status"] == "degraded"


@pytest.mark.slow
def test_the_real_model_encodes_once_and_finds_the_closer_posting(app_ctx):
    engine = app_ctx.extensions["search_engine"]
    if engine.encoder() is None:
        pytest.fail(f"the packaged model did not load: {engine.health()['model']}")
    owner = company(db.session)
    vision = posting(db.session, owner, title="컴퓨터 비전 엔지니어", description="OpenCV 불량 검출 이미지 분류")
    language = posting(db.session, owner, title="자연어 처리 엔지니어", description="LLM 챗봇 한국어 텍스트 분류")
    for item in (vision, language):
        assert indexing.sync_posting(db.session, engine, item) is True
    db.session.commit()
    assert indexing.sync_posting(db.session, engine, vision) is False  # unchanged text: no encoding
    stored = db.session.scalar(select(StoredVector).where(StoredVector.entity_id == vision.id))
    assert stored.model_id == engine.encoder().model_id and stored.dim == engine.encoder().dim
    query = engine.embed_document(Document("image defect detection with deep learning vision models", ""))
    hits = engine.search(db.session, "posting", [owner.region_id], query, k=2)
    assert list(hits)[0] == vision.id
    health = engine.health()
    assert health["model"]["status"] == "ok" and health["index"]["status"] == "ok"

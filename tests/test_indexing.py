"""Stored vectors, shard membership, recovery and bulk encoding: what keeps dense search in step with the database."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from sqlalchemy import func, select, update

from talent_match.extensions import db
from talent_match.models import BackgroundJob, IndexChange, StoredVector
from talent_match.services import background
from talent_match.services.search import indexing, replica

from .indexing_support import CountingEncoder, company, make_engine, posting, profile, region_id


@pytest.fixture
def engine(app_ctx, tmp_path):
    made = make_engine(tmp_path / "shards")
    yield made
    made.reset(delete_files=False)


def found(engine, kind, regions, entity_id, k=50):
    """Search the regions with the entity's own stored vector: is it in those shards?"""
    session = db.session
    vector = engine.query_vector(session, kind, entity_id)
    assert vector is not None
    return entity_id in engine.search(session, kind, [region_id(session, r) for r in regions], vector, k)


def test_unchanged_text_is_not_encoded_again(engine):
    encoder = engine.encoder()
    item = posting(db.session, company(db.session))
    assert indexing.sync_posting(db.session, engine, item) is True
    db.session.commit()
    item.salary_min = 40_000_000  # not part of the text
    assert indexing.sync_posting(db.session, engine, item) is False
    assert encoder.calls == 2  # one document: its text and its title (documents.embed_documents)
    item.title = "컴퓨터 비전 엔지니어"
    assert indexing.sync_posting(db.session, engine, item) is True
    # a title the English model cannot read adds nothing to the text's vector (documents.title_readability)
    assert encoder.calls == 3 and "컴퓨터 비전 엔지니어" in encoder.texts[-1]
    assert db.session.scalar(select(func.count()).select_from(StoredVector)) == 1


def test_a_new_model_reencodes_unchanged_text(engine, tmp_path):
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    other = CountingEncoder()
    other.model_id = "test/another-model"
    assert indexing.sync_posting(db.session, make_engine(tmp_path / "other", other), item) is True
    assert db.session.scalar(select(StoredVector.model_id)) == "test/another-model"


def test_closed_posting_leaves_its_region_shard_and_reopening_brings_it_back(engine):
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    assert found(engine, "posting", ["gyeongnam"], item.id)
    item.status = "closed"
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    assert not found(engine, "posting", ["gyeongnam"], item.id)
    item.status = "open"
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    assert found(engine, "posting", ["gyeongnam"], item.id)
    assert engine.encoder().calls == 2  # moving between shards reuses the stored vector (text + title once)


def test_draft_posting_has_a_vector_but_is_in_no_shard(engine):
    item = posting(db.session, company(db.session), status="draft")
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    assert not found(engine, "posting", ["gyeongnam"], item.id)


def test_profile_is_in_home_and_accepted_region_shards_only_while_discoverable(engine):
    seeker = profile(db.session, home="gyeongnam", accepted=("busan",))
    indexing.sync_profile(db.session, engine, seeker)
    db.session.commit()
    assert found(engine, "profile", ["gyeongnam"], seeker.id) and found(engine, "profile", ["busan"], seeker.id)
    assert not found(engine, "profile", ["seoul"], seeker.id)
    seeker.discoverable = False
    indexing.sync_profile(db.session, engine, seeker)
    db.session.commit()
    assert not found(engine, "profile", ["gyeongnam", "busan"], seeker.id)
    # The seeker's own matching still searches postings with it.
    assert engine.query_vector(db.session, "profile", seeker.id) is not None


def test_dropping_an_accepted_region_leaves_that_shard(engine):
    seeker = profile(db.session, home="gyeongnam", accepted=("busan", "ulsan"))
    indexing.sync_profile(db.session, engine, seeker)
    db.session.commit()
    seeker.accepted_regions = [r for r in seeker.accepted_regions if r.slug == "ulsan"]
    indexing.sync_profile(db.session, engine, seeker)
    db.session.commit()
    assert not found(engine, "profile", ["busan"], seeker.id)
    assert found(engine, "profile", ["ulsan"], seeker.id) and found(engine, "profile", ["gyeongnam"], seeker.id)


def test_region_shards_never_mix(engine):
    here = [posting(db.session, company(db.session, "gyeongnam")) for _ in range(3)]
    there = [posting(db.session, company(db.session, "seoul")) for _ in range(3)]
    for item in here + there:
        indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    query = engine.query_vector(db.session, "posting", here[0].id)  # identical texts: all score the same
    hits = engine.search(db.session, "posting", [region_id(db.session, "seoul")], query, k=100)
    assert set(hits) == {p.id for p in there}
    hits = engine.search(db.session, "posting", [region_id(db.session, "gyeongnam")], query, k=100,
                         allowed_ids={here[1].id, there[1].id})
    assert set(hits) == {here[1].id}


def test_removing_an_entity_forgets_its_vector_and_takes_it_out_of_every_shard(engine):
    seeker = profile(db.session, accepted=("busan",))
    indexing.sync_profile(db.session, engine, seeker)
    db.session.commit()
    vector = engine.query_vector(db.session, "profile", seeker.id)
    indexing.remove_entity(db.session, engine, "profile", seeker.id)
    db.session.commit()
    assert engine.query_vector(db.session, "profile", seeker.id) is None
    regions = [region_id(db.session, r) for r in ("gyeongnam", "busan")]
    assert engine.search(db.session, "profile", regions, vector, k=10) == {}


def test_the_lexical_index_hears_each_change_the_shards_apply(engine, monkeypatch):
    heard = []
    note = engine.lexical.note

    def recording_note(batch):
        heard.extend((kind, region, entity, op) for (kind, region, entity), (_, op) in
                     sorted(batch.items(), key=lambda item: item[1][0]))
        note(batch)

    monkeypatch.setattr(engine.lexical, "note", recording_note)
    engine.catch_up(db.session)  # the lexical side builds from the database after this, then follows the log
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    engine.catch_up(db.session)
    item.status = "filled"
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    engine.catch_up(db.session)
    gyeongnam = region_id(db.session, "gyeongnam")
    assert heard == [("posting", gyeongnam, item.id, "upsert"), ("posting", gyeongnam, item.id, "remove")]


def test_a_change_committed_late_under_a_lower_id_is_still_applied(engine):
    """PostgreSQL hands out ids at insert, so a slow transaction can commit an id below one already seen."""
    first, late = posting(db.session, company(db.session)), posting(db.session, company(db.session))
    for item in (first, late):
        indexing.sync_posting(db.session, engine, item)
    db.session.execute(IndexChange.__table__.delete())  # keep the vectors, replay the log by hand below
    db.session.commit()
    engine.reset(delete_files=False)
    gyeongnam = region_id(db.session, "gyeongnam")
    row = dict(kind="posting", region_id=gyeongnam, op="upsert")
    db.session.add(IndexChange(id=1000, entity_id=first.id, **row))
    db.session.commit()
    assert found(engine, "posting", ["gyeongnam"], first.id)  # id 999 is a gap: maybe still in flight
    db.session.add(IndexChange(id=999, entity_id=late.id, **row))
    db.session.commit()
    assert found(engine, "posting", ["gyeongnam"], late.id)


def test_ids_of_rolled_back_transactions_are_given_up_after_a_while(app_ctx, tmp_path):
    engine = make_engine(tmp_path / "shards", gap_timeout=0.2)
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.execute(IndexChange.__table__.delete())
    db.session.add(IndexChange(id=50, kind="posting", region_id=item.region_id, entity_id=item.id, op="upsert"))
    db.session.commit()
    engine.catch_up(db.session)
    assert len(engine.replica.cursor.gaps) == 49
    time.sleep(0.3)
    engine.catch_up(db.session)
    assert engine.replica.cursor.gaps == {}
    engine.reset(delete_files=False)


def test_a_truncated_shard_file_is_set_aside_and_rebuilt_while_search_answers(engine, tmp_path, monkeypatch):
    from talent_match.services.search.tokens import kiwi

    kiwi()  # saving tokenises (lexical terms): load the tokeniser first, so the saves below are quick
    items = [posting(db.session, company(db.session)) for _ in range(3)]
    for item in items:
        indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    assert found(engine, "posting", ["gyeongnam"], items[0].id)
    engine.save()
    index_file = next((tmp_path / "shards").glob(f"posting--{region_id(db.session, 'gyeongnam')}.g*.faiss"))
    index_file.write_bytes(index_file.read_bytes()[:100])

    release = threading.Event()
    real = replica.shard_vectors

    def slow_shard_vectors(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(replica, "shard_vectors", slow_shard_vectors)
    restarted = make_engine(tmp_path / "shards", rebuild_wait=0)  # a new process on the same disk
    query = restarted.query_vector(db.session, "posting", items[0].id)
    assert restarted.search(db.session, "posting", [region_id(db.session, "gyeongnam")], query, 5) == {}
    health = restarted.health()["index"]
    assert health["status"] == "degraded" and health["degraded"][0]["shard"].startswith("posting/")
    assert health["degraded"][0]["step"] == "set_aside" and "ShardCorruptError" in health["degraded"][0]["reason"]
    assert list(index_file.parent.glob(index_file.name + ".bad-*"))
    release.set()
    assert restarted.wait_for_rebuilds(30)
    assert restarted.health()["index"]["status"] == "ok"
    assert found(restarted, "posting", ["gyeongnam"], items[1].id)
    assert restarted.encoder().calls == 0  # rebuilt from stored vectors
    saved_again = f"posting--{region_id(db.session, 'gyeongnam')}.g*.faiss"
    deadline = time.monotonic() + 20  # the rebuilt shard is saved by the rebuilding thread just after it swaps in
    while not list(index_file.parent.glob(saved_again)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(index_file.parent.glob(saved_again))
    assert not list(index_file.parent.glob("*.bad-*"))  # rebuilt: the set-aside file (old vectors) is gone


def test_a_restart_loads_saved_shards_and_replays_only_newer_changes(engine, tmp_path, monkeypatch):
    old = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, old)
    db.session.commit()
    engine.catch_up(db.session)
    engine.save()
    new = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, new)
    old.status = "closed"
    indexing.sync_posting(db.session, engine, old)
    db.session.commit()

    rebuilt = []
    real = replica.shard_vectors

    def recording_shard_vectors(session, kind, regions, model_id):
        rebuilt.extend((kind, region) for region in regions)
        return real(session, kind, regions, model_id)

    monkeypatch.setattr(replica, "shard_vectors", recording_shard_vectors)
    restarted = make_engine(tmp_path / "shards")
    gyeongnam = region_id(db.session, "gyeongnam")
    hits = restarted.search(db.session, "posting", [gyeongnam], engine.query_vector(db.session, "posting", new.id), 5)
    assert set(hits) == {new.id}
    assert ("posting", gyeongnam) not in rebuilt  # loaded from its file, then the two newer changes replayed


def test_a_shard_file_made_with_another_model_is_rebuilt(engine, tmp_path):
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    engine.catch_up(db.session)
    engine.save()
    db.session.execute(StoredVector.__table__.update().values(model_id="test/another-model"))
    db.session.commit()
    other = CountingEncoder()
    other.model_id = "test/another-model"
    restarted = make_engine(tmp_path / "shards", other)
    restarted.catch_up(db.session)
    assert restarted.wait_for_rebuilds(30)
    assert found(restarted, "posting", ["gyeongnam"], item.id)
    assert not list((tmp_path / "shards").glob("*.bad-*"))  # set aside, then removed once rebuilt


def test_without_a_model_entities_are_saved_and_encoded_later(engine, tmp_path):
    broken = make_engine(tmp_path / "broken")
    broken._encoder_factory = lambda: (_ for _ in ()).throw(OSError("no model at /nonexistent"))
    item = posting(db.session, company(db.session))
    assert indexing.sync_posting(db.session, broken, item) is False
    db.session.commit()
    assert broken.encoder() is None and broken.health()["model"]["status"] == "unavailable"
    assert db.session.scalar(select(func.count()).select_from(StoredVector)) == 0
    assert broken.search(db.session, "posting", [item.region_id], np.ones(384, np.float32), 5) == {}
    with pytest.raises(indexing.ModelUnavailable):
        indexing.encode_missing(db.session, broken)
    assert indexing.encode_missing(db.session, engine) == 1
    assert found(engine, "posting", ["gyeongnam"], item.id)


def test_encode_missing_encodes_in_chunks_once_and_reports_progress(engine):
    owner = company(db.session)
    items = [posting(db.session, owner, title=f"엔지니어 {n}") for n in range(7)]
    seekers = [profile(db.session, headline=f"분석가 {n}") for n in range(5)]
    db.session.commit()
    seen = []
    assert indexing.encode_missing(db.session, engine, batch_size=4, chunk_size=3,
                                   progress=lambda done, total: seen.append((done, total))) == 12
    assert seen[-1] == (12, 12) and len(seen) == 5
    assert indexing.encode_missing(db.session, engine) == 0
    assert found(engine, "posting", ["gyeongnam"], items[6].id)
    assert found(engine, "profile", ["gyeongnam"], seekers[4].id)
    assert indexing.encode_missing(db.session, engine, kinds=["profile"], reencode=True) == 5


def test_rebuild_shards_uses_stored_vectors_only(engine):
    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    calls = engine.encoder().calls
    assert indexing.rebuild_shards(db.session, engine, kinds=["posting"]) == 1
    assert engine.encoder().calls == calls
    assert found(engine, "posting", ["gyeongnam"], item.id)


def test_a_background_reindex_job_records_its_progress(engine):
    owner = company(db.session)
    for n in range(4):
        posting(db.session, owner, title=f"엔지니어 {n}")
    db.session.commit()
    job = background.submit(db.session, engine, "reindex", {"kinds": ["posting"]})  # no REDIS_URL: a thread
    deadline = time.monotonic() + 30
    while (row := db.session.get(BackgroundJob, job.id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, row.status
        time.sleep(0.05)
        db.session.expire_all()
    assert row.status == "done" and row.finished_at is not None, row.message
    assert row.message.startswith("encoded 4") and row.done == row.total


def test_saving_keeps_bm25_terms_so_building_a_lexical_index_never_tokenises(engine, monkeypatch):
    from talent_match.models import LexicalTokens
    from talent_match.services.search import lexical
    from talent_match.services.search.tokens import tokenize

    item = posting(db.session, company(db.session))
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(LexicalTokens)) == 1

    def refuse(texts):
        raise AssertionError("the lexical index tokenised a stored document")

    monkeypatch.setattr(lexical, "tokenize_many", refuse)
    index = lexical.LexicalIndex()
    scores = index.scores(db.session, "posting", [item.region_id], tokenize(item.title))
    assert item.id in scores and scores[item.id] > 0

    indexing.remove_entity(db.session, engine, "posting", item.id)
    assert db.session.scalar(select(func.count()).select_from(LexicalTokens)) == 0


def test_a_cold_lexical_index_reads_saved_terms_without_rebuilding_each_document(engine, monkeypatch):
    from talent_match.services.search import lexical
    from talent_match.services.search.tokens import tokenize

    owner = company(db.session)
    items = [posting(db.session, owner, title=f"데이터 엔지니어 {n}") for n in range(4)]
    for item in items:
        indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    checked = []
    real_hash = lexical.document_hash
    monkeypatch.setattr(lexical, "document_hash", lambda doc: checked.append(doc) or real_hash(doc))
    monkeypatch.setattr(lexical, "TRUST_SAMPLE", 1)
    scores = lexical.LexicalIndex().scores(db.session, "posting", [items[0].region_id], tokenize("데이터 엔지니어"))
    assert set(scores) == {item.id for item in items}
    assert len(checked) == 1  # the sample; the other three were read as saved


def _garble_saved_terms(kind: str, entity_id: int, **columns) -> None:
    from talent_match.models import LexicalTokens

    db.session.execute(update(LexicalTokens).where(LexicalTokens.kind == kind, LexicalTokens.entity_id == entity_id)
                       .values(title="zzgarbled", body="zzgarbled", **columns))
    db.session.commit()


@pytest.mark.parametrize("stale", ["document code changed", "entity updated after", "other basis"])
def test_saved_terms_that_may_be_stale_are_cut_again(engine, monkeypatch, stale):
    from datetime import datetime, timezone

    from talent_match.services.search import lexical
    from talent_match.services.search.tokens import tokenize

    item = posting(db.session, company(db.session), title="컴퓨터 비전 엔지니어")
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    if stale == "document code changed":  # the row's hash names another document than the code builds now
        _garble_saved_terms("posting", item.id, doc_hash="0" * 64)
    elif stale == "entity updated after":  # cut from an older version (a bulk reindex racing an edit)
        _garble_saved_terms("posting", item.id, doc_hash="0" * 64,
                            entity_updated_at=datetime(2000, 1, 1, tzinfo=timezone.utc))
    else:
        _garble_saved_terms("posting", item.id, doc_hash="0" * 64, basis="another-taxonomy")
    if stale != "document code changed":  # no sample: the row's own stamps must say it
        monkeypatch.setattr(lexical, "TRUST_SAMPLE", 0)
    index = lexical.LexicalIndex()
    assert item.id in index.scores(db.session, "posting", [item.region_id], tokenize("컴퓨터 비전"))
    assert item.id not in index.scores(db.session, "posting", [item.region_id], tokenize("zzgarbled"))


def test_saved_terms_stay_trusted_across_a_save_that_leaves_the_document_alone_and_not_across_a_skills_edit(
        engine, monkeypatch):
    from talent_match.services.hiring import postings
    from talent_match.services.search import lexical
    from talent_match.services.search.tokens import tokenize

    item = posting(db.session, company(db.session), title="데이터 엔지니어")
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    item.openings = 3  # not in the document: a new version all the same
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    monkeypatch.setattr(lexical, "TRUST_SAMPLE", 0)  # the row's stamps alone decide
    stamps = {item.id: item.updated_at}
    assert item.id in lexical.trusted_terms(db.session, "posting", stamps)

    postings._set_skills(db.session, item, ["Kubernetes"], [])  # a skills edit leaves the posting's row alone
    db.session.flush()
    assert item.updated_at != stamps[item.id]  # but dates it, so terms cut before it are no longer trusted
    assert item.id not in lexical.trusted_terms(db.session, "posting", {item.id: item.updated_at})
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    index = lexical.LexicalIndex()
    assert item.id in index.scores(db.session, "posting", [item.region_id], tokenize("kubernetes"))


def test_no_other_thread_changes_a_shard_while_it_is_scored(engine, monkeypatch):
    from talent_match.services.search import lexical
    from talent_match.services.search.tokens import tokenize

    item = posting(db.session, company(db.session), title="데이터 엔지니어")
    indexing.sync_posting(db.session, engine, item)
    db.session.commit()
    index, seen = lexical.LexicalIndex(), []
    real = lexical.FieldedBM25.score_array

    def scoring_while_another_thread_clears(self, query):
        other = threading.Thread(target=index.clear)  # what the engine's catch-up may do at any moment
        other.start()
        other.join(0.2)
        seen.append(other.is_alive())  # still waiting for the index: it could not pull the shard away
        return real(self, query)

    monkeypatch.setattr(lexical.FieldedBM25, "score_array", scoring_while_another_thread_clears)
    scores = index.scores(db.session, "posting", [item.region_id], tokenize("데이터 엔지니어"))
    assert seen == [True] and item.id in scores


def test_each_kind_says_its_membership_once_and_its_python_and_sql_forms_agree(engine):
    from talent_match.models import ENTITY_KINDS, Region
    from talent_match.services.search.kinds import KINDS

    assert tuple(KINDS) == ENTITY_KINDS
    owner = company(db.session)
    jobs = [posting(db.session, owner, status=status) for status in ("open", "draft", "closed", "filled")]
    jobs.append(posting(db.session, owner, region="busan"))
    seekers = [profile(db.session, accepted=("busan", "ulsan")), profile(db.session, home="seoul"),
               profile(db.session, accepted=("seoul",), discoverable=False)]
    db.session.flush()
    regions = list(db.session.scalars(select(Region.id)))
    for kind, entities in ((KINDS["posting"], jobs), (KINDS["profile"], seekers)):
        in_python = {(e.id, r) for e in entities for r in kind.shard_regions(e)}
        placed = {tuple(row) for query in kind.placements(regions) for row in db.session.execute(query)}
        in_where = {(entity_id, r) for r in regions for entity_id in
                    db.session.scalars(select(kind.model.id).where(kind.in_regions([r])))}
        assert in_python == placed == in_where and in_python, kind.name

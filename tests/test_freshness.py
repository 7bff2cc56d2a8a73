"""Two processes sharing only the database (two gunicorn workers, or two hosts): each finds the other's saves."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from talent_match import ROOT
from talent_match.extensions import db
from talent_match.models import Posting
from talent_match.services.search import indexing

from .indexing_support import company, make_engine, posting, region_id

pytestmark = pytest.mark.slow


class Peer:
    """The other process, driven one JSON line at a time."""

    def __init__(self, database_url: str, index_dir: str):
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.indexing_peer", database_url, index_dir],
                                        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._read() == {"ready": True}

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        assert line, f"peer exited with {self.process.poll()}"
        return json.loads(line)

    def __call__(self, op: str, **args) -> dict:
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write('{"op": "quit"}\n')
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture
def peer(app, tmp_path):
    started = Peer(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / "peer-shards"))
    yield started
    started.close()


def findable(engine, posting_id: int, region: int) -> bool:
    vector = engine.query_vector(db.session, "posting", posting_id)
    hit = vector is not None and posting_id in engine.search(db.session, "posting", [region], vector, 10)
    db.session.commit()  # a request ends its transaction; SQLite would otherwise keep the old snapshot
    return hit


def wait_until(engine, posting_id: int, region: int, present: bool, timeout: float = 1.0) -> float:
    start = time.monotonic()
    while findable(engine, posting_id, region) != present:
        assert time.monotonic() - start < timeout, f"posting {posting_id} not {'found' if present else 'gone'}"
        time.sleep(0.02)
    return time.monotonic() - start


def test_a_save_in_one_process_is_searchable_in_the_other_within_a_second(app_ctx, tmp_path, peer):
    engine = make_engine(tmp_path / "shards")
    owner = company(db.session)
    gyeongnam = region_id(db.session, "gyeongnam")
    db.session.commit()
    engine.catch_up(db.session)
    peer("warm")

    theirs = peer("open", company_id=owner.id, region_id=gyeongnam, title="MLOps 엔지니어 쿠버네티스")["id"]
    assert wait_until(engine, theirs, gyeongnam, present=True) < 1.0

    ours = posting(db.session, owner, title="컴퓨터 비전 연구원")
    indexing.sync_posting(db.session, engine, ours)
    db.session.commit()
    answer = peer("wait", id=ours.id, region_id=gyeongnam, present=True, timeout=1.0)
    assert answer["ok"], answer

    # Removes travel too: each side closes a posting, the other stops finding it.
    peer("close", id=theirs)
    assert wait_until(engine, theirs, gyeongnam, present=False) < 1.0
    db.session.get(Posting, ours.id).status = "closed"
    indexing.sync_posting(db.session, engine, db.session.get(Posting, ours.id))
    db.session.commit()
    answer = peer("wait", id=ours.id, region_id=gyeongnam, present=False, timeout=1.0)
    assert answer["ok"], answer
    engine.reset(delete_files=False)

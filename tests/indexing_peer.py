"""A second process for the freshness tests: its own app and shards, sharing only the database.

Run as `python -m tests.indexing_peer DATABASE_URL INDEX_DIR`; reads one JSON command per line on stdin and
answers one JSON line each: open / close a posting, wait until a posting is (or is not) found by search.
"""
from __future__ import annotations

import json
import sys
import time

from talent_match import create_app
from talent_match.extensions import db
from talent_match.models import Posting
from talent_match.services.search import indexing

from .indexing_support import make_engine


def found(engine, posting_id: int, region_id: int) -> bool:
    vector = engine.query_vector(db.session, "posting", posting_id)
    hit = vector is not None and posting_id in engine.search(db.session, "posting", [region_id], vector, 10)
    db.session.commit()  # end the read transaction, as the end of a request does
    return hit


def handle(engine, command: dict) -> dict:
    op = command["op"]
    if op == "warm":
        engine.catch_up(db.session)
        db.session.commit()
        return {}
    if op == "open":
        posting = Posting(company_id=command["company_id"], region_id=command["region_id"], status="open",
                          title=command["title"], description="peer posting")
        db.session.add(posting)
        db.session.flush()
        indexing.sync_posting(db.session, engine, posting)
        db.session.commit()
        return {"id": posting.id}
    if op == "close":
        posting = db.session.get(Posting, command["id"])
        posting.status = "closed"
        indexing.sync_posting(db.session, engine, posting)
        db.session.commit()
        return {}
    if op == "wait":
        start = time.monotonic()
        while time.monotonic() - start < command.get("timeout", 1.0):
            if found(engine, command["id"], command["region_id"]) == command["present"]:
                return {"ok": True, "elapsed": time.monotonic() - start}
            time.sleep(0.02)
        return {"ok": False, "elapsed": time.monotonic() - start}
    raise ValueError(op)


def main(database_url: str, index_dir: str) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "peer-" + "x" * 40, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INDEX_DIR": index_dir})
    engine = make_engine(index_dir)
    with app.app_context():
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            if command["op"] == "quit":
                break
            print(json.dumps(handle(engine, command)), flush=True)
        engine.reset(delete_files=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

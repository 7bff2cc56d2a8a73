"""A throwaway PostgreSQL database beside an existing one, for tests, benchmarks and the load test."""
from __future__ import annotations

import uuid


def scratch_database(base_url: str, prefix: str = "tm_scratch") -> tuple[str, callable]:
    """Create `<prefix>_<random>` on the server `base_url` names; return its URL and a function that drops it."""
    import sqlalchemy as sa

    url = sa.engine.make_url(base_url.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop

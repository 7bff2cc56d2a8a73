"""A saved row of BM25 terms says which version of its entity (its updated_at) and on what basis (tokeniser,
taxonomy, document code) it was cut, so that a process building its lexical index reads the rows instead of
rebuilding every member's document to check them (at 100,000 seekers a cold worker spent two minutes of CPU on it
and gunicorn killed it). Rows from before have neither and are checked the old way until `flask reindex` (or a
save) stamps them.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lexical_tokens") as batch:
        batch.add_column(sa.Column("entity_updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("basis", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("lexical_tokens") as batch:
        batch.drop_column("basis")
        batch.drop_column("entity_updated_at")

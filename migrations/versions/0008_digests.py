"""Digests of what is new: when each person was last told, and when each posting last opened.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("notified_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("posting") as batch:
        batch.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("posting") as batch:
        batch.drop_column("opened_at")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("notified_until")

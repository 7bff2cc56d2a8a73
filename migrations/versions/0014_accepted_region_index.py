"""Seekers by accepted region: matching and the lexical index ask "who will work in this region" on every page.

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profile_accepted_region") as batch:
        batch.create_index(batch.f("ix_profile_accepted_region_region_id"), ["region_id"], unique=False)


def downgrade():
    with op.batch_alter_table("profile_accepted_region") as batch:
        batch.drop_index(batch.f("ix_profile_accepted_region_region_id"))

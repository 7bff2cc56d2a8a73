"""Cohort budgets: what a cohort's training cost (KRW) and who paid, for the cost per retained local hire.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cohort") as batch:
        batch.add_column(sa.Column("budget_krw", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("funding_source", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("cohort") as batch:
        batch.drop_column("funding_source")
        batch.drop_column("budget_krw")

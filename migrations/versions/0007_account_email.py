"""Accounts by email: when the address was confirmed, and which optional mail the person wants.

Accounts that exist before this revision count as confirmed (since they were made), so nothing changes for them.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("notify_matches", sa.String(length=10), nullable=False, server_default="off"))
        batch.add_column(sa.Column("notify_followups", sa.Boolean(), nullable=False, server_default=sa.false()))
    user = sa.table("user", sa.column("email_verified_at", sa.DateTime(timezone=True)),
                    sa.column("created_at", sa.DateTime(timezone=True)))
    op.execute(user.update().values(email_verified_at=user.c.created_at))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("notify_followups")
        batch.drop_column("notify_matches")
        batch.drop_column("email_verified_at")

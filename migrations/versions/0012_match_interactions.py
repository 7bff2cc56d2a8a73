"""The matching lists' interaction log: what was shown to whom, at which rank, and what followed.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "match_interaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("impression", sa.String(length=32), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=8), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["posting.id"], name=op.f("fk_match_interaction_posting_id_posting"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["seeker_profile.id"],
                                name=op.f("fk_match_interaction_profile_id_seeker_profile"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["viewer_id"], ["user.id"], name=op.f("fk_match_interaction_viewer_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_interaction")),
    )
    with op.batch_alter_table("match_interaction") as batch:
        batch.create_index(batch.f("ix_match_interaction_impression"), ["impression"], unique=False)
        batch.create_index(batch.f("ix_match_interaction_viewer_id"), ["viewer_id"], unique=False)
        batch.create_index(batch.f("ix_match_interaction_profile_id"), ["profile_id"], unique=False)
        batch.create_index("ix_match_interaction_pair", ["posting_id", "profile_id"], unique=False)
        batch.create_index(batch.f("ix_match_interaction_created_at"), ["created_at"], unique=False)


def downgrade():
    op.drop_table("match_interaction")

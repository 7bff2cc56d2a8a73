"""Regional operators: the region an operator acts for, and the skills each region's office watches.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_user_region_id_region"), "region", ["region_id"], ["id"])
        batch.create_index(batch.f("ix_user_region_id"), ["region_id"], unique=False)
    op.create_table(
        "watched_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_watched_skill_region_id_region"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["skill_id"], ["skill.id"], name=op.f("fk_watched_skill_skill_id_skill"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_skill")),
        sa.UniqueConstraint("region_id", "skill_id", name=op.f("uq_watched_skill_region_id_skill_id")),
    )
    with op.batch_alter_table("watched_skill") as batch:
        batch.create_index(batch.f("ix_watched_skill_region_id"), ["region_id"], unique=False)


def downgrade():
    op.drop_table("watched_skill")
    with op.batch_alter_table("user") as batch:
        batch.drop_index(batch.f("ix_user_region_id"))
        batch.drop_constraint(batch.f("fk_user_region_id_region"), type_="foreignkey")
        batch.drop_column("region_id")

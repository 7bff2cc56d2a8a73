"""Employer readiness feedback: the skills a programme teaches and employers' answers about their hires' readiness.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programme_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programme.id"],
                                name=op.f("fk_programme_skill_programme_id_programme"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["skill_id"], ["skill.id"], name=op.f("fk_programme_skill_skill_id_skill"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_skill")),
        sa.UniqueConstraint("programme_id", "skill_id", name=op.f("uq_programme_skill_programme_id_skill_id")),
    )
    with op.batch_alter_table("programme_skill") as batch:
        batch.create_index(batch.f("ix_programme_skill_programme_id"), ["programme_id"], unique=False)
    op.create_table(
        "readiness_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollment.id"],
                                name=op.f("fk_readiness_answer_enrollment_id_enrollment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["placement_id"], ["placement.id"],
                                name=op.f("fk_readiness_answer_placement_id_placement"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["follow_up_request.id"],
                                name=op.f("fk_readiness_answer_request_id_follow_up_request"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_answer")),
        sa.UniqueConstraint("request_id", name=op.f("uq_readiness_answer_request_id")),
    )
    with op.batch_alter_table("readiness_answer") as batch:
        batch.create_index(batch.f("ix_readiness_answer_enrollment_id"), ["enrollment_id"], unique=False)
    op.create_table(
        "readiness_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["readiness_answer.id"],
                                name=op.f("fk_readiness_rating_answer_id_readiness_answer"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["skill_id"], ["skill.id"], name=op.f("fk_readiness_rating_skill_id_skill"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_rating")),
        sa.UniqueConstraint("answer_id", "skill_id", name=op.f("uq_readiness_rating_answer_id_skill_id")),
    )
    with op.batch_alter_table("readiness_rating") as batch:
        batch.create_index(batch.f("ix_readiness_rating_answer_id"), ["answer_id"], unique=False)
        batch.create_index(batch.f("ix_readiness_rating_skill_id"), ["skill_id"], unique=False)


def downgrade():
    op.drop_table("readiness_rating")
    op.drop_table("readiness_answer")
    op.drop_table("programme_skill")

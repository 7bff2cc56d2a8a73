"""Follow-ups asked by email: the employer contact of a placement, the trainee's consent to be asked, and the
requests themselves (one per trainee, checkpoint and audience).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("placement") as batch:
        batch.add_column(sa.Column("employer_email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("enrollment") as batch:
        batch.add_column(sa.Column("contact_consent", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "follow_up_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=True),
        sa.Column("checkpoint_month", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=30), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollment.id"],
                                name=op.f("fk_follow_up_request_enrollment_id_enrollment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["placement_id"], ["placement.id"],
                                name=op.f("fk_follow_up_request_placement_id_placement"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_request")),
        sa.UniqueConstraint("enrollment_id", "checkpoint_month", "audience",
                            name=op.f("uq_follow_up_request_enrollment_id_checkpoint_month_audience")),
    )
    with op.batch_alter_table("follow_up_request") as batch:
        batch.create_index(batch.f("ix_follow_up_request_email"), ["email"], unique=False)
        batch.create_index(batch.f("ix_follow_up_request_enrollment_id"), ["enrollment_id"], unique=False)


def downgrade():
    op.drop_table("follow_up_request")
    with op.batch_alter_table("enrollment") as batch:
        batch.drop_column("contact_consent")
    with op.batch_alter_table("placement") as batch:
        batch.drop_column("employer_email")

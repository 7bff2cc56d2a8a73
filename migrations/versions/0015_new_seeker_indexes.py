"""Who became findable in a window (profile made, address confirmed, consent given): the employers' menu count and
digests ask it on every page, and each of the three is now a range of its own index.

Revision ID: 0015
Revises: 0014
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

INDEXES = (("seeker_profile", "ix_seeker_profile_created_at", "created_at"),
           ("user", "ix_user_email_verified_at", "email_verified_at"),
           ("consent", "ix_consent_created_at", "created_at"))


def upgrade():
    for table, name, column in INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.create_index(name, [column], unique=False)


def downgrade():
    for table, name, _column in INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(name)

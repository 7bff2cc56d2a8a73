"""A trainee's placement is unique by (trainee, employer name, start date): racing imports cannot duplicate it.

Rows already duplicated keep the oldest (lowest id); the later copies go before the constraint is added.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAME = "uq_placement_trainee_employer_start"


def upgrade():
    op.execute(sa.text(
        "DELETE FROM placement WHERE enrollment_id IS NOT NULL AND id NOT IN ("
        " SELECT MIN(id) FROM placement WHERE enrollment_id IS NOT NULL"
        " GROUP BY enrollment_id, employer_name, start_date)"))
    with op.batch_alter_table("placement") as batch:
        batch.create_unique_constraint(NAME, ["enrollment_id", "employer_name", "start_date"])


def downgrade():
    with op.batch_alter_table("placement") as batch:
        batch.drop_constraint(NAME, type_="unique")

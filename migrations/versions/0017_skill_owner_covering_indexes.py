"""Each matching page reads the skills of its few hundred candidates (~2,000 rows): from the table they were ~300
scattered page reads and a join per row (7-9 ms at 100,000 seekers on SQLite); from an index holding owner, order,
label and skill they are read in owner order without touching the table (~1.5 ms). It replaces the owner index.

Revision ID: 0017
Revises: 0016
"""
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLES = (("profile_skill", "profile_id", ["profile_id", "id", "label", "skill_id"]),
          ("posting_skill", "posting_id", ["posting_id", "id", "label", "required", "skill_id"]))


def upgrade():
    for table, owner, columns in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_{owner}")
            batch.create_index(f"ix_{table}_owner_cover", columns, unique=False)


def downgrade():
    for table, owner, _columns in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_owner_cover")
            batch.create_index(f"ix_{table}_{owner}", [owner], unique=False)

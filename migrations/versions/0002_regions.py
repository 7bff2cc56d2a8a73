"""Load the 17 regions, so that `db upgrade` alone gives a working database.

Revision ID: 0002
Revises: 0001
"""
import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REGIONS_CSV = Path(__file__).resolve().parents[2] / "talent_match" / "data" / "regions.csv"

region = sa.table(
    "region",
    sa.column("slug", sa.String), sa.column("name_ko", sa.String), sa.column("name_en", sa.String),
    sa.column("admin_code", sa.String), sa.column("iso_3166_2", sa.String), sa.column("kind", sa.String),
    sa.column("mega_region", sa.String), sa.column("capital_area", sa.Boolean),
    sa.column("specialised_industries", sa.String),
)


def upgrade():
    with REGIONS_CSV.open(encoding="utf-8") as fh:
        rows = [{**row, "capital_area": row["capital_area"] == "yes"} for row in csv.DictReader(fh)]
    op.bulk_insert(region, rows)


def downgrade():
    op.execute(region.delete())

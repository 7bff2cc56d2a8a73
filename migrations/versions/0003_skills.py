"""Load the skill taxonomy from skills.csv: each skill, and its names and aliases in the skill_alias table.

Revision ID: 0003
Revises: 0002
"""
import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from talent_match.services.reference.text import has_hangul, normalise, normalise_label

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SKILLS_CSV = Path(__file__).resolve().parents[2] / "talent_match" / "data" / "skills.csv"

skill = sa.table(
    "skill",
    sa.column("id", sa.Integer), sa.column("slug", sa.String), sa.column("name_en", sa.String),
    sa.column("name_ko", sa.String), sa.column("category", sa.String),
)
skill_alias = sa.table(
    "skill_alias",
    sa.column("skill_id", sa.Integer), sa.column("alias", sa.String), sa.column("normalised", sa.String),
    sa.column("lang", sa.String),
)


def _rows():
    with SKILLS_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _labels(row):
    """(alias, lang) for the skill's names and aliases, one per normalised form, as the Taxonomy reads them."""
    labels = [(row["name_en"], "en"), (row["name_ko"], "ko")]
    labels += [(alias, "ko" if has_hangul(alias) else "en") for alias in (row["aliases"] or "").split(";")]
    seen = set()
    for alias, lang in labels:
        key = normalise_label(alias)
        if key and key not in seen:
            seen.add(key)
            yield {"alias": normalise(alias), "normalised": key, "lang": lang}


def upgrade():
    rows = _rows()
    op.bulk_insert(skill, [{"slug": r["slug"], "name_en": normalise(r["name_en"]), "name_ko": normalise(r["name_ko"]),
                            "category": r["category"]} for r in rows])
    ids = dict(op.get_bind().execute(sa.select(skill.c.slug, skill.c.id)).all())
    op.bulk_insert(skill_alias, [{"skill_id": ids[r["slug"]], **label} for r in rows for label in _labels(r)])


def downgrade():
    slugs = [r["slug"] for r in _rows()]
    shipped = sa.select(skill.c.id).where(skill.c.slug.in_(slugs))
    op.execute(skill_alias.delete().where(skill_alias.c.skill_id.in_(shipped)))
    op.execute(skill.delete().where(skill.c.slug.in_(slugs)))

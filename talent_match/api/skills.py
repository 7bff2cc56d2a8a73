"""GET /api/v1/skills?q=: the skill taxonomy, searched in Korean or English."""
from ..extensions import db
from ..services.reference.taxonomy import Taxonomy
from ..web.access import PUBLIC, allow
from .blueprint import bp
from .openapi import PAGING, op, query
from .payloads import page_args, page_of, query_text, sliced
from .schemas import text_in


def skill_json(skill) -> dict:
    return {"slug": skill.slug, "name_en": skill.name_en, "name_ko": skill.name_ko, "category": skill.category,
            "parent": skill.parent}


@bp.get("/skills")
@allow(PUBLIC)
def list_skills():
    page, per_page = page_args()
    taxonomy = Taxonomy.from_session(db.session)
    q = query_text("q", 120)
    found = (taxonomy.search(q, limit=len(taxonomy)) if q else
             sorted(taxonomy.skills.values(), key=lambda skill: skill.slug))
    return page_of([skill_json(s) for s in sliced(found, page, per_page)], page=page, per_page=per_page,
                   total=len(found))


PATHS = {"/skills": {"get": op(
    "Skills", id="list_skills", audience=(PUBLIC,), ok=(200, "SkillPage"),
    params=[query("q", text_in(120), "Search: exact names first, then names starting with it (half-typed Hangul "
                                  "too), then names containing it."), *PAGING],
    description="The taxonomy that profiles and postings are matched by; every skill when `q` is left out.")}}

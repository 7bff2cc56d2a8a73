"""/api/v1/postings: browse open postings; employers write their own company's."""
from flask import jsonify, url_for

from ..extensions import db
from ..models import POSTING_STATUSES
from ..services.hiring import listings, postings
from ..web.access import PUBLIC, allow
from ..web.engine import search_engine
from .blueprint import bp
from .auth import caller
from .openapi import ID, PAGING, POSTING_ID, json_body, link, op, query
from .payloads import instant, json_object, page_args, page_of, query_text
from .schemas import REGION_SLUG, enum, text_in

EMPLOYER = "employer"


def posting_json(posting) -> dict:
    return {
        "id": posting.id, "title": posting.title, "description": posting.description,
        "company": {"id": posting.company.id, "name": posting.company.name},
        "required_skills": [s.label for s in posting.required_skills],
        "preferred_skills": [s.label for s in posting.preferred_skills],
        "region": posting.region.slug, "city": posting.city, "salary_min": posting.salary_min,
        "salary_max": posting.salary_max, "employment_type": posting.employment_type,
        "work_mode": posting.work_mode, "status": postings.effective_status(posting),
        "min_experience": posting.min_experience, "openings": posting.openings,
        "deadline": posting.deadline.isoformat() if posting.deadline else None,
        "created_at": instant(posting.created_at), "updated_at": instant(posting.updated_at),
    }


@bp.get("/postings")
@allow(PUBLIC)
def list_postings():
    page, per_page = page_args()
    found = listings.browse(db.session, caller(), region=query_text("region", 40), skill=query_text("skill", 120),
                            status=query_text("status", 10), page=page, per_page=per_page)
    return page_of([posting_json(p) for p in found.items], page=page, per_page=per_page, total=found.total)


@bp.post("/postings")
@allow(EMPLOYER)
def create_posting():
    posting = postings.create(db.session, search_engine(), caller(), json_object("PostingInput"))
    db.session.commit()
    response = jsonify(posting_json(posting))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_posting", posting_id=posting.id)
    return response


@bp.get(f"/postings/<{ID}:posting_id>")
@allow(PUBLIC)
def get_posting(posting_id: int):
    return jsonify(posting_json(postings.get_visible(db.session, caller(), posting_id)))


@bp.patch(f"/postings/<{ID}:posting_id>")
@allow(EMPLOYER)
def patch_posting(posting_id: int):
    posting = postings.update(db.session, search_engine(), caller(), posting_id, json_object("PostingPatch"))
    db.session.commit()
    return jsonify(posting_json(posting))


def follow(expression: str, *names: str) -> dict:
    """Links from an answer holding a posting's id at `expression` to what a client can do with that posting."""
    links = {"GetPosting": link("get_posting", posting_id=expression),
             "ChangePosting": link("patch_posting", posting_id=expression),
             "Candidates": link("posting_matches", posting_id=expression),
             "Applications": link("list_applications", posting_id=expression),
             "Apply": link("create_application", {"posting_id": expression})}
    return {name: links[name] for name in names}


EDITS = ("conflicting-values",)
PATHS = {
    "/postings": {
        "get": op("Postings", id="list_postings", audience=(PUBLIC,), ok=(200, "PostingPage"), params=[
            query("region", REGION_SLUG, "Only postings in this region."),
            query("skill", text_in(120), "Only postings asking for this skill (required or preferred)."),
            query("status", enum(POSTING_STATUSES), "Employers: their own postings in this status. "
                  "Everyone else sees open postings only."),
            *PAGING],
                  links=follow("$response.body#/items/0/id", "GetPosting", "ChangePosting", "Candidates", "Apply"),
                  description="Open postings, newest first. An employer's token also lists their own company's "
                              "drafts, closed and filled postings."),
        "post": op("Create a posting", id="create_posting", audience=(EMPLOYER,), ok=(201, "Posting"),
                   body=json_body("PostingInput"), problems=EDITS,
                   links=follow("$response.body#/id", "GetPosting", "ChangePosting", "Candidates", "Applications"),
                   description="Refused (403) until the employer has confirmed their email address."),
    },
    "/postings/{posting_id}": {
        "get": op("One posting", id="get_posting", audience=(PUBLIC,), ok=(200, "Posting"), params=[POSTING_ID],
                  refusals=(404,), links=follow("$response.body#/id", "ChangePosting", "Candidates", "Apply"),
                  description="Published postings (open, closed or filled) for anyone; drafts only for their own "
                              "company."),
        "patch": op("Change your company's posting", id="patch_posting", audience=(EMPLOYER,), ok=(200, "Posting"),
                    params=[POSTING_ID], body=json_body("PostingPatch"), refusals=(404,), problems=EDITS,
                    links=follow("$response.body#/id", "GetPosting", "Candidates"),
                    description="Refused (403) until the employer has confirmed their email address."),
    },
}

"""Ranked matches: open postings for a seeker's profile, and discoverable candidates for an employer's posting."""
from flask import current_app, request

from ..extensions import db
from ..models import EMPLOYMENT_TYPES, WORK_MODES
from ..services import audit
from ..services import validation as v
from ..services.hiring import applications, postings, profiles
from ..services.matching import pipeline as matching
from ..web.access import allow
from ..web.engine import search_engine
from .blueprint import bp
from .auth import caller
from .openapi import ID, PAGING, POSTING_ID, link, op, query
from .payloads import page_args, page_of
from .schemas import IN_LIST, array, enum, integer, text_in

SEEKER, EMPLOYER = "seeker", "employer"


def _explained(item) -> dict:
    """Why a match ranks where it does: its score, the unweighted parts and the weights that made it."""
    return {"score": item.score, "score_parts": item.parts, "weights": item.weights,
            "matched_skills": list(item.matched_skills), "missing_skills": list(item.missing_skills)}


def match_json(item) -> dict:
    posting = item.entity
    return {"posting_id": posting.id, "title": posting.title, "company": posting.company.name,
            "region": posting.region.slug, "city": posting.city, "salary_min": posting.salary_min,
            "salary_max": posting.salary_max, "region_reason": item.region_reason, **_explained(item)}


def candidate_json(item, application, show_contact: bool) -> dict:
    profile = item.entity
    return {"profile_id": profile.id, "headline": profile.headline, "home_region": profile.home_region.slug,
            "years_experience": profile.years_experience, **_explained(item),
            "application": {"id": application.id, "status": application.status} if application else None,
            "contact": ({"name": profile.user.name, "email": profile.user.email, "phone": profile.user.phone}
                        if show_contact else None)}


# Query arguments each side may filter by, with their validators: (name, validator, keyword arguments).
FILTERS = {
    "employment_type": (v.clean_choice, {"choices": EMPLOYMENT_TYPES, "required": False}),
    "work_mode": (v.clean_choice, {"choices": WORK_MODES, "required": False}),
    "salary_min": (v.clean_int, {"minimum": 0, "maximum": v.MAX_SALARY_KRW}),
    "min_years": (v.clean_int, {"minimum": 0, "maximum": 60}),
    "skills": (v.clean_label_list, {"max_items": 20}),
}


def _filters(names) -> tuple[dict, str]:
    """The filters the matching service understands, from the query string; every bad value is named (422)."""
    errors = v.ErrorCollector()
    filters = {}
    for name in names:
        validator, options = FILTERS[name]
        value = errors.check(validator, request.args.get(name), name, **options)
        if value:
            filters[name] = value
    sort = errors.check(v.clean_choice, request.args.get("sort"), "sort", matching.SORTS, default="score")
    errors.raise_if_any()
    return filters, sort


def _result_page(result, items):
    return page_of(items, page=result.page, per_page=result.per_page, total=result.total,
                   degraded=bool(result.degraded))


@bp.get("/matches")
@allow(SEEKER)
def seeker_matches():
    page, per_page = page_args()
    filters, sort = _filters(("employment_type", "work_mode", "salary_min", "skills"))
    profile = profiles.profile_of(db.session, caller())
    result = matching.for_profile(db.session, search_engine(), profile, filters=filters, sort=sort, page=page,
                                  per_page=per_page, weights=current_app.config["MATCH_WEIGHTS"])
    return _result_page(result, [match_json(item) for item in result.items])


@bp.get(f"/postings/<{ID}:posting_id>/matches")
@allow(EMPLOYER)
def posting_matches(posting_id: int):
    page, per_page = page_args()
    filters, sort = _filters(("work_mode", "min_years", "skills"))
    employer = caller()
    posting = postings.get_for_edit(db.session, employer, posting_id)
    result = matching.for_posting(db.session, search_engine(), posting, filters=filters, sort=sort, page=page,
                                  per_page=per_page, weights=current_app.config["MATCH_WEIGHTS"])
    pipeline = {a.profile_id: a for a in applications.for_posting(db.session, employer, posting_id)}
    shown = [candidate_json(item, pipeline.get(item.entity.id),
                            applications.may_see_contact(db.session, employer, item.entity))
             for item in result.items]
    audit.record_candidates_listed(db.session, employer, posting.id, [c["profile_id"] for c in shown],
                                   [c["profile_id"] for c in shown if c["contact"] is not None], via="api",
                                   page=result.page)
    db.session.commit()
    return _result_page(result, shown)


SORT = query("sort", enum(matching.SORTS), "`score` (the default), or `salary`, `deadline`, `newest`.")
SKILLS = query("skills", array(text_in(120, IN_LIST), maxItems=20),
               "Only those with every one of these skills (comma-separated).")
WORK_MODE = query("work_mode", enum(WORK_MODES), "Only this work mode.")
PATHS = {
    "/matches": {"get": op(
        "Your matches", id="seeker_matches", audience=(SEEKER,), ok=(200, "MatchPage"), params=[
            query("employment_type", enum(EMPLOYMENT_TYPES), "Only this employment type."), WORK_MODE,
            query("salary_min", integer(0, v.MAX_SALARY_KRW), "Only postings paying up to at least this (KRW a year)."),
            SKILLS, SORT, *PAGING],
        links={"GetPosting": link("get_posting", posting_id="$response.body#/items/0/posting_id"),
               "Apply": link("create_application", {"posting_id": "$response.body#/items/0/posting_id"})},
        description="Open postings in your home and accepted regions, ranked for your profile, each with its "
                    "score, the parts and weights that make it, and the skills it matched and missed. `degraded` "
                    "is true while matching runs without the language model or on an index being rebuilt.")},
    "/postings/{posting_id}/matches": {"get": op(
        "Candidates for your posting", id="posting_matches", audience=(EMPLOYER,), ok=(200, "CandidatePage"),
        params=[POSTING_ID, WORK_MODE, query("min_years", integer(0, 60), "Only seekers with this many years of "
                                                                           "experience or more."),
                SKILLS, SORT, *PAGING], refusals=(404,),
        links={"Invite": link("create_application", {"posting_id": "$request.path.posting_id",
                                                     "profile_id": "$response.body#/items/0/profile_id"}),
               "MoveApplication": link("patch_application",
                                       application_id="$response.body#/items/0/application/id")},
        description="Discoverable seekers who will work in the posting's region, ranked. `contact` stays null "
                    "until the seeker applied or accepted an invitation to one of your postings.")},
}

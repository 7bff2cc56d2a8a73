"""/api/v1/applications: seekers apply and answer invitations, employers invite and move applications on."""
from flask import jsonify

from ..extensions import db
from ..services.errors import Forbidden
from ..services.hiring import applications, postings
from ..services.messages import msg
from ..web.access import allow
from .blueprint import bp
from .auth import caller
from .openapi import ID, PAGING, json_body, link, op, path, query
from .payloads import instant, json_object, page_args, page_of, query_int, sliced
from .schemas import MAX_ID, integer

SEEKER, EMPLOYER = "seeker", "employer"


def application_json(application) -> dict:
    return {
        "id": application.id, "posting_id": application.posting_id, "posting_title": application.posting.title,
        "profile_id": application.profile_id, "status": application.status,
        "initiated_by": application.initiated_by, "note": application.note,
        "created_at": instant(application.created_at), "updated_at": instant(application.updated_at),
    }


@bp.get("/applications")
@allow(SEEKER, EMPLOYER)
def list_applications():
    page, per_page = page_args()
    user = caller()
    posting_id = query_int("posting_id", minimum=1, maximum=MAX_ID)
    if user.role == SEEKER:
        rows = applications.for_seeker(db.session, user)
        if posting_id is not None:
            rows = [a for a in rows if a.posting_id == posting_id]
    elif posting_id is not None:
        rows = applications.for_posting(db.session, user, posting_id)
    else:
        rows = [a for summary in postings.list_for_company(db.session, user)
                for a in applications.for_posting(db.session, user, summary.posting.id)]
    return page_of([application_json(a) for a in sliced(rows, page, per_page)],
                   page=page, per_page=per_page, total=len(rows))


@bp.post("/applications")
@allow(SEEKER, EMPLOYER)
def create_application():
    user = caller()
    data = json_object("ApplicationInput")
    if user.role == SEEKER and "profile_id" in data:
        raise Forbidden(msg("Seekers apply to a posting; only employers invite a candidate (profile_id)."))
    if user.role == EMPLOYER and "profile_id" not in data:
        raise Forbidden(msg("Employers invite a candidate with profile_id; only seekers apply."))
    if user.role == SEEKER:
        application = applications.apply(db.session, user, data["posting_id"], data.get("note", ""))
    else:
        application = applications.invite(db.session, user, data["posting_id"], data["profile_id"],
                                          data.get("note", ""))
    db.session.commit()
    return jsonify(application_json(application)), 201


@bp.patch(f"/applications/<{ID}:application_id>")
@allow(SEEKER, EMPLOYER)
def patch_application(application_id: int):
    data = json_object("ApplicationPatch")
    application = applications.transition(db.session, caller(), application_id, data["status"],
                                          start_date=data.get("start_date"), wage=data.get("wage"))
    db.session.commit()
    return jsonify(application_json(application))


APPLICATION_ID = path("application_id", integer(1, MAX_ID), "The application's id.")
PATHS = {
    "/applications": {
        "get": op("Your applications", id="list_applications", audience=(SEEKER, EMPLOYER),
                  ok=(200, "ApplicationPage"), refusals=(404,),
                  params=[query("posting_id", integer(1, MAX_ID), "Only this posting's applications."), *PAGING],
                  links={"MoveApplication": link("patch_application", application_id="$response.body#/items/0/id"),
                         "GetPosting": link("get_posting", posting_id="$response.body#/items/0/posting_id")},
                  description="A seeker's applications and invitations, or the applications to an employer's "
                              "postings (404 for a `posting_id` that is not theirs)."),
        "post": op("Apply, or invite a candidate", id="create_application", audience=(SEEKER, EMPLOYER),
                   ok=(201, "Application"), body=json_body("ApplicationInput"), refusals=(404,),
                   problems=("already-applied", "posting-not-open"),
                   links={"MoveApplication": link("patch_application", application_id="$response.body#/id"),
                          "GetPosting": link("get_posting", posting_id="$response.body#/posting_id")},
                   description="404 for a posting you cannot see, or a candidate who is not discoverable in its "
                               "region."),
    },
    "/applications/{application_id}": {
        "patch": op("Move an application on", id="patch_application", audience=(SEEKER, EMPLOYER),
                    ok=(200, "Application"), params=[APPLICATION_ID], body=json_body("ApplicationPatch"),
                    refusals=(404,), problems=("status-change-not-allowed",),
                    links={"GetPosting": link("get_posting", posting_id="$response.body#/posting_id")},
                    description="403 when the move belongs to the other side."),
    },
}

"""/api/v1/applications: seekers apply and answer invitations, employers invite and move applications on."""
from flask import jsonify

from ..extensions import db
from ..models import APPLICATION_STATUSES
from ..services import validation as v
from ..services.hiring import applications, postings
from ..web.access import allow
from .blueprint import bp
from .auth import caller
from .openapi import ID, PAGING, json_body, op, path, query
from .payloads import instant, json_object, page_args, page_of, query_int, sliced
from .schemas import MAX_ID, integer

SEEKER, EMPLOYER = "seeker", "employer"
# What each side sends: a seeker applies to a posting, an employer invites a candidate to one.
CREATE_FIELDS = {SEEKER: ("posting_id", "note"), EMPLOYER: ("posting_id", "profile_id", "note")}


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
    data = json_object("ApplicationInput", CREATE_FIELDS[user.role])
    posting_id = v.clean_int(data.get("posting_id"), "posting_id", minimum=1, maximum=MAX_ID, required=True)
    if user.role == SEEKER:
        application = applications.apply(db.session, user, posting_id, data.get("note", ""))
    else:
        profile_id = v.clean_int(data.get("profile_id"), "profile_id", minimum=1, maximum=MAX_ID, required=True)
        application = applications.invite(db.session, user, posting_id, profile_id, data.get("note", ""))
    db.session.commit()
    return jsonify(application_json(application)), 201


@bp.patch(f"/applications/<{ID}:application_id>")
@allow(SEEKER, EMPLOYER)
def patch_application(application_id: int):
    data = json_object("ApplicationPatch")
    status = v.clean_choice(data.get("status"), "status", APPLICATION_STATUSES)
    application = applications.transition(db.session, caller(), application_id, status,
                                          start_date=data.get("start_date"), wage=data.get("wage"))
    db.session.commit()
    return jsonify(application_json(application))


APPLICATION_ID = path("application_id", integer(1, MAX_ID), "The application's id.")
PATHS = {
    "/applications": {
        "get": op("Your applications", audience=(SEEKER, EMPLOYER), ok=(200, "ApplicationPage"),
                  params=[query("posting_id", integer(1, MAX_ID), "Only this posting's applications."), *PAGING],
                  refusals=(404,),
                  description="A seeker's applications and invitations, or the applications to an employer's "
                              "postings (404 for a `posting_id` that is not theirs)."),
        "post": op("Apply, or invite a candidate", audience=(SEEKER, EMPLOYER), ok=(201, "Application"),
                   body=json_body("ApplicationInput"), refusals=(404, 409),
                   description="409 when an application already exists or the posting is closed."),
    },
    "/applications/{application_id}": {
        "patch": op("Move an application on", audience=(SEEKER, EMPLOYER), ok=(200, "Application"),
                    params=[APPLICATION_ID], body=json_body("ApplicationPatch"), refusals=(404, 409),
                    description="403 when the move belongs to the other side; 409 when the status does not "
                                "allow it."),
    },
}

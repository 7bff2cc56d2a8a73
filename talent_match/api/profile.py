"""GET and PUT /api/v1/profile: the seeker's own profile."""
from flask import current_app, jsonify

from ..extensions import db
from ..services.hiring import profiles
from ..web.access import allow
from ..web.engine import search_engine
from .blueprint import bp
from .auth import caller
from .openapi import json_body, op
from .payloads import instant, json_object

SEEKER = "seeker"


def _labels(joined: str) -> list[str]:
    """certifications and desired_roles are kept as one comma-joined text; the API shows them as lists."""
    return [label for label in (joined or "").split(", ") if label]


def profile_json(profile) -> dict:
    return {
        "id": profile.id, "kind": profile.kind, "headline": profile.headline, "summary": profile.summary,
        "skills": [s.label for s in profile.skills], "home_region": profile.home_region.slug,
        "accepted_regions": [r.slug for r in profile.accepted_regions],
        "years_experience": profile.years_experience, "education": profile.education,
        "certifications": _labels(profile.certifications), "desired_roles": _labels(profile.desired_roles),
        "desired_salary_min": profile.desired_salary_min, "desired_salary_max": profile.desired_salary_max,
        "work_mode": profile.work_mode, "discoverable": profile.discoverable, "phone": profile.user.phone,
        "updated_at": instant(profile.updated_at),
    }


@bp.get("/profile")
@allow(SEEKER)
def get_profile():
    return jsonify(profile_json(profiles.profile_of(db.session, caller())))


@bp.put("/profile")
@allow(SEEKER)
def put_profile():
    data = json_object("ProfileInput")
    profile = profiles.save_profile(db.session, search_engine(), caller(), data,
                                    consent_version=current_app.config["CONSENT_VERSION"])
    db.session.commit()
    return jsonify(profile_json(profile))


PATHS = {"/profile": {
    "get": op("Your profile", id="get_profile", audience=(SEEKER,), ok=(200, "Profile")),
    "put": op("Change your profile", id="put_profile", audience=(SEEKER,), ok=(200, "Profile"),
              body=json_body("ProfileInput"), problems=("conflicting-values",),
              description="Sets the fields given; the others keep their values. Role, owner and ids cannot be "
                          "set: unknown fields are refused with 422."),
}}

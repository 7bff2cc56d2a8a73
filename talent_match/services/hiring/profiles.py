"""Job seekers' profiles: what they can do, where they will work, and whether employers may find them.

Being discoverable is opt-in and off by default. Turning it on records a `discoverable` consent; turning it off
records the withdrawal and takes the profile out of the candidate index at once. Employers find a discoverable
profile only once its account's address is confirmed (search.kinds says so, once for every reader).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...config import Defaults
from ...models import SEEKER_KINDS, WORK_MODES, Application, AuditEvent, Posting, ProfileSkill, SeekerProfile, User
from ...models.base import utcnow
from .. import validation as v
from ..accounts import consent
from ..errors import NotFound, ValidationFailed
from ..messages import msg
from ..reference.regions import region_by_handle
from ..reference.taxonomy import Taxonomy, skill_entries
from ..search import indexing
from ..search.kinds import PROFILE
from . import interactions

FIELDS = ("kind", "home_region", "accepted_regions", "headline", "summary", "skills", "years_experience",
          "education", "certifications", "desired_roles", "desired_salary_min", "desired_salary_max", "work_mode",
          "discoverable", "phone")
MAX_CV_CHARS = 20_000


def profile_of(session: Session, user: User) -> SeekerProfile:
    """The seeker's own profile; NotFound for any other role."""
    if user is None or user.role != "seeker" or user.profile is None:
        raise NotFound(msg("You have no seeker profile."))
    return user.profile


# What matching reads, in the order a new seeker is asked for it: (step, whether the profile has it).
PROFILE_STEPS = (
    ("skills", lambda p: bool(p.skills)),
    ("about", lambda p: bool(p.summary.strip() or p.cv_text.strip())),
    ("roles", lambda p: bool(p.desired_roles.strip() or p.headline.strip())),
    ("regions", lambda p: bool(p.accepted_regions)),
    ("salary", lambda p: p.desired_salary_min is not None or p.desired_salary_max is not None),
)


def profile_steps(profile: SeekerProfile) -> list[tuple[str, bool]]:
    """The steps of a useful profile and which are done, so a first visit is guided rather than shown rough
    matches."""
    return [(step, done(profile)) for step, done in PROFILE_STEPS]


def has_something_to_match(profile: SeekerProfile) -> bool:
    """Matches mean something once the profile names skills, or says in words what the person does or wants."""
    return any(done for step, done in profile_steps(profile) if step in ("skills", "about", "roles"))


def save_profile(session: Session, engine, user: User, data: dict, *,
                 consent_version: str = Defaults.CONSENT_VERSION) -> SeekerProfile:
    """Validate and write the fields present in `data` (absent keys stay as they are); keep the index in step.

    Raises ValidationFailed naming every field that is wrong. Adds to the session without committing.
    """
    profile = profile_of(session, user)
    if not isinstance(data, dict):
        raise ValidationFailed(msg("expected an object with profile fields"))
    errors = v.ErrorCollector()
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        errors.add(ValidationFailed({"_": [msg("unknown fields: {fields}", fields=", ".join(unknown))]}))
    values: dict = {}
    if "kind" in data:
        values["kind"] = errors.check(v.clean_choice, data["kind"], "kind", SEEKER_KINDS)
    if "home_region" in data:
        values["home_region"] = errors.check(region_by_handle, session, data["home_region"] or "", "home_region")
    accepted = None
    if "accepted_regions" in data:
        accepted = errors.check(_regions, session, data["accepted_regions"])
    for field, limit, multiline in (("headline", 200, False), ("summary", 5000, True), ("education", 300, False)):
        if field in data:
            values[field] = errors.check(v.clean_text, data[field], field, max_length=limit, multiline=multiline)
    for field, limit in (("certifications", 500), ("desired_roles", 300)):
        if field in data:
            labels = errors.check(v.clean_label_list, data[field], field, max_items=20, max_length=100)
            if labels is not None:
                values[field] = errors.check(_joined, labels, field, limit)
    if "years_experience" in data:
        values["years_experience"] = errors.check(v.clean_years, data["years_experience"], "years_experience")
    if "desired_salary_min" in data or "desired_salary_max" in data:
        salary = errors.check(
            v.clean_salary_range, data.get("desired_salary_min", profile.desired_salary_min),
            data.get("desired_salary_max", profile.desired_salary_max),
            low_field="desired_salary_min", high_field="desired_salary_max")
        if salary is not None:
            values["desired_salary_min"], values["desired_salary_max"] = salary
    if "work_mode" in data:
        values["work_mode"] = errors.check(v.clean_choice, data["work_mode"], "work_mode", WORK_MODES,
                                           required=False)
    labels = None
    if "skills" in data:
        labels = errors.check(v.clean_label_list, data["skills"], "skills", max_items=50)
    discoverable = None
    if "discoverable" in data:
        discoverable = errors.check(v.clean_bool, data["discoverable"], "discoverable")
    phone = errors.check(v.clean_phone, data["phone"], "phone") if "phone" in data else None
    errors.raise_if_any()

    for field, value in values.items():
        setattr(profile, field, value)
    if accepted is not None or "home_region" in values:  # the home region is never listed again as accepted
        kept = accepted if accepted is not None else list(profile.accepted_regions)
        profile.accepted_regions = [r for r in kept if r.id != profile.home_region.id]
    if labels is not None:
        _set_skills(session, profile, labels)
    if phone is not None:
        user.phone = phone or None
    if discoverable is not None and discoverable != profile.discoverable:
        profile.discoverable = discoverable
        consent.record(session, user, "discoverable", discoverable, consent_version)
    session.flush()
    # Membership follows `discoverable`: a withdrawal logs the profile's removal from every candidate shard now.
    indexing.sync_profile(session, engine, profile)
    return profile


def address_confirmed(session: Session, engine, user: User) -> None:
    """The account's address is confirmed: a discoverable seeker's profile joins the candidate shards now."""
    if user.role == "seeker" and user.profile is not None:
        indexing.sync_profile(session, engine, user.profile)


def save_cv_text(session: Session, engine, user: User, text: str, add_skills=()) -> SeekerProfile:
    """Keep the CV text the seeker reviewed (and the suggested skills they ticked); re-index the profile."""
    profile = profile_of(session, user)
    errors = v.ErrorCollector()
    cleaned = errors.check(v.clean_text, text, "cv_text", max_length=MAX_CV_CHARS, required=True, multiline=True)
    extra = errors.check(v.clean_label_list, list(add_skills or ()), "add_skills", max_items=50)
    errors.raise_if_any()
    profile.cv_text = cleaned
    if extra:
        _set_skills(session, profile, [s.label for s in profile.skills] + extra)
    session.flush()
    indexing.sync_profile(session, engine, profile)
    return profile


def suggest_skills(session: Session, profile: SeekerProfile, text: str) -> list:
    """Taxonomy skills (SkillRef: slug, id, name_en, name_ko) mentioned in `text` that the profile does not list."""
    taxonomy = Taxonomy.from_session(session)
    held = {s.skill_id for s in profile.skills if s.skill_id}
    return [taxonomy.skills[slug] for slug in taxonomy.find_in_text(text or "")
            if taxonomy.skills[slug].id not in held]


def view_candidate(session: Session, employer: User, posting_id, profile_id) -> SeekerProfile:
    """A seeker's profile as the employer of `posting_id` may see it, recorded in the audit trail (and as
"opened" in the interaction log when the candidates list showed it).

    Visible when the seeker applied to (or was invited to) this posting, or is discoverable (search.kinds) and will
    work in the posting's region. NotFound otherwise.
    """
    from .postings import get_for_edit

    posting = get_for_edit(session, employer, posting_id)
    profile = session.get(SeekerProfile, profile_id) if isinstance(profile_id, int) else None
    if profile is None or not may_view(session, posting, profile):
        raise NotFound(msg("No such candidate."))
    session.add(AuditEvent(actor_id=employer.id, actor_role=employer.role, action="candidate_viewed",
                           object_type="profile", object_id=str(profile.id), details={"posting_id": posting.id}))
    interactions.record(session, "opened", "employer", profile.id, posting.id, viewer_id=employer.id)
    session.flush()
    return profile


def may_view(session: Session, posting: Posting, profile: SeekerProfile) -> bool:
    if posting.region_id in PROFILE.shard_regions(profile):
        return True
    return session.scalar(select(Application.id).where(Application.posting_id == posting.id,
                                                       Application.profile_id == profile.id)) is not None


def _regions(session: Session, handles) -> list:
    if isinstance(handles, str):
        handles = [h for h in handles.split(",") if h.strip()]
    if not isinstance(handles, (list, tuple)):
        raise ValidationFailed({"accepted_regions": [msg("must be a list of regions")]})
    regions = []
    for handle in handles:
        region = region_by_handle(session, handle, "accepted_regions")
        if region not in regions:
            regions.append(region)
    return regions


def _joined(labels: list[str], field: str, limit: int) -> str:
    text = ", ".join(labels)
    if len(text) > limit:
        raise ValidationFailed({field: [msg("is too long ({length} characters; at most {limit})", length=len(text),
                                            limit=limit)]}, problem=v.CONFLICTING_VALUES)
    return text


def _set_skills(session: Session, profile: SeekerProfile, labels: list[str]) -> None:
    existing = {s.label: s for s in profile.skills}
    before = [(s.label, s.skill_id) for s in profile.skills]
    rows = []
    for label, skill_id in skill_entries(session, labels):
        row = existing.get(label) or ProfileSkill(label=label)
        row.skill_id = skill_id
        rows.append(row)
    profile.skills = rows
    if [(s.label, s.skill_id) for s in rows] != before:
        profile.updated_at = utcnow()  # its skills are part of its document: a new version (lexical.trusted_terms)

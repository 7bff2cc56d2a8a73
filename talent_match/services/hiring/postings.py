"""Job postings: written by a company's own users, validated once for forms, the API and imports.

A posting whose deadline has passed counts as closed from the next day: `effective_status` says so at once and
`open_filter` says it in SQL, so pages that read postings never write; `close_expired` (`flask
close-expired-postings`) writes the status down for the record and takes the posting out of the index. Only
employers whose address is confirmed may write postings, so nobody publishes under an address they do not hold.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import APPLICATION_STATUSES, EMPLOYMENT_TYPES, POSTING_STATUSES, WORK_MODES, Application, Posting, User
from ...models.base import utcnow
from .. import validation as v
from ..errors import Forbidden, NotFound, ValidationFailed
from ..messages import msg
from ..reference.regions import region_by_handle
from ..reference.taxonomy import skill_entries
from ..search import indexing
from .companies import company_of

FIELDS = ("title", "description", "required_skills", "preferred_skills", "region", "city", "salary_min",
          "salary_max", "employment_type", "work_mode", "status", "min_experience", "openings", "deadline")


def today_in_korea() -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo("Asia/Seoul")).date()


def effective_status(posting: Posting, today: date | None = None) -> str:
    """The status people should see: an open posting past its deadline is closed."""
    today = today or today_in_korea()
    if posting.status == "open" and posting.deadline is not None and posting.deadline < today:
        return "closed"
    return posting.status


def is_open(posting: Posting, today: date | None = None) -> bool:
    return effective_status(posting, today) == "open"


def open_filter(today: date):
    """A WHERE clause for postings seekers may see: open, and not past the deadline."""
    return (Posting.status == "open") & ((Posting.deadline.is_(None)) | (Posting.deadline >= today))


def create(session: Session, engine, actor: User, data: dict, *, today: date | None = None) -> Posting:
    """A new posting for the actor's company (draft unless `status` says otherwise)."""
    company = company_of(session, actor)
    _require_confirmed_address(actor)
    posting = Posting(company_id=company.id, status="draft", region_id=company.region_id)
    if isinstance(data, dict) and not data.get("region"):
        data = {**data, "region": company.region.slug}
    _apply(session, posting, data, today=today or today_in_korea(), creating=True)
    session.add(posting)
    session.flush()
    indexing.sync_posting(session, engine, posting)
    return posting


def update(session: Session, engine, actor: User, posting_id: int, data: dict, *,
           today: date | None = None) -> Posting:
    """Change the fields present in `data`; the others stay. NotFound for another company's posting."""
    posting = get_for_edit(session, actor, posting_id)
    _require_confirmed_address(actor)
    _apply(session, posting, data, today=today or today_in_korea(), creating=False)
    session.flush()
    indexing.sync_posting(session, engine, posting)
    return posting


def get_for_edit(session: Session, actor: User, posting_id) -> Posting:
    """The posting when the actor's company owns it; NotFound otherwise (so nothing leaks)."""
    posting = session.get(Posting, posting_id) if isinstance(posting_id, int) else None
    if posting is None or actor is None or actor.role != "employer" or posting.company_id != actor.company_id:
        raise NotFound(msg("No such posting."))
    return posting


def get_visible(session: Session, viewer: User, posting_id) -> Posting:
    """A published posting (open, closed or filled) anyone signed in may read; drafts only their own company."""
    posting = session.get(Posting, posting_id) if isinstance(posting_id, int) else None
    if posting is None:
        raise NotFound(msg("No such posting."))
    if posting.status == "draft" and (viewer is None or viewer.role != "employer"
                                      or posting.company_id != viewer.company_id):
        raise NotFound(msg("No such posting."))
    return posting


@dataclass
class PostingSummary:
    posting: Posting
    status: str                   # the effective status
    counts: dict[str, int]        # applications by status
    active: int                   # applications still in play


def list_for_company(session: Session, actor: User, *, today: date | None = None) -> list[PostingSummary]:
    """The company's postings, newest first, with their application counts and effective status (an expired one
    shows closed; nothing is written)."""
    today = today or today_in_korea()
    company = company_of(session, actor)
    postings = list(session.scalars(select(Posting).where(Posting.company_id == company.id)
                                    .order_by(Posting.created_at.desc(), Posting.id.desc())))
    counts: dict[int, dict[str, int]] = {p.id: dict.fromkeys(APPLICATION_STATUSES, 0) for p in postings}
    rows = session.execute(select(Application.posting_id, Application.status, func.count())
                           .join(Posting).where(Posting.company_id == company.id)
                           .group_by(Application.posting_id, Application.status))
    for posting_id, status, count in rows:
        counts[posting_id][status] = count
    return [PostingSummary(p, effective_status(p, today), counts[p.id],
                           sum(counts[p.id][s] for s in ("applied", "reviewing", "interview", "offer")))
            for p in postings]


def close_expired(session: Session, engine, today: date | None = None) -> list[int]:
    """Mark open postings past their deadline as closed and take them out of the index. Returns their ids."""
    today = today or today_in_korea()
    expired = list(session.scalars(select(Posting).where(Posting.status == "open", Posting.deadline < today)))
    for posting in expired:
        posting.status = "closed"
    session.flush()
    for posting in expired:
        indexing.sync_posting(session, engine, posting)
    return [p.id for p in expired]


def _require_confirmed_address(actor: User) -> None:
    if actor.email_verified_at is None:
        raise Forbidden(msg("Confirm your email address before you post jobs: follow the link we sent you, or ask "
                            "for a new one on your account page."))


def _apply(session: Session, posting: Posting, data: dict, *, today: date, creating: bool) -> None:
    """Validate every field present in `data`, report all failures together, then write them."""
    if not isinstance(data, dict):
        raise ValidationFailed(msg("expected an object with posting fields"))
    unknown = sorted(set(data) - set(FIELDS))
    errors = v.ErrorCollector()
    if unknown:
        errors.add(ValidationFailed({"_": [msg("unknown fields: {fields}", fields=", ".join(unknown))]}))

    def given(field: str) -> bool:
        return creating or field in data

    values: dict = {}
    if given("title"):
        values["title"] = errors.check(v.clean_text, data.get("title"), "title", max_length=200, required=True)
    if given("description"):
        values["description"] = errors.check(v.clean_text, data.get("description"), "description",
                                             max_length=20_000, multiline=True)
    if given("region"):
        region = errors.check(region_by_handle, session, data.get("region") or "", "region")
        values["region_id"] = region.id if region is not None else None
    if given("city"):
        values["city"] = errors.check(v.clean_text, data.get("city"), "city", max_length=80)
    if given("salary_min") or given("salary_max"):
        low = data.get("salary_min") if "salary_min" in data else posting.salary_min
        high = data.get("salary_max") if "salary_max" in data else posting.salary_max
        salary = errors.check(v.clean_salary_range, low, high)
        if salary is not None:
            values["salary_min"], values["salary_max"] = salary
    if given("employment_type"):
        values["employment_type"] = errors.check(v.clean_choice, data.get("employment_type"), "employment_type",
                                                 EMPLOYMENT_TYPES, default="full_time")
    if given("work_mode"):
        values["work_mode"] = errors.check(v.clean_choice, data.get("work_mode"), "work_mode", WORK_MODES,
                                           default="onsite")
    if given("min_experience"):
        values["min_experience"] = errors.check(v.clean_years, data.get("min_experience"), "min_experience")
    if given("openings"):
        values["openings"] = errors.check(v.clean_int, data.get("openings"), "openings", minimum=1,
                                          maximum=999) or 1
    if given("deadline"):
        values["deadline"] = errors.check(v.clean_date, data.get("deadline"), "deadline")
    if given("status"):
        values["status"] = errors.check(v.clean_choice, data.get("status"), "status", POSTING_STATUSES,
                                        default="draft")
    required = preferred = None
    if given("required_skills"):
        required = errors.check(v.clean_label_list, data.get("required_skills"), "required_skills", max_items=30)
    if given("preferred_skills"):
        preferred = errors.check(v.clean_label_list, data.get("preferred_skills"), "preferred_skills",
                                 max_items=30)

    status = values.get("status") or posting.status
    deadline = values["deadline"] if "deadline" in values else posting.deadline
    if status == "open" and deadline is not None and deadline < today and "deadline" not in errors.errors:
        errors.add(ValidationFailed({"deadline": [msg("has passed ({deadline}); set a date from {today} on, or leave "
                                                      "the posting closed", deadline=deadline.isoformat(),
                                                      today=today.isoformat())]}, problem=v.CONFLICTING_VALUES))
    errors.raise_if_any()

    if status == "open" and posting.status != "open":  # (re)published: new to seekers from now (digests)
        posting.opened_at = utcnow()
    for field, value in values.items():
        setattr(posting, field, value)
    if required is not None or preferred is not None:
        _set_skills(session, posting, required, preferred)


def _set_skills(session: Session, posting: Posting, required: list[str] | None,
                preferred: list[str] | None) -> None:
    """Replace the given kind of skills; a skill both required and preferred counts as required.

    Rows whose label stays are kept (the label is unique per posting, and a delete-then-insert of the same
    label in one flush would collide).
    """
    from ...models import PostingSkill

    if required is None:
        required = [s.label for s in posting.required_skills]
    if preferred is None:
        preferred = [s.label for s in posting.preferred_skills]
    existing = {s.label: s for s in posting.skills}
    before = [(s.label, s.skill_id, s.required) for s in posting.skills]
    kept: dict[str, PostingSkill] = {}
    for is_required, labels in ((True, required), (False, preferred)):
        for label, skill_id in skill_entries(session, labels):
            if label in kept:
                continue
            row = existing.get(label) or PostingSkill(label=label)
            row.skill_id, row.required = skill_id, is_required
            kept[label] = row
    posting.skills = list(kept.values())
    if [(s.label, s.skill_id, s.required) for s in posting.skills] != before:
        posting.updated_at = utcnow()  # its skills are part of its document: a new version (lexical.trusted_terms)

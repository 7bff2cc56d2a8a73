"""What the forms offer to choose: each code the models store, labelled once in the reader's language.

Each list names codes of its model's tuple, in the order a form shows them; a code the model does not know fails at
import, not when someone picks it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .. import models
from ..extensions import db
from ..services.reference.regions import all_regions
from .figures import locale


def _labelled(codes: tuple[str, ...], labels: dict) -> list[tuple[str, str]]:
    unknown = set(labels) - set(codes)
    if unknown:
        raise ValueError(f"not codes of the model: {sorted(unknown)}")
    return list(labels.items())


EMPLOYMENT_TYPES = _labelled(models.EMPLOYMENT_TYPES, {
    "full_time": _l("Full time"), "contract": _l("Contract"), "internship": _l("Internship"),
    "part_time": _l("Part time")})
WORK_MODES = _labelled(models.WORK_MODES, {"onsite": _l("On site"), "hybrid": _l("Hybrid"), "remote": _l("Remote")})
POSTING_STATUSES = _labelled(models.POSTING_STATUSES, {
    "draft": _l("Draft (not shown to seekers)"), "open": _l("Open"), "closed": _l("Closed"), "filled": _l("Filled")})
COMPANY_SIZES = _labelled(models.COMPANY_SIZES, {
    "1-9": _l("1–9 people"), "10-49": _l("10–49 people"), "50-299": _l("50–299 people"),
    "300+": _l("300 or more people")})
SEEKER_KINDS = _labelled(models.SEEKER_KINDS, {
    "bootcamp_graduate": _l("Bootcamp graduate"), "university": _l("University student or graduate"),
    "incumbent_worker": _l("Incumbent worker (reskilling)")})
INSTITUTION_KINDS = _labelled(models.INSTITUTION_KINDS, {
    "bootcamp": _l("Bootcamp"), "university": _l("University"), "technopark": _l("Technopark"),
    "other": _l("Other")})
ENROLLMENT_STATUSES = _labelled(models.ENROLLMENT_STATUSES, {
    "enrolled": _l("Enrolled"), "completed": _l("Completed"), "withdrawn": _l("Withdrawn")})
FUNDING_SOURCES = [("", _l("Not recorded")), *_labelled(models.FUNDING_SOURCES, {
    "national": _l("National government"), "regional_government": _l("Regional government"),
    "institution": _l("The institution"), "employer": _l("Employers"), "other": _l("Other")})]
EXCLUSION_REASONS = [("", _l("None (counts in the figures)")), *_labelled(models.EXCLUSION_REASONS, {
    "further_study": _l("Further study"), "military_service": _l("Military service"), "health": _l("Health"),
    "death": _l("Death"), "emigration": _l("Emigration"), "other": _l("Other")})]
# Platform hires are recorded by the platform itself, so an institution reports only how else it knows.
PLACEMENT_SOURCES = _labelled(models.PLACEMENT_SOURCES, {
    "institution": _l("Found out by the institution"), "trainee": _l("Reported by the trainee"),
    "employer_confirmed": _l("Confirmed by the employer")})
FOLLOW_UP_STATUSES = _labelled(models.FOLLOW_UP_STATUSES, {
    "employed_same_employer": _l("Employed, same employer"),
    "employed_other_employer": _l("Employed, another employer"),
    "left_employer": _l("Left the first employer (other work unknown)"), "not_employed": _l("Not employed"),
    "in_education": _l("In education"), "military_service": _l("Military service"),
    "unknown": _l("Could not find out")})
FOLLOW_UP_EVIDENCE = _labelled(models.FOLLOW_UP_EVIDENCE, {
    "institution": _l("Asked by the institution"), "trainee": _l("Told by the trainee"),
    "employer": _l("Confirmed by the employer"), "insurance_record": _l("Employment insurance record")})
YES_NO = [("true", _l("Yes")), ("false", _l("No"))]

# What a stored code is called where a page shows it (the `label` macro): looked up one at a time, not written out as
# a dict of twenty translations on each use (a page of matches used it forty times).
CODE_LABELS = {
    **dict(EMPLOYMENT_TYPES), **dict(WORK_MODES), **dict(SEEKER_KINDS),
    "draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed"), "filled": _l("Filled"),  # shorter than a form's
    "invited": _l("Invited"), "applied": _l("Applied"), "reviewing": _l("In review"), "interview": _l("Interview"),
    "offer": _l("Offer"), "hired": _l("Hired"), "rejected": _l("Not selected"), "withdrawn": _l("Withdrawn"),
}


def code_label(value):
    """The code's name in the reader's language; a code without one as it is."""
    found = CODE_LABELS.get(value)
    return str(found) if found is not None else value


def any_of(choices: list[tuple[str, str]], label=_l("Any")) -> list[tuple[str, str]]:
    """The choices with an empty first one, for a filter or an optional field."""
    return [("", label), *choices]


def regions() -> list[tuple[str, str]]:
    """Every region by slug, named in the page's language, in the official order."""
    english = locale() == "en"
    return [(r.slug, r.name_en if english else r.name_ko) for r in all_regions(db.session)]

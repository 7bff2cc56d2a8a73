"""Institutions' programmes, cohorts and trainees (enrollments), always scoped to one institution.

Another institution's cohort or trainee is reported exactly like one that does not exist, so nothing leaks.
Cleaners name their fields as the CSV columns do, so a form, the API and a CSV import report the same errors;
`Records` loads an institution's records once, which keeps a 50,000-row import to a handful of queries.
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...models import (ENROLLMENT_STATUSES, EXCLUSION_REASONS, FUNDING_SOURCES, Cohort, Enrollment, FollowUp,
                       Institution, Placement, Programme, Region)
from .. import validation as v
from ..errors import NotFound, ValidationFailed
from ..messages import msg
from ..reference.regions import slug_for, unknown_region


class Records:
    """One institution's programmes, cohorts, trainees, placements and follow-ups, loaded on first use."""

    def __init__(self, session: Session, institution: Institution):
        self.session = session
        self.institution = institution

    @cached_property
    def _regions(self) -> dict[str, Region]:
        return {region.slug: region for region in self.session.scalars(select(Region))}

    @cached_property
    def programmes(self) -> dict[str, Programme]:
        rows = self.session.scalars(select(Programme).where(Programme.institution_id == self.institution.id))
        return {programme.name: programme for programme in rows}

    @cached_property
    def cohorts(self) -> dict[str, Cohort]:
        rows = self.session.scalars(select(Cohort).where(Cohort.institution_id == self.institution.id))
        return {cohort.code: cohort for cohort in rows}

    @cached_property
    def enrollments(self) -> dict[str, Enrollment]:
        rows = self.session.scalars(select(Enrollment).where(Enrollment.institution_id == self.institution.id))
        return {enrollment.trainee_ref: enrollment for enrollment in rows}

    @cached_property
    def placements(self) -> dict[tuple, Placement]:
        """By natural key (enrollment id, employer name, start date)."""
        rows = self.session.scalars(select(Placement).join(Enrollment)
                                    .where(Enrollment.institution_id == self.institution.id))
        return {(p.enrollment_id, p.employer_name, p.start_date): p for p in rows}

    @cached_property
    def placed(self) -> set[int]:
        """Ids of the trainees with at least one placement."""
        return {enrollment_id for enrollment_id, _, _ in self.placements}

    @cached_property
    def follow_ups(self) -> dict[tuple, FollowUp]:
        """By natural key (enrollment id, checkpoint month)."""
        rows = self.session.scalars(select(FollowUp).join(Enrollment)
                                    .where(Enrollment.institution_id == self.institution.id))
        return {(f.enrollment_id, f.checkpoint_month): f for f in rows}

    def region(self, value, field: str = "region") -> Region:
        region = self._regions.get(slug_for(value) or "") if isinstance(value, str) else None
        if region is None:
            raise ValidationFailed({field: [unknown_region(str(value or ""))]})
        return region

    def cohort(self, code, field: str = "cohort_code") -> Cohort:
        code = clean_code(code, field)
        cohort = self.cohorts.get(code)
        if cohort is None:
            raise ValidationFailed({field: [msg("no cohort {code} in this institution; add it first (cohorts.csv)",
                                                code=repr(code))]})
        return cohort

    def enrollment(self, trainee_ref, field: str = "trainee_ref") -> Enrollment:
        ref = clean_code(trainee_ref, field)
        enrollment = self.enrollments.get(ref)
        if enrollment is None:
            raise ValidationFailed({field: [msg("no trainee {ref} in this institution; add them first "
                                                "(trainees.csv)", ref=repr(ref))]})
        return enrollment

    def programme(self, name: str, *, create: bool = True) -> Programme | None:
        """The programme of that name, created when new (unless `create` is false: then None)."""
        programme = self.programmes.get(name)
        if programme is None and create:
            programme = Programme(institution=self.institution, name=name)
            self.session.add(programme)
            self.programmes[name] = programme
        return programme


def upsert(records: Records, model, existing, values: dict, *, create=None, dry_run: bool = False):
    """Create or update one record; returns (record, action) with action created, updated or unchanged.

    Only changed attributes are assigned, so an unchanged record keeps its updated_at (imports are idempotent).
    `create(records, values)` adds the columns only a new record gets. With dry_run nothing is written and the
    record is None when it would be created.
    """
    if existing is None:
        if dry_run:
            return None, "created"
        record = model(**(create(records, values) if create else values))
        records.session.add(record)
        return record, "created"
    changed = {name: value for name, value in values.items() if getattr(existing, name) != value}
    if not dry_run:
        for name, value in changed.items():
            setattr(existing, name, value)
    return existing, "updated" if changed else "unchanged"


def given(values: dict, data: dict, optional) -> dict:
    """`values` without the optional fields `data` does not carry at all (a CSV without that column, an API call
    without that key): an update keeps what the record has, a new record takes the default."""
    return {name: value for name, value in values.items() if name not in optional or name in data}


def upsert_keyed(records: Records, model, filed: dict, key, values: dict, *, existing=None, create=None,
                 dry_run: bool = False):
    """upsert() of the record filed under `key` (unless `existing` is given), keeping `filed` current, so a later
    row of the same import finds what an earlier one wrote."""
    record, action = upsert(records, model, existing if existing is not None else filed.get(key), values,
                            create=create, dry_run=dry_run)
    if record is not None:
        filed[key] = record
    return record, action


class Unique(NamedTuple):
    """A key no two records of an institution share: the form `field` it comes from, the `key` in the cleaned
    values (a name, or a tuple of names for a key of several), where records are `filed` by it, and what to say
    when another record holds it."""

    field: str
    key: str | tuple[str, ...]
    filed: Callable[[Records], dict]
    message: object


def save_one(session: Session, institution: Institution, data: dict, clean, upsert_one, *, existing=None,
             unique: Unique | None = None):
    """The form path of every record: clean the fields, refuse a key another record holds, write, flush."""
    records = Records(session, institution)
    values = clean(records, data)
    if unique is not None:
        key = tuple(values[name] for name in unique.key) if isinstance(unique.key, tuple) else values[unique.key]
        other = unique.filed(records).get(key)
        if other is not None and other is not existing:
            raise ValidationFailed({unique.field: [unique.message]})
    record, _ = upsert_one(records, values, existing=existing)
    session.flush()
    return record


# Institutions and programmes

def institution_by_slug(session: Session, slug: str) -> Institution:
    institution = session.scalar(select(Institution).where(Institution.slug == (slug or "").strip().lower()))
    if institution is None:
        raise NotFound(msg("no institution {slug}", slug=repr(slug)))
    return institution


def list_programmes(session: Session, institution: Institution) -> list[Programme]:
    return list(session.scalars(select(Programme).where(Programme.institution_id == institution.id)
                                .order_by(Programme.name)))


def save_programme(session: Session, institution: Institution, data: dict, programme_id: int | None = None):
    """Create a programme, or update the institution's programme `programme_id`."""
    errors = v.ErrorCollector()
    name = errors.check(v.clean_text, data.get("programme_name", data.get("name")), "programme_name",
                        max_length=200, required=True)
    field = errors.check(v.clean_text, data.get("field") or "AI", "field", max_length=120)
    funding = errors.check(v.clean_text, data.get("funding_programme"), "funding_programme", max_length=200)
    errors.raise_if_any()
    records = Records(session, institution)
    existing = owned(session, Programme, institution, programme_id) if programme_id else None
    clash = records.programmes.get(name)
    if clash is not None and clash is not existing:
        raise ValidationFailed({"programme_name": [msg("is already used by another programme")]})
    values = {"institution": institution, "name": name, "field": field, "funding_programme": funding}
    programme, _ = upsert(records, Programme, existing, values)
    session.flush()
    return programme


# Cohorts

MAX_BUDGET_KRW = 999_999_999_999   # what clean_int reads (12 digits): a trillion won is no cohort's budget


def clean_cohort(records: Records, data: dict) -> dict:
    """Model-ready values for a cohort; the programme is looked up (or created) by name. Capacity, budget and
    funding source are optional columns: left out, a record keeps what it has."""
    errors = v.ErrorCollector()
    code = errors.check(clean_code, data.get("cohort_code"), "cohort_code")
    programme_name = errors.check(v.clean_text, data.get("programme_name"), "programme_name", max_length=200,
                                  required=True)
    region = errors.check(records.region, data.get("region"))
    start = errors.check(v.clean_date, data.get("start_date"), "start_date", required=True)
    end = errors.check(v.clean_date, data.get("end_date"), "end_date", required=True)
    errors.check(v.clean_date_order, start, end, "end_date", "start_date")
    values = {"code": code, "programme_name": programme_name, "region_id": region.id if region else None,
              "start_date": start, "end_date": end}
    if "capacity" in data:
        values["capacity"] = errors.check(v.clean_int, data.get("capacity"), "capacity", minimum=1, maximum=10_000)
    if "budget_krw" in data:
        values["budget_krw"] = errors.check(v.clean_int, data.get("budget_krw"), "budget_krw", minimum=0,
                                            maximum=MAX_BUDGET_KRW)
    if "funding_source" in data:
        values["funding_source"] = errors.check(v.clean_choice, data.get("funding_source") or None,
                                                "funding_source", FUNDING_SOURCES, required=False)
    errors.raise_if_any()
    return values


def upsert_cohort(records: Records, values: dict, *, existing: Cohort | None = None, dry_run: bool = False):
    """Create or update a cohort (by code unless `existing` is given); returns (cohort, action)."""
    values = dict(values)
    name = values.pop("programme_name")
    values["programme"] = records.programme(name, create=not dry_run)
    return upsert_keyed(records, Cohort, records.cohorts, values["code"], values, existing=existing, dry_run=dry_run,
                        create=lambda records, values: {**values, "institution": records.institution})


def list_cohorts(session: Session, institution: Institution) -> list[Cohort]:
    return list(session.scalars(select(Cohort).where(Cohort.institution_id == institution.id)
                                .order_by(Cohort.start_date.desc(), Cohort.code)))


def get_cohort(session: Session, institution: Institution, cohort_id: int) -> Cohort:
    return owned(session, Cohort, institution, cohort_id)


def cohort_by_code(session: Session, institution: Institution, code: str) -> Cohort:
    cohort = session.scalar(select(Cohort).where(Cohort.institution_id == institution.id,
                                                 Cohort.code == (code or "").strip()))
    if cohort is None:
        raise NotFound(msg("no cohort {code}", code=repr(code)))
    return cohort


def save_cohort(session: Session, institution: Institution, data: dict, cohort_id: int | None = None) -> Cohort:
    """Create a cohort (its code must be new) or update the institution's cohort `cohort_id`."""
    existing = owned(session, Cohort, institution, cohort_id) if cohort_id else None
    return save_one(session, institution, data, clean_cohort, upsert_cohort, existing=existing, unique=Unique(
        "cohort_code", "code", lambda records: records.cohorts,
        msg("is already used by another cohort of this institution")))


# Trainees

def clean_enrollment(records: Records, data: dict) -> dict:
    """Model-ready values for a trainee; completed trainees need a completion date."""
    errors = v.ErrorCollector()
    cohort = errors.check(records.cohort, data.get("cohort_code"))
    ref = errors.check(clean_code, data.get("trainee_ref"), "trainee_ref")
    name = errors.check(v.clean_text, data.get("name"), "name", max_length=100)
    email = (errors.check(v.clean_email, data.get("email"), "email")
             if str(data.get("email") or "").strip() else None)
    status = errors.check(v.clean_choice, data.get("status"), "status", ENROLLMENT_STATUSES)
    completed = errors.check(v.clean_date, data.get("completion_date"), "completion_date",
                             required=status == "completed")
    excluded = errors.check(v.clean_choice, data.get("excluded_reason") or None, "excluded_reason",
                            EXCLUSION_REASONS, required=False)
    if cohort is not None and completed is not None and completed < cohort.start_date:
        errors.add(ValidationFailed({"completion_date": [
            msg("must not be before the cohort started ({date})", date=cohort.start_date.isoformat())]}))
    consent = errors.check(v.clean_bool, data.get("contact_consent") or False, "contact_consent")
    errors.raise_if_any()
    return given({"cohort_id": cohort.id, "trainee_ref": ref, "name": name, "email": email, "status": status,
                  "completion_date": completed, "excluded_reason": excluded, "contact_consent": consent}, data,
                 ("name", "email", "completion_date", "excluded_reason", "contact_consent"))


def new_enrollment(records: Records, values: dict) -> dict:
    """Every column of a new trainee (also what a bulk import inserts)."""
    return {**values, "institution_id": records.institution.id}


def upsert_enrollment(records: Records, values: dict, *, existing: Enrollment | None = None,
                      dry_run: bool = False):
    """Create or update a trainee (by trainee_ref unless `existing` is given); returns (enrollment, action)."""
    return upsert_keyed(records, Enrollment, records.enrollments, values["trainee_ref"], values, existing=existing,
                        create=new_enrollment, dry_run=dry_run)


def list_enrollments(session: Session, institution: Institution, cohort_id: int | None = None) -> list[Enrollment]:
    """With their placements (the cohort page lists them), in one more query rather than one per trainee."""
    query = select(Enrollment).where(Enrollment.institution_id == institution.id).options(
        selectinload(Enrollment.placements))
    if cohort_id is not None:
        query = query.where(Enrollment.cohort_id == cohort_id)
    return list(session.scalars(query.order_by(Enrollment.trainee_ref)))


def get_enrollment(session: Session, institution: Institution, enrollment_id: int) -> Enrollment:
    return owned(session, Enrollment, institution, enrollment_id)


def save_enrollment(session: Session, institution: Institution, data: dict,
                    enrollment_id: int | None = None) -> Enrollment:
    """Add a trainee (the trainee_ref must be new) or update the institution's trainee `enrollment_id`."""
    existing = owned(session, Enrollment, institution, enrollment_id) if enrollment_id else None
    return save_one(session, institution, data, clean_enrollment, upsert_enrollment, existing=existing, unique=Unique(
        "trainee_ref", "trainee_ref", lambda records: records.enrollments,
        msg("is already used by another trainee of this institution")))


_NO_SUCH = {Programme: msg("no such programme"), Cohort: msg("no such cohort"), Enrollment: msg("no such enrollment"),
            Placement: msg("no such placement"), FollowUp: msg("no such follow-up")}


def owned(session: Session, model, institution: Institution, record_id):
    """The institution's record by id (a placement or follow-up through its trainee); NotFound for anyone else's."""
    record = session.get(model, record_id) if isinstance(record_id, int) else None
    holder = getattr(record, "enrollment", record)
    if holder is None or holder.institution_id != institution.id:
        raise NotFound(_NO_SUCH[model])
    return record


def cohort_counts(session: Session, institution: Institution) -> dict[int, dict[str, int]]:
    """Trainees per cohort and status ({cohort_id: {"enrolled": n, "completed": n, "withdrawn": n}}), one query."""
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(select(Enrollment.cohort_id, Enrollment.status, func.count())
                           .where(Enrollment.institution_id == institution.id)
                           .group_by(Enrollment.cohort_id, Enrollment.status))
    for cohort_id, status, count in rows:
        counts.setdefault(cohort_id, {})[status] = count
    return counts


def clean_code(value, field: str, *, max_length: int = 60) -> str:
    """An institution's own reference (cohort code, trainee reference): required text without line breaks."""
    return v.clean_text(value, field, max_length=max_length, required=True)

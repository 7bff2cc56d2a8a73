"""The audit trail as the programme office reads it, the export events every download writes, and the corrections
people make to records (old -> new).

AuditEvent rows hold ids and kinds only (who viewed which candidate, who exported what); nothing here adds
personal data to them.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from ..models import AuditEvent, Company, Institution, Posting, Region, User

PER_PAGE = 50
# What a region's audit log covers besides the region itself (its watch-list, its exports): events about these.
REGIONAL_OBJECTS = {"company": Company, "posting": Posting, "institution": Institution}
security_log = logging.getLogger("talent_match.security")  # the same log as security.log_security_event


@dataclass
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def actions(session: Session, region: Region | None = None) -> list[str]:
    """Every action recorded so far (in the region's log, with one), for the filter."""
    scope = [of_region(region)] if region is not None else []
    return list(session.scalars(select(AuditEvent.action).where(*scope).distinct().order_by(AuditEvent.action)))


def of_region(region: Region):
    """The events a region's operator reads: about the region itself and its companies, postings and institutions
    (by where they are, as the office's other pages count them)."""
    def ids(model):
        return select(cast(model.id, String)).where(model.region_id == region.id)

    return or_(and_(AuditEvent.object_type == "region", AuditEvent.object_id == str(region.id)),
               *(and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids(model)))
                 for kind, model in REGIONAL_OBJECTS.items()))


def page_of_events(session: Session, *, action: str | None = None, region: Region | None = None, page: int = 1,
                   per_page: int = PER_PAGE) -> AuditPage:
    """Newest first, optionally one action only, one region's only (`of_region`); a page past the end is the
    last page."""
    scope = ([AuditEvent.action == action] if action else []) + ([of_region(region)] if region is not None else [])
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*scope)) or 0
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    events = list(session.scalars(select(AuditEvent).where(*scope)
                                  .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                                  .offset((page - 1) * per_page).limit(per_page)))
    return AuditPage(events, total, page, per_page)


def record_export(session: Session, actor: User, kind: str, file_format: str, rows: int, *,
                  object_type: str = "institution", object_id=None, details: dict | None = None) -> AuditEvent:
    """An "export" event: what kind of records left the platform, in which format, how many rows; no contents."""
    event = AuditEvent(actor_id=actor.id, actor_role=actor.role, action="export", object_type=object_type,
                       object_id=None if object_id is None else str(object_id),
                       details={"kind": kind, "format": file_format, "rows": rows, **(details or {})})
    session.add(event)
    session.flush()
    security_log.warning("export actor_id=%s format=%s kind=%s object_id=%s rows=%s", actor.id, file_format, kind,
                         event.object_id, rows)
    return event


def record_candidates_listed(session: Session, employer: User, posting_id: int, profile_ids, contact_ids, *,
                             via: str, page: int = 1) -> AuditEvent:
    """A "candidates_listed" event: which seekers a list of candidates showed an employer, and whose contact
    details it showed (the applicants), by id only. The web page and the API both write one per page shown."""
    event = AuditEvent(actor_id=employer.id, actor_role=employer.role, action="candidates_listed",
                       object_type="posting", object_id=str(posting_id),
                       details={"via": via, "page": page, "profile_ids": list(profile_ids),
                                "contact_shown": list(contact_ids)})
    session.add(event)
    session.flush()
    return event


def record_change(session: Session, actor: User, action: str, object_type: str, object_id, before: dict,
                  after: dict, *, private=(), details: dict | None = None) -> AuditEvent | None:
    """A correction someone made: each changed field as [old, new] under "changes" (dates as YYYY-MM-DD). Fields
    in `private` (names, emails) are noted as "changed" without their values, so no personal data is copied here.
    Nothing changed and no `details`: no event."""
    changes = {name: "changed" if name in private else [_plain(before.get(name)), _plain(value)]
               for name, value in after.items() if before.get(name) != value}
    if not changes and not details:
        return None
    event = AuditEvent(actor_id=actor.id, actor_role=actor.role, action=action, object_type=object_type,
                       object_id=str(object_id), details={"changes": changes, **(details or {})})
    session.add(event)
    session.flush()
    return event


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value

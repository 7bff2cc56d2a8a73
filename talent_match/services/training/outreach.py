"""Asking whether placed trainees are still employed: one email per checkpoint to the employer contact and to the
trainee, with a signed one-click link, and reminders until somebody answers.

`run` looks at every checkpoint that fell due in the last WINDOW_DAYS without a known answer. It queues a request
to the first placement's employer contact (when the placement names one) and to the trainee (when they gave an
email and agreed to be asked), then reminders REMINDER_DAYS after a request while the checkpoint stays
unanswered. Requests and their mail are written in the caller's transaction, so a failed run sends nothing; a
second run the same day queues nothing new. Answers come back through `services.training.answers`.

The same run asks the employer contact of a trainee's first placement, READINESS_DAYS after it started, how ready
the person was on each skill (services.training.readiness): the same kind of request (audience "readiness", at no
checkpoint: month 0), link, expiry and reminders. Only the first job is asked about: it is the hire the training
led to, and a later employer judges someone with other experience too.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...config import Defaults
from ...models import Enrollment, FollowUpRequest, Institution
from ...models.base import as_utc, utcnow
from .. import validation as v
from ..errors import ValidationFailed
from ..mail import outbox
from ..outcomes.ledger import add_months, first_placement
from .programme_skills import skills_for

WINDOW_DAYS = 60            # a checkpoint due longer ago than this is not asked about by email any more
REMINDER_DAYS = (7, 14)     # after the first request
LINK_DAYS = 30              # a link works this long after the first request
ANSWER_PATH = "/follow-ups/answer/"
_SALT = "follow-up-answer"
READINESS_DAYS = 90         # after the first placement started, its employer is asked how ready the person was
READINESS = "readiness"     # the audience of that request; its checkpoint_month is READINESS_MONTH
READINESS_MONTH = 0


@dataclass(frozen=True)
class Links:
    """How answer links are made and read: the app's secret signs [request id, nonce]; PUBLIC_BASE_URL starts them."""

    secret: str
    base_url: str

    @classmethod
    def of(cls, config) -> Links:
        """The app's links, from its settings: the one way the CLI and the answer page make them alike."""
        return cls(config["SECRET_KEY"], config["PUBLIC_BASE_URL"])

    def url(self, request: FollowUpRequest) -> str:
        token = URLSafeSerializer(self.secret, salt=_SALT).dumps([request.id, request.nonce])
        return f"{self.base_url.rstrip('/')}{ANSWER_PATH}{token}"

    def read(self, token: str) -> tuple[int, str] | None:
        """(request id, nonce) from a token this app signed; None for anything else."""
        try:
            request_id, nonce = URLSafeSerializer(self.secret, salt=_SALT).loads(token)
        except (BadSignature, ValueError, TypeError):
            return None
        return (request_id, nonce) if isinstance(request_id, int) and isinstance(nonce, str) else None


def run(session: Session, as_of: date, links: Links, *, institution: Institution | None = None,
        checkpoints=Defaults.CHECKPOINT_MONTHS) -> dict[str, int]:
    """Queue what is due as of `as_of`; counts of employer requests, trainee requests and reminders queued.
    Requests are stamped `as_of` at this time of day, so a run for another day (tests, a late cron) reads right."""
    now = datetime.combine(as_of, utcnow().timetz())
    counts = {"employer_requests": 0, "trainee_requests": 0, "readiness_requests": 0, "reminders": 0}
    requests = _open_requests(session, institution)
    for enrollment in _placed_trainees(session, institution):
        job = first_placement(enrollment.placements)
        known = {f.checkpoint_month for f in enrollment.follow_ups if f.status != "unknown"}
        for month in checkpoints:
            due_on = add_months(job.start_date, month)
            if month in known or not as_of - timedelta(days=WINDOW_DAYS) < due_on <= as_of:
                continue
            for audience, email in (("employer", job.employer_email),
                                    ("trainee", enrollment.email if enrollment.contact_consent else None)):
                request = requests.get((enrollment.id, month, audience))
                if request is None and _deliverable(email):
                    request = _request(session, enrollment, job, month, audience, email, now)
                    _mail(session, links, request, enrollment, reminder=0)
                    counts[f"{audience}_requests"] += 1
                elif request is not None and _reminder_due(request, as_of, now):
                    request.reminders += 1
                    request.last_sent_at = now
                    _mail(session, links, request, enrollment, reminder=request.reminders)
                    counts["reminders"] += 1
        asked = _ask_readiness(session, links, enrollment, job, requests.get((enrollment.id, READINESS_MONTH,
                                                                              READINESS)), as_of, now)
        if asked:
            counts[asked] += 1
    session.flush()
    return counts


def _ask_readiness(session, links, enrollment, job, request, as_of: date, now: datetime) -> str | None:
    """The readiness question READINESS_DAYS after the first job started, or its reminder; what was queued."""
    due_on = job.start_date + timedelta(days=READINESS_DAYS)
    if request is None and as_of - timedelta(days=WINDOW_DAYS) < due_on <= as_of and _deliverable(
            job.employer_email) and skills_for(session, job):
        request = _request(session, enrollment, job, READINESS_MONTH, READINESS, job.employer_email, now)
        _mail(session, links, request, enrollment, reminder=0)
        return "readiness_requests"
    if request is not None and _reminder_due(request, as_of, now):
        request.reminders += 1
        request.last_sent_at = now
        _mail(session, links, request, enrollment, reminder=request.reminders)
        return "reminders"
    return None


def pending_for(session: Session, email: str, now: datetime | None = None) -> list[FollowUpRequest]:
    """Employer requests to this address still waiting for an answer (the employer's navigation counts them)."""
    now = now or utcnow()
    return list(session.scalars(select(FollowUpRequest).where(
        FollowUpRequest.audience == "employer", FollowUpRequest.email == (email or "").strip().lower(),
        FollowUpRequest.answered_at.is_(None), FollowUpRequest.expires_at > now).order_by(FollowUpRequest.sent_at)))


def requests_of(session: Session, enrollment_ids) -> dict[tuple[int, int], list[FollowUpRequest]]:
    """Who was asked about each (trainee, checkpoint), when, and whether and how they answered."""
    found: dict[tuple[int, int], list[FollowUpRequest]] = {}
    for request in session.scalars(select(FollowUpRequest).where(FollowUpRequest.enrollment_id.in_(
            list(enrollment_ids))).order_by(FollowUpRequest.sent_at)):
        found.setdefault((request.enrollment_id, request.checkpoint_month), []).append(request)
    return found


def _placed_trainees(session: Session, institution: Institution | None):
    query = (select(Enrollment).where(Enrollment.status == "completed", Enrollment.excluded_reason.is_(None),
                                      Enrollment.placements.any())
             .options(selectinload(Enrollment.placements), selectinload(Enrollment.follow_ups),
                      selectinload(Enrollment.institution)))
    if institution is not None:
        query = query.where(Enrollment.institution_id == institution.id)
    return session.scalars(query.order_by(Enrollment.id))


def _open_requests(session: Session, institution: Institution | None) -> dict[tuple, FollowUpRequest]:
    query = select(FollowUpRequest)
    if institution is not None:
        query = query.join(Enrollment).where(Enrollment.institution_id == institution.id)
    return {(r.enrollment_id, r.checkpoint_month, r.audience): r for r in session.scalars(query)}


def _request(session, enrollment, job, month, audience, email, now) -> FollowUpRequest:
    request = FollowUpRequest(enrollment_id=enrollment.id, placement_id=job.id, checkpoint_month=month,
                              audience=audience, email=email.strip().lower(), nonce=secrets.token_urlsafe(24),
                              sent_at=now, last_sent_at=now, expires_at=now + timedelta(days=LINK_DAYS))
    session.add(request)
    session.flush()
    return request


def _deliverable(email: str | None) -> bool:
    try:
        return bool(email) and bool(v.clean_email(email))
    except ValidationFailed:
        return False  # a bad address on record is the institution's to fix; the others are still asked


def _reminder_due(request: FollowUpRequest, as_of: date, now: datetime) -> bool:
    if request.answered_at is not None or request.reminders >= len(REMINDER_DAYS) or as_utc(request.expires_at) <= now:
        return False
    return (as_of - as_utc(request.sent_at).date()).days >= REMINDER_DAYS[request.reminders]


def _mail(session: Session, links: Links, request: FollowUpRequest, enrollment: Enrollment, reminder: int) -> None:
    name, institution, url = enrollment.name or enrollment.trainee_ref, enrollment.institution.name, links.url(request)
    month, again = request.checkpoint_month, "[다시 알림 Reminder] " if reminder else ""
    if request.audience == READINESS:
        subject = f"{again}{name}님은 입사 때 얼마나 준비되어 있었나요? / How ready was {name} when they joined you?"
        body = (f"안녕하세요.\n\n{institution}에서 훈련을 마친 {name}님이 귀사에 입사한 지 {READINESS_DAYS}일이 지났습니다. "
                f"채용 공고(또는 훈련 과정)의 기술마다 입사 당시 얼마나 준비되어 있었는지 알려 주시면 교육 과정 개선에 "
                f"쓰입니다(로그인 불필요, 1분):\n\n{url}\n\n링크는 {LINK_DAYS}일 동안, 한 번만 쓸 수 있습니다.\n\n"
                f"Hello. {name}, who trained at {institution}, joined you {READINESS_DAYS} days ago. Please tell us "
                f"how ready they were on each skill the job asked for; the training institution uses the answers to "
                f"improve its courses (no sign-in, one minute):\n\n{url}\n\nThe link works once, for {LINK_DAYS} "
                f"days.\n")
    elif request.audience == "employer":
        subject = f"{again}{name}님이 아직 재직 중인가요? / Is {name} still employed with you?"
        body = (f"안녕하세요.\n\n{institution}에서 훈련을 마친 {name}님이 귀사에 입사한 지 {month}개월이 되었습니다. 지역 인재의 "
                f"정착을 확인하기 위해 한 번만 답해 주세요(로그인 불필요):\n\n{url}\n\n재직 중 / 퇴사(날짜) / 모름 중 하나를 "
                f"고르시면 됩니다. 링크는 {LINK_DAYS}일 동안, 한 번만 쓸 수 있습니다.\n\n"
                f"Hello. {name}, who trained at {institution}, joined you {month} months ago. To follow whether "
                f"trained people stay in the region, please answer once (no sign-in):\n\n{url}\n\n"
                f"Choose still employed / left on a date / don't know. The link works once, for {LINK_DAYS} days.\n")
    else:
        subject = f"{again}{institution} 취업 {month}개월 추적 조사 / {month}-month follow-up from {institution}"
        body = (f"{name}님, 안녕하세요.\n\n{institution} 수료 후 첫 취업에서 {month}개월이 지났습니다. 지금 어떻게 지내시는지 "
                f"한 번만 알려 주세요:\n\n{url}\n\n같은 회사 재직 / 다른 회사 재직(지역) / 구직 중 / 진학 / 군 복무 중 하나를 "
                f"고르시면 됩니다. 링크는 {LINK_DAYS}일 동안, 한 번만 쓸 수 있습니다.\n\n"
                f"Hello {name}. It is {month} months since your first job after {institution}. Please tell us once "
                f"where you are now:\n\n{url}\n\nSame employer / another employer (region) / not employed / studying "
                f"/ military service. The link works once, for {LINK_DAYS} days.\n")
    outbox.queue(session, kind=f"follow_up_{request.audience}", to=request.email, subject=subject, body=body,
                 dedupe_key=f"follow-up:{request.id}:{reminder}")


"""What employers said about the demo trainees' readiness 90 days after their first job started.

Each programme teaches a handful of skills (by its field); an employer that named its contact answers with
ANSWERED chance. Ratings lean towards "needed some support", with one skill per field that hires were less ready on
(the gap an institution would act on), technopark incumbents a little readier. Answers inside the outreach window
also have the emailed question they came from; older ones were collected the same way before it was recorded.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..training.outreach import LINK_DAYS, READINESS, READINESS_DAYS, READINESS_MONTH
from .common import Context

SKILLS = {"AI": ("Python", "Machine Learning", "Deep Learning", "PyTorch", "Git"),
          "Data": ("Python", "SQL", "Data Analysis", "Statistics", "MLOps"),
          "Manufacturing AI": ("Python", "Machine Learning", "Computer Vision", "Data Analysis"),
          "Domain AI": ("Python", "Machine Learning", "Data Analysis", "Docker")}
WEAKER = {"AI": "Git", "Data": "MLOps", "Manufacturing AI": "Computer Vision", "Domain AI": "Docker"}
LEVELS = (1, 2, 3, 4)
USUAL = (4, 16, 48, 32)          # weights of the four levels for most skills
WEAK = (14, 36, 38, 12)          # and for the field's weaker skill
ANSWERED = 0.6
COMMENTED = 0.25
COMMENTS = ("실무 데이터 전처리 경험이 더 필요합니다.", "Git 협업 흐름(브랜치, 리뷰)을 처음 접했습니다.",
            "모델 배포와 모니터링을 배우고 왔으면 합니다.", "기초가 탄탄해서 빠르게 적응했습니다.",
            "현장 설비 데이터에 대한 이해가 부족했습니다.", "문서화와 보고서 작성이 좋았습니다.",
            "SQL 쿼리 최적화는 입사 후 따로 가르쳤습니다.", "Docker 환경 구성을 도와줘야 했습니다.")
OUTREACH_DAYS = 120              # as in responses.py: the window in which questions were recorded


def programme_skills(ctx: Context, programme_id: int, field: str) -> None:
    """The skills a programme of this field teaches (what the question asks about when no posting names them)."""
    for label in SKILLS.get(field, SKILLS["AI"]):
        _, skill_id = ctx.skills.resolve(label)
        if skill_id is not None:
            ctx.sink.add("programme_skill", {"id": ctx.sink.new_id("programme_skill"), "programme_id": programme_id,
                                             "skill_id": skill_id})


class Readiness:
    """The answers, from their own random stream (the outcomes themselves are not moved)."""

    def __init__(self, ctx: Context):
        self.ctx, self.rng = ctx, ctx.rng("readiness answers")

    def hire(self, enrollment_id: int, placement_id: int, field: str, kind: str, start: date,
             contact: str | None) -> None:
        """The employer's answer about this first job, when it has a contact, 90 days have passed and it answered."""
        ctx, rng = self.ctx, self.rng
        due = start + timedelta(days=READINESS_DAYS)
        if contact is None or due > ctx.today or rng.random() >= ANSWERED:
            return
        answered_on = min(due + timedelta(days=rng.randint(0, 12)), ctx.today)
        sent = ctx.moment(rng, due)
        at = sent + timedelta(days=(answered_on - due).days, hours=rng.randint(1, 9))
        request_id = None
        if (ctx.today - due).days <= OUTREACH_DAYS:
            request_id = ctx.sink.new_id("follow_up_request")
            ctx.sink.add("follow_up_request", {
                "id": request_id, "enrollment_id": enrollment_id, "placement_id": placement_id,
                "checkpoint_month": READINESS_MONTH, "audience": READINESS, "email": contact,
                "nonce": f"{rng.getrandbits(128):032x}", "sent_at": sent, "reminders": 0, "last_sent_at": sent,
                "expires_at": sent + timedelta(days=LINK_DAYS), "answered_at": at, "answer": "rated",
                "created_at": sent, "updated_at": at})
        answer_id = ctx.sink.new_id("readiness_answer")
        ctx.sink.add("readiness_answer", {
            "id": answer_id, "request_id": request_id, "enrollment_id": enrollment_id, "placement_id": placement_id,
            "answered_on": answered_on, "source": "employer",
            "comment": rng.choice(COMMENTS) if rng.random() < COMMENTED else None, "created_at": at, "updated_at": at})
        for label in SKILLS.get(field, SKILLS["AI"]):
            _, skill_id = ctx.skills.resolve(label)
            if skill_id is None:
                continue
            weights = WEAK if label == WEAKER.get(field) else USUAL
            rating = rng.choices(LEVELS, weights=weights)[0]
            if kind == "technopark" and rating < 4 and rng.random() < 0.2:
                rating += 1
            ctx.sink.add("readiness_rating", {"id": ctx.sink.new_id("readiness_rating"), "answer_id": answer_id,
                                              "skill_id": skill_id, "rating": rating})

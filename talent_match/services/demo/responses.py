"""Who answers the demo trainees' follow-ups, and who was asked by email.

Each cohort gets its own response propensity (how reachable its people and their employers are), so response rates
differ by cohort as they do in real reporting. An answered checkpoint has a follow-up naming its source (the
employer, the trainee, the institution or the employment insurance record); an unanswered one has none. Checkpoints
due in the last OUTREACH_DAYS were also asked by email, as `services.training.outreach` asks: the employer contact,
and the trainee who agreed. Those requests were answered, still wait, or expired unanswered.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..training.outreach import LINK_DAYS, REMINDER_DAYS
from .common import Context, weighted

PROPENSITY = (0.45, 0.97)   # a cohort's chance that a due checkpoint gets an answer, drawn per cohort
EVIDENCE = (("employer", 35), ("institution", 35), ("insurance_record", 20), ("trainee", 10))
NOT_FOUND_OUT = 0.15        # the institution asked around and recorded "unknown"
OUTREACH_DAYS = 120         # email outreach has run this long before the demo's today
EMPLOYER_CONTACT = 0.7      # placements that name the employer's contact
CONTACT_CONSENT = 0.6       # trainees with an email who agreed to be asked
# What the answer page posted for the status the follow-up records (services.training.answers).
EMPLOYER_ANSWER = {"employed_same_employer": "employed", "left_employer": "left"}
TRAINEE_ANSWER = {"employed_same_employer": "same_employer", "employed_other_employer": "other_employer",
                  "not_employed": "not_employed"}


class Responses:
    """The answers of every checkpoint, from their own random stream (the outcomes themselves are not moved)."""

    def __init__(self, ctx: Context):
        self.ctx, self.rng = ctx, ctx.rng("follow-up responses")
        self.propensity: dict[int, float] = {}

    def agreed(self, email: str | None) -> bool:
        """Whether a trainee agreed to be asked about their job by email."""
        return email is not None and self.rng.random() < CONTACT_CONSENT

    def employer_contact(self, company_id: int | None, placement_id: int) -> str | None:
        if self.rng.random() >= EMPLOYER_CONTACT:
            return None
        return f"people@c{company_id}.example.com" if company_id else f"hr@e{placement_id}.example.com"

    def checkpoint(self, cohort_id: int, enrollment_id: int, placement_id: int, month: int, due: date, state: str,
                   where: str | None, employer_email: str | None, trainee_email: str | None) -> None:
        """The follow-up of one due checkpoint, if anyone answered, and the email requests sent about it."""
        ctx, rng = self.ctx, self.rng
        propensity = self.propensity.setdefault(cohort_id, rng.uniform(*PROPENSITY))
        evidence = weighted(rng, EVIDENCE) if rng.random() < propensity else None
        checked = min(due + timedelta(days=rng.randint(0, 20)), ctx.today)
        if evidence == "employer" and state != "employed_same_employer":
            state, where = "left_employer", None  # the employer knows only that they left
        elif evidence == "institution" and rng.random() < NOT_FOUND_OUT:
            state, where = "unknown", None
        if evidence is not None:
            at = ctx.moment(rng, checked)
            ctx.sink.add("follow_up", {
                "id": ctx.sink.new_id("follow_up"), "enrollment_id": enrollment_id, "checkpoint_month": month,
                "status": state, "region_id": ctx.region_ids[where] if where else None, "checked_on": checked,
                "evidence": evidence, "created_at": at, "updated_at": at})
        if (ctx.today - due).days > OUTREACH_DAYS:
            return
        for audience, email, answers in (("employer", employer_email, EMPLOYER_ANSWER),
                                         ("trainee", trainee_email, TRAINEE_ANSWER)):
            if email:
                self._request(enrollment_id, placement_id, month, audience, email, due,
                              checked if evidence is not None and state != "unknown" else None,
                              answers.get(state) if evidence == audience else None)

    def _request(self, enrollment_id, placement_id, month, audience, email, due, known_on, answer) -> None:
        """One emailed question, sent the day the checkpoint fell due; reminders until anyone answered."""
        ctx, rng = self.ctx, self.rng
        sent = ctx.moment(rng, due)
        quiet_from = min(known_on or ctx.today, due + timedelta(days=LINK_DAYS))
        reminders = sum((quiet_from - due).days >= days for days in REMINDER_DAYS)
        last_sent = sent + timedelta(days=REMINDER_DAYS[reminders - 1]) if reminders else sent
        answered_at = sent + timedelta(days=(known_on - due).days, hours=rng.randint(1, 9)) if answer else None
        ctx.sink.add("follow_up_request", {
            "id": ctx.sink.new_id("follow_up_request"), "enrollment_id": enrollment_id,
            "placement_id": placement_id, "checkpoint_month": month, "audience": audience, "email": email,
            "nonce": f"{rng.getrandbits(128):032x}", "sent_at": sent, "reminders": reminders,
            "last_sent_at": last_sent, "expires_at": sent + timedelta(days=LINK_DAYS), "answered_at": answered_at,
            "answer": answer, "created_at": sent, "updated_at": answered_at or last_sent})

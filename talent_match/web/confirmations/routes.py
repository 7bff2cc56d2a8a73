"""Confirmations: employers' one-click "still employed?" for people they hired through the platform, at due
checkpoints.

Institutions need to know whether their trainees stayed; the employer is the one who knows, so the question comes
to them as two buttons. Only the employer's own hires are listed or answerable (others' are 404 in the service).
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import User
from ...services.hiring.postings import today_in_korea
from ...services.training import followups
from ..access import gate
from ..forms import ButtonForm, saved

bp = gate(Blueprint("confirmations", __name__, url_prefix="/hires"), "employer")


def waiting_count(user) -> int:
    """The count beside the employer's "Follow-ups" link: the hires this page lists."""
    return followups.waiting_counts(db.session, user, today_in_korea())


@bp.get("/follow-ups")
def due():
    waiting = followups.employer_hires_to_confirm(db.session, current_user, today_in_korea())
    names = {p.id: (db.session.get(User, p.seeker_user_id).name if p.seeker_user_id else "")
             for p, _month, _due in waiting}
    return render_template("confirmations/due.html", waiting=waiting, names=names)


@bp.post("/follow-ups/<int:placement_id>")
def confirm(placement_id: int):
    answer = request.form.get("employed")
    if ButtonForm().validate_on_submit() and answer in ("yes", "no"):
        ok, _none = saved(None, lambda: followups.confirm_still_employed(
            db.session, current_user, placement_id, answer == "yes", today_in_korea()))
        if ok:
            flash(_("Thank you: your answer is recorded."), "success")
    return redirect(url_for(".due"))

"""Follow-ups due: which placed trainees to ask, at which checkpoint, who was asked by email, and a quick form to
record each answer."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...services.hiring.postings import today_in_korea
from ...services.training import followups, outreach
from .. import choices
from ..forms import saved
from .forms import FollowUpForm
from .routes import bp, institution

HORIZONS = (0, 14, 30, 60)


def waiting_count(user) -> int:
    """The count beside the institution's "Follow-ups" link: the checkpoints due by today that the page lists."""
    return followups.waiting_counts(db.session, user, today_in_korea())


@bp.get("/followups", endpoint="followups_due")
def due():
    """Due by today (or within the next days chosen), oldest first; "could not find out" stays on the list."""
    days = request.args.get("days", type=int)
    days = days if days in HORIZONS else 0
    today = today_in_korea()
    items = followups.due_follow_ups(db.session, institution(), today, horizon_days=days)
    return render_template("institutions/followups.html", items=items, days=days, horizons=HORIZONS, today=today,
                           asked=outreach.requests_of(db.session, {item.enrollment.id for item in items}),
                           form=FollowUpForm(formdata=None), **labels())


def labels() -> dict:
    """What the pages call each code of a checkpoint's answer."""
    return {"statuses": dict(choices.FOLLOW_UP_STATUSES), "sources": dict(choices.FOLLOW_UP_EVIDENCE),
            "audiences": {"employer": _("Employer"), "trainee": _("Trainee")}}


@bp.post("/followups")
def followup_record():
    form = FollowUpForm()
    days = request.form.get("days", type=int)
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("trainee_ref", "checkpoint_month", "status", "region",
                                                   "checked_on", "evidence")}
        ok, _follow_up = saved(form, lambda: followups.record_follow_up(db.session, institution(), data))
        if ok:
            flash(_("Recorded: %(ref)s at %(m)s months.", ref=data["trainee_ref"], m=data["checkpoint_month"]),
                  "success")
        for field in form:  # the list is shown again, so each error is flashed naming its row
            for message in field.errors:
                flash(_("%(ref)s, %(m)s months: %(field)s %(message)s", ref=data["trainee_ref"],
                        m=data["checkpoint_month"], field=field.name, message=message), "error")
    else:
        flash(_("The form could not be read; try again."), "error")
    return redirect(url_for(".followups_due", days=days if days in HORIZONS and days else None))

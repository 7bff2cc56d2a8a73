"""Follow-ups due: which placed trainees to ask, at which checkpoint, and a quick form to record each answer."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...i18n import translate
from ...services.errors import ValidationFailed
from ...services.hiring.postings import today_in_korea
from ...services.training import followups
from .forms import FollowUpForm
from .routes import bp, institution, region_choices

HORIZONS = (0, 14, 30, 60)


@bp.get("/followups", endpoint="followups_due")
def due():
    """Due by today (or within the next days chosen), oldest first; "unknown" answers stay on the list."""
    days = request.args.get("days", type=int)
    days = days if days in HORIZONS else 0
    today = today_in_korea()
    items = followups.due_follow_ups(db.session, institution(), today, horizon_days=days)
    return render_template("institutions/followups.html", items=items, days=days, horizons=HORIZONS, today=today,
                           regions=region_choices(), form=FollowUpForm(formdata=None))


@bp.post("/followups")
def follow_up_record():
    form = FollowUpForm()
    form.region.choices = [("", "")] + region_choices()
    days = request.form.get("days", type=int)
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("trainee_ref", "checkpoint_month", "status", "region",
                                                   "checked_on", "evidence")}
        try:
            followups.record_follow_up(db.session, institution(), data)
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            for field, messages in exc.errors.items():
                for message in messages:
                    flash(_("%(ref)s, %(m)s months: %(field)s %(message)s", ref=data["trainee_ref"],
                            m=data["checkpoint_month"], field=field, message=translate(message)), "error")
        else:
            flash(_("Recorded: %(ref)s at %(m)s months.", ref=data["trainee_ref"], m=data["checkpoint_month"]),
                  "success")
    else:
        flash(_("The form could not be read; try again."), "error")
    return redirect(url_for(".followups_due", days=days if days in HORIZONS and days else None))

"""One trainee's record (status, jobs, checkpoints and who was asked) and the forms that correct it.

Each form opens on the record as it stands; a correction is cleaned as its CSV import is, saved in one transaction
and audited (services.training.corrections). Another institution's record is 404.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import FollowUp, Placement
from ...services.hiring.postings import today_in_korea
from ...services.training import corrections, followups, outreach
from ...services.training import records as training
from ...services.transfers.exports import follow_up_row, placement_row, trainee_row
from ..forms import saved
from .followups import labels
from .forms import AnswerForm, JobForm, LeftJobForm, StatusForm
from .routes import bp, institution


@bp.get("/trainees/<int:enrollment_id>")
def trainee(enrollment_id: int):
    found = training.get_enrollment(db.session, institution(), enrollment_id)
    return render_template("institutions/trainee.html", trainee=found, checkpoints=followups.checkpoints_of(found),
                           asked=outreach.requests_of(db.session, [found.id]), today=today_in_korea(), **labels())


@bp.route("/trainees/<int:enrollment_id>/status", methods=("GET", "POST"))
def trainee_status(enrollment_id: int):
    found = training.get_enrollment(db.session, institution(), enrollment_id)
    form = StatusForm(data=trainee_row(found))
    if form.validate_on_submit():
        ok, _trainee = saved(form, lambda: corrections.change_status(db.session, institution(), current_user,
                                                                     found.id, form.data))
        if ok:
            flash(_("The trainee's status is saved."), "success")
            return _back(found)
    return _correction(form, found, _("Status of %(ref)s", ref=found.trainee_ref),
                       url_for(".trainee_status", enrollment_id=found.id))


@bp.route("/placements/<int:placement_id>", methods=("GET", "POST"))
def placement_edit(placement_id: int):
    job = training.owned(db.session, Placement, institution(), placement_id)
    form = JobForm(data=placement_row(job, job.enrollment.trainee_ref))
    if form.validate_on_submit():
        ok, _job = saved(form, lambda: corrections.edit_placement(db.session, institution(), current_user, job.id,
                                                                  form.data))
        if ok:
            flash(_("The placement is saved."), "success")
            return _back(job.enrollment)
    return _job_page(job, form, LeftJobForm(formdata=None))


@bp.post("/placements/<int:placement_id>/end")
def placement_end(placement_id: int):
    """The person left this job: the due checkpoints without an answer get what that implies."""
    job = training.owned(db.session, Placement, institution(), placement_id)
    form = LeftJobForm()
    if form.validate_on_submit():
        ok, months = saved(form, lambda: corrections.end_placement(db.session, institution(), current_user, job.id,
                                                                   form.data, today_in_korea()))
        if ok:
            flash(_("Recorded that they left: the answers at %(months)s months follow from it.",
                    months=", ".join(map(str, months))) if months else
                  _("Recorded that they left. No due checkpoint was waiting for an answer, so none was written."),
                  "success")
            return _back(job.enrollment)
    return _job_page(job, JobForm(formdata=None, data=placement_row(job, job.enrollment.trainee_ref)), form)


def _job_page(job: Placement, form: JobForm, left_form: LeftJobForm):
    return _correction(form, job.enrollment, _("Job of %(ref)s at %(employer)s", ref=job.enrollment.trainee_ref,
                                                employer=job.employer_name),
                       url_for(".placement_edit", placement_id=job.id), left_form=left_form, job=job)


@bp.route("/followups/<int:follow_up_id>", methods=("GET", "POST"))
def followup_edit(follow_up_id: int):
    """A recorded answer, corrected by the institution: its source becomes "institution" unless it says which."""
    answer = training.owned(db.session, FollowUp, institution(), follow_up_id)
    form = AnswerForm(data={**follow_up_row(answer, answer.enrollment.trainee_ref), "evidence": "institution"})
    if form.validate_on_submit():
        ok, _answer = saved(form, lambda: corrections.correct_follow_up(db.session, institution(), current_user,
                                                                        answer.id, form.data))
        if ok:
            flash(_("The answer is saved."), "success")
            return _back(answer.enrollment)
    return _correction(form, answer.enrollment, _("%(m)s-month answer of %(ref)s", m=answer.checkpoint_month,
                                                  ref=answer.enrollment.trainee_ref),
                       url_for(".followup_edit", follow_up_id=answer.id), answer=answer, **labels())


def _correction(form, trainee, title: str, action: str, **context):
    """The correction page: the form posting to `action`, and the 422 a refused one answers with."""
    status = 422 if any(f.errors for f in (form, context.get("left_form")) if f is not None) else 200
    return render_template("institutions/correction.html", form=form, trainee=trainee, title=title, action=action,
                           **context), status


def _back(trainee):
    return redirect(url_for(".trainee", enrollment_id=trainee.id))

"""Institutions (universities, bootcamps, technoparks): programmes, cohorts and their trainees.

An institution sees and changes only its own records: the services answer NotFound (404) for anyone else's.
Imports and exports, outcome reports and follow-ups live in the modules beside this one.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import Institution
from ...services.errors import NotFound
from ...services.training import placements, programme_skills, trainee_links
from ...services.training import records as training
from .. import choices
from ..access import gate
from ..figures import install
from ..forms import saved
from .forms import CohortForm, LinkForm, PlacementForm, ProgrammeForm, ProgrammeSkillsForm, TraineeForm

bp = gate(Blueprint("institutions", __name__, url_prefix="/institutions"), "institution")
bp.record_once(install)


def institution() -> Institution:
    """The signed-in user's institution; an institution account without one sees nothing."""
    if current_user.institution is None:
        raise NotFound("You do not belong to an institution.")
    return current_user.institution


@bp.get("/")
def dashboard():
    return _dashboard(ProgrammeForm(formdata=None), _cohort_form(formdata=None))


def _cohort_form(**kwargs) -> CohortForm:
    form = CohortForm(**kwargs)
    if kwargs.get("formdata", True) is None:
        form.region.data = institution().region.slug
    return form


def _dashboard(programme_form: ProgrammeForm, cohort_form: CohortForm, status: int = 200):
    inst = institution()
    programmes = training.list_programmes(db.session, inst)
    return render_template("institutions/dashboard.html", institution=inst, programmes=programmes,
                           cohorts=training.list_cohorts(db.session, inst),
                           counts=training.cohort_counts(db.session, inst), programme_form=programme_form,
                           cohort_form=cohort_form, skills_form=ProgrammeSkillsForm(formdata=None),
                           skills_of=programme_skills.skills_by_programme(db.session, inst)), status


@bp.post("/programmes")
def programme_add():
    form = ProgrammeForm()
    if form.validate_on_submit():
        ok, _programme = saved(form, lambda: training.save_programme(db.session, institution(), {
            name: form[name].data for name in ("programme_name", "field", "funding_programme")}))
        if ok:
            flash(_("The programme is saved."), "success")
            return redirect(url_for(".dashboard"))
    return _dashboard(form, _cohort_form(formdata=None), 422)


@bp.post("/programmes/<int:programme_id>/skills")
def programme_skills_save(programme_id: int):
    """Replace a programme's skills; an unknown skill is named in the message and nothing changes."""
    form = ProgrammeSkillsForm()
    if form.validate_on_submit():
        ok, _skills = saved(form, lambda: programme_skills.set_programme_skills(
            db.session, institution(), programme_id, form.skills.data or ""))
        if ok:
            flash(_("The programme's skills are saved."), "success")
            return redirect(url_for(".dashboard"))
        for error in form.skills.errors:
            flash(error, "error")
    return _dashboard(ProgrammeForm(formdata=None), _cohort_form(formdata=None), 422)


@bp.post("/cohorts")
def cohort_add():
    form = _cohort_form()
    if form.validate_on_submit():
        ok, cohort = saved(form, lambda: training.save_cohort(db.session, institution(), {
            name: form[name].data for name in ("cohort_code", "programme_name", "region", "start_date", "end_date",
                                               "capacity", "budget_krw", "funding_source")}))
        if ok:
            flash(_("The cohort is saved."), "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    return _dashboard(ProgrammeForm(formdata=None), form, 422)


@bp.get("/cohorts/<int:cohort_id>")
def cohort(cohort_id: int):
    return _cohort_page(cohort_id, TraineeForm(formdata=None))


def _cohort_page(cohort_id: int, trainee_form: TraineeForm, status: int = 200, link_errors=None,
                 placement_form: PlacementForm | None = None):
    inst = institution()
    found = training.get_cohort(db.session, inst, cohort_id)
    trainees = training.list_enrollments(db.session, inst, cohort_id=found.id)
    consents = trainee_links.consents(db.session, [t.seeker_user_id for t in trainees])
    if placement_form is None:
        placement_form = PlacementForm(formdata=None)
        placement_form.region.data = found.region.slug
    _placement_choices(placement_form, trainees)
    jobs = sorted((p for t in trainees for p in t.placements), key=lambda p: (p.start_date, p.id))
    return render_template("institutions/cohort.html", cohort=found, trainees=trainees, consents=consents,
                           trainee_form=trainee_form, link_form=LinkForm(formdata=None),
                           link_errors=link_errors or {}, placement_form=placement_form,
                           placements=jobs, funding_labels=dict(choices.FUNDING_SOURCES)), status


def _placement_choices(form: PlacementForm, trainees) -> None:
    form.trainee_ref.choices = [(t.trainee_ref, f"{t.trainee_ref} · {t.name or '—'}") for t in trainees]


@bp.post("/cohorts/<int:cohort_id>/placements")
def placement_add(cohort_id: int):
    """Report one job of a trainee of this cohort (placements.csv does the same for many)."""
    inst = institution()
    found = training.get_cohort(db.session, inst, cohort_id)
    form = PlacementForm()
    _placement_choices(form, training.list_enrollments(db.session, inst, cohort_id=found.id))
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("trainee_ref", "employer_name", "job_title", "region",
                                                   "start_date", "annual_wage_krw", "employment_type", "in_field",
                                                   "source")}
        ok, _placement = saved(form, lambda: placements.record_placement(db.session, inst, data))
        if ok:
            flash(_("The placement is recorded."), "success")
            return redirect(url_for(".cohort", cohort_id=cohort_id) + "#placements")
    return _cohort_page(cohort_id, TraineeForm(formdata=None), 422, placement_form=form)


@bp.post("/cohorts/<int:cohort_id>/trainees")
def trainee_add(cohort_id: int):
    found = training.get_cohort(db.session, institution(), cohort_id)
    form = TraineeForm()
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("trainee_ref", "name", "email", "status", "completion_date",
                                                   "excluded_reason")}
        ok, _enrollment = saved(form, lambda: training.save_enrollment(db.session, institution(),
                                                                       {**data, "cohort_code": found.code}))
        if ok:
            flash(_("The trainee is added."), "success")
            return redirect(url_for(".cohort", cohort_id=cohort_id))
    return _cohort_page(cohort_id, form, 422)


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:enrollment_id>/link")
def trainee_link(cohort_id: int, enrollment_id: int):
    """Link a trainee to their seeker account: only when that seeker agreed to share outcomes."""
    form = LinkForm()
    if form.validate_on_submit():
        ok, _linked = saved(form, lambda: trainee_links.link(db.session, institution(), enrollment_id,
                                                             form.email.data, actor=current_user))
        if not ok:
            return _cohort_page(cohort_id, TraineeForm(formdata=None), 422,
                                link_errors={enrollment_id: form.email.errors})
        flash(_("The trainee is linked to their seeker account."), "success")
    return redirect(url_for(".cohort", cohort_id=cohort_id) + f"#trainee-{enrollment_id}")


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:enrollment_id>/unlink")
def trainee_unlink(cohort_id: int, enrollment_id: int):
    training.get_cohort(db.session, institution(), cohort_id)  # another institution's cohort is 404 here too
    if LinkForm().validate_on_submit():
        trainee_links.unlink(db.session, institution(), enrollment_id, actor=current_user)
        db.session.commit()
        flash(_("The link to the seeker account is removed."), "success")
    return redirect(url_for(".cohort", cohort_id=cohort_id) + f"#trainee-{enrollment_id}")


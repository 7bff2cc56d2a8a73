"""Employers (SMEs): postings, ranked candidates, the application pipeline, the company profile."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...services import audit
from ...services.hiring import applications, companies, interactions, postings, profiles
from ...services.matching import pipeline as matching
from ..access import gate
from ..engine import search_engine
from ..forms import ButtonForm, saved
from ..recorded import render_recorded
from ..seekers.forms import skills_text
from .forms import CompanyForm, InviteForm, PostingForm

bp = gate(Blueprint("employers", __name__, url_prefix="/employers"), "employer")

EMPLOYER_MOVES = ("reviewing", "interview", "offer", "hired", "rejected")


@bp.get("/")
def dashboard():
    company = companies.company_of(db.session, current_user)
    summaries = postings.list_for_company(db.session, current_user)
    return render_template("employers/dashboard.html", company=company, summaries=summaries)


@bp.route("/postings/new", methods=["GET", "POST"])
def posting_new():
    company = companies.company_of(db.session, current_user)
    form = PostingForm() if request.method == "POST" else PostingForm(data={"region": company.region.slug,
                                                                            "openings": 1, "min_experience": 0})
    if form.validate_on_submit():
        ok, posting = saved(form, lambda: postings.create(db.session, search_engine(), current_user, _posting_data(form)))
        if ok:
            flash(_("The posting is saved."), "success")
            return redirect(url_for(".posting", posting_id=posting.id))
    return render_template("employers/posting_form.html", form=form, posting=None), \
        422 if request.method == "POST" else 200


@bp.route("/postings/<int:posting_id>/edit", methods=["GET", "POST"])
def posting_edit(posting_id: int):
    posting = postings.get_for_edit(db.session, current_user, posting_id)
    form = PostingForm() if request.method == "POST" else PostingForm(data=_posting_form_data(posting))
    if form.validate_on_submit():
        ok, _posting = saved(form, lambda: postings.update(db.session, search_engine(), current_user, posting_id,
                                                           _posting_data(form)))
        if ok:
            flash(_("The posting is saved."), "success")
            return redirect(url_for(".posting", posting_id=posting_id))
    return render_template("employers/posting_form.html", form=form, posting=posting), \
        422 if request.method == "POST" else 200


def _posting_data(form: PostingForm) -> dict:
    return {field: form[field].data for field in postings.FIELDS}


def _posting_form_data(posting) -> dict:
    return {
        "title": posting.title, "description": posting.description,
        "required_skills": skills_text(posting.required_skills, str(get_locale())),
        "preferred_skills": skills_text(posting.preferred_skills, str(get_locale())),
        "min_experience": posting.min_experience, "salary_min": posting.salary_min or "",
        "salary_max": posting.salary_max or "", "employment_type": posting.employment_type,
        "work_mode": posting.work_mode, "region": posting.region.slug, "city": posting.city,
        "openings": posting.openings, "deadline": posting.deadline.isoformat() if posting.deadline else "",
        "status": posting.status,
    }


@bp.get("/postings/<int:posting_id>")
def posting(posting_id: int):
    """The posting, its ranked candidates (discoverable, in its region) and its application pipeline."""
    item = postings.get_for_edit(db.session, current_user, posting_id)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    result = matching.for_posting(db.session, search_engine(), item, filters={}, sort="score", page=page,
                                  per_page=current_app.config["MATCH_PAGE_SIZE"],
                                  weights=current_app.config["MATCH_WEIGHTS"])
    pipeline = applications.for_posting(db.session, current_user, posting_id)
    contact = {a.profile_id: applications.may_see_contact(db.session, current_user, a.profile) for a in pipeline}
    audit.record_candidates_listed(db.session, current_user, item.id, [m.entity.id for m in result.items],
                                   [profile_id for profile_id, shown in contact.items() if shown], via="web",
                                   page=result.page)
    interactions.record_shown(db.session, current_user, result, sort="score", posting_id=item.id)
    return render_recorded(
        "employers/posting.html", posting=item, status=postings.effective_status(item), result=result,
        in_pipeline={a.profile_id for a in pipeline}, pipeline=pipeline,
        moves={a.id: applications.moves_for("employer", a.status) for a in pipeline}, contact=contact)


@bp.get("/postings/<int:posting_id>/candidates/<int:profile_id>")
def candidate(posting_id: int, profile_id: int):
    """One candidate's profile; the view is recorded in the audit trail (ids only)."""
    item = postings.get_for_edit(db.session, current_user, posting_id)
    profile = profiles.view_candidate(db.session, current_user, posting_id, profile_id)
    application = next((a for a in applications.for_posting(db.session, current_user, posting_id)
                        if a.profile_id == profile.id), None)
    return render_recorded(
        "employers/candidate.html", posting=item, profile=profile, application=application,
        show_contact=applications.may_see_contact(db.session, current_user, profile),
        invite_form=InviteForm(),
        moves=applications.moves_for("employer", application.status) if application else ())


@bp.post("/postings/<int:posting_id>/invite/<int:profile_id>")
def invite(posting_id: int, profile_id: int):
    form = InviteForm()
    if form.validate_on_submit():
        ok, _invited = saved(None, lambda: applications.invite(db.session, current_user, posting_id, profile_id,
                                                               form.note.data or ""))
        if ok:
            flash(_("The invitation is sent. The candidate's contact details appear once they accept."), "success")
    return redirect(url_for(".posting", posting_id=posting_id))


@bp.post("/applications/<int:application_id>/<status>")
def move(application_id: int, status: str):
    if status not in EMPLOYER_MOVES:
        abort(404)
    application = applications.get(db.session, current_user, application_id)
    if ButtonForm().validate_on_submit():
        applications.transition(db.session, current_user, application_id, status)
        db.session.commit()
        flash(_("The application is updated."), "success")
    return redirect(url_for(".posting", posting_id=application.posting_id) + "#pipeline")


@bp.route("/company", methods=["GET", "POST"])
def company():
    company = companies.company_of(db.session, current_user)
    form = CompanyForm() if request.method == "POST" else CompanyForm(data={
        "name": company.name, "region": company.region.slug, "industry": company.industry, "size": company.size})
    if form.validate_on_submit():
        ok, _company = saved(form, lambda: companies.update(
            db.session, current_user, {f: form[f].data for f in ("name", "region", "industry", "size")}))
        if ok:
            flash(_("The company profile is saved."), "success")
            return redirect(url_for(".company"))
    return render_template("employers/company.html", form=form, company=company), \
        422 if request.method == "POST" else 200

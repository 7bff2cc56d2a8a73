"""Job seekers: matches, profile, CV, postings and applications. Views parse, call a service, render."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...services import validation as v
from ...services.errors import ValidationFailed
from ...services.hiring import applications, cv, interactions, postings, profiles, track_record
from ...services.matching import pipeline as matching
from ...services.reference.regions import all_regions
from ..access import gate
from ..engine import search_engine
from ..forms import ButtonForm, apply_errors, is_safe_redirect, saved
from ..recorded import render_recorded
from .forms import ApplyForm, CvReviewForm, CvUploadForm, MatchFilterForm, ProfileForm, RateForm, skills_text

bp = gate(Blueprint("seekers", __name__, url_prefix="/seekers"), "seeker")

SEEKER_MOVES = ("applied", "withdrawn")  # accept an invitation; decline or withdraw


def _profile():
    return profiles.profile_of(db.session, current_user)


@bp.get("/")
def matches():
    profile = _profile()
    steps = profiles.profile_steps(profile)
    if not profiles.has_something_to_match(profile):  # a first visit: the profile first, no rough matches
        return render_template("seekers/matches.html", steps=steps, result=None, profile=profile)
    form = MatchFilterForm(request.args)
    filters, sort = _filters(form)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    result = matching.for_profile(db.session, search_engine(), profile, filters=filters, sort=sort, page=page,
                                  per_page=current_app.config["MATCH_PAGE_SIZE"],
                                  weights=current_app.config["MATCH_WEIGHTS"])
    interactions.record_shown(db.session, current_user, result, sort=sort, profile_id=profile.id)
    return render_recorded("seekers/matches.html", form=form, result=result, profile=profile, steps=steps,
                           regions={r.slug: r for r in all_regions(db.session)}, page_args=_page_args())


def _filters(form: MatchFilterForm) -> tuple[dict, str]:
    """The filters the matching service understands; a bad value is shown beside its field and ignored."""
    filters: dict = {}
    if form.employment_type.data:
        filters["employment_type"] = form.employment_type.data
    if form.work_mode.data:
        filters["work_mode"] = form.work_mode.data
    errors = v.ErrorCollector()
    salary = errors.check(v.clean_int, form.salary_min.data, "salary_min", minimum=0, maximum=v.MAX_SALARY_KRW)
    if salary:
        filters["salary_min"] = salary
    skills = errors.check(v.clean_label_list, form.skills.data, "skills", max_items=20)
    if skills:
        filters["skills"] = skills
    if errors.errors:
        apply_errors(form, ValidationFailed(errors.errors))
    sort = form.sort.data if form.sort.data in dict(form.sort.choices) else "score"
    return filters, sort


def _page_args() -> dict:
    return {key: value for key, value in request.args.items() if key != "page" and value}


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    profile = _profile()
    form = ProfileForm() if request.method == "POST" else ProfileForm(data=_profile_data(profile))
    form.add_skills.choices = _suggestions(profile, "\n".join((profile.headline, profile.summary, profile.cv_text)))
    suggestions = dict(form.add_skills.choices)
    if form.validate_on_submit():
        data = {field: form[field].data for field in profiles.FIELDS}
        ticked = [label for label in (form.add_skills.data or []) if label in suggestions]
        data["skills"] = ",".join([form.skills.data or "", *ticked])
        ok, _profile_saved = saved(form, lambda: profiles.save_profile(
            db.session, search_engine(), current_user, data, consent_version=current_app.config["CONSENT_VERSION"]))
        if ok:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".profile"))
    status = 422 if request.method == "POST" else 200
    return render_template("seekers/profile.html", form=form, profile=profile,
                           steps=profiles.profile_steps(profile)), status


def _profile_data(profile) -> dict:
    return {
        "kind": profile.kind, "home_region": profile.home_region.slug,
        "accepted_regions": [r.slug for r in profile.accepted_regions], "headline": profile.headline,
        "summary": profile.summary, "skills": skills_text(profile.skills, str(get_locale())),
        "years_experience": profile.years_experience, "education": profile.education,
        "certifications": profile.certifications, "desired_roles": profile.desired_roles,
        "desired_salary_min": profile.desired_salary_min or "", "desired_salary_max": profile.desired_salary_max or "",
        "work_mode": profile.work_mode or "", "phone": current_user.phone or "", "discoverable": profile.discoverable,
    }


def _suggestions(profile, text: str) -> list[tuple[str, str]]:
    """Skills the taxonomy finds in the text and the profile lacks: (stored label, name in the page's language)."""
    locale = str(get_locale())
    return [(ref.name_en, ref.name(locale)) for ref in profiles.suggest_skills(db.session, profile, text)]


@bp.route("/cv", methods=["GET", "POST"])
def cv_upload():
    """Step one: read the file and show its text. Nothing is saved until the seeker confirms it."""
    profile = _profile()
    form = CvUploadForm()
    if form.validate_on_submit():
        upload = request.files.get("cv")
        try:
            if upload is None or not upload.filename:
                raise ValidationFailed({"cv": [_("Choose a PDF or DOCX file.")]})
            text = cv.extract_text(upload.filename, upload.read(cv.MAX_BYTES + 1))
        except ValidationFailed as exc:
            apply_errors(form, exc)
            return render_template("seekers/cv_upload.html", form=form, profile=profile), 422
        review = CvReviewForm(formdata=None, cv_text=text)
        review.add_skills.choices = _suggestions(profile, text)
        return render_template("seekers/cv_review.html", form=review)
    return render_template("seekers/cv_upload.html", form=form, profile=profile)


@bp.post("/cv/save")
def cv_save():
    """Step two: keep the reviewed text (and the ticked skills), then re-index the profile."""
    profile = _profile()
    form = CvReviewForm()
    form.add_skills.choices = _suggestions(profile, form.cv_text.data or "")
    suggestions = dict(form.add_skills.choices)
    if form.validate_on_submit():
        ok, _cv = saved(form, lambda: profiles.save_cv_text(
            db.session, search_engine(), current_user, form.cv_text.data,
            [s for s in (form.add_skills.data or []) if s in suggestions]))
        if ok:
            flash(_("Your CV text is saved and your matches will use it."), "success")
            return redirect(url_for(".profile"))
    return render_template("seekers/cv_review.html", form=form), 422


@bp.get("/postings/<int:posting_id>")
def posting(posting_id: int):
    profile = _profile()
    item = postings.get_visible(db.session, current_user, posting_id)
    interactions.record(db.session, "opened", "seeker", profile.id, item.id, viewer_id=current_user.id)
    application = next((a for a in applications.for_seeker(db.session, current_user) if a.posting_id == item.id),
                       None)
    held = {s.skill_id for s in profile.skills if s.skill_id} | {s.label for s in profile.skills}
    record = track_record.records(db.session, [item.company_id], postings.today_in_korea())[item.company_id]
    return render_recorded("seekers/posting.html", posting=item, status=postings.effective_status(item),
                           application=application, apply_form=ApplyForm(), held=held, record=record,
                           record_threshold=track_record.THRESHOLD,
                           regional_reason=track_record.regional_reason(item.company, profile),
                           moves=applications.moves_for("seeker", application.status) if application else ())


@bp.post("/postings/<int:posting_id>/apply")
def apply(posting_id: int):
    form = ApplyForm()
    if form.validate_on_submit():
        ok, _application = saved(None, lambda: applications.apply(db.session, current_user, posting_id,
                                                                  form.note.data or ""))
        if ok:
            flash(_("Your application is sent. You can follow it under Applications."), "success")
    return redirect(url_for(".posting", posting_id=posting_id))


@bp.post("/postings/<int:posting_id>/hide")
def hide(posting_id: int):
    if ButtonForm().validate_on_submit():
        matching.hide_posting(db.session, _profile(), postings.get_visible(db.session, current_user, posting_id))
        db.session.commit()
        flash(_("That posting will not be shown to you again."), "info")
    return redirect(url_for(".matches", **_page_args()))


@bp.post("/postings/<int:posting_id>/rate")
def rate(posting_id: int):
    form = RateForm()
    if form.validate_on_submit():
        try:
            score = float(form.score.data) if form.score.data else None
        except ValueError:
            score = None
        matching.rate_match(db.session, _profile(), postings.get_visible(db.session, current_user, posting_id),
                            int(form.rating.data), score)
        db.session.commit()
        flash(_("Thank you: your rating helps us improve the matches."), "success")
    return redirect(url_for(".matches", **_page_args()))


@bp.get("/applications", endpoint="applications")
def applications_list():
    items = applications.for_seeker(db.session, current_user)
    return render_template("seekers/applications.html", applications=items,
                           moves={a.id: applications.moves_for("seeker", a.status) for a in items})


@bp.post("/applications/<int:application_id>/<status>")
def move(application_id: int, status: str):
    if status not in SEEKER_MOVES:
        abort(404)
    if ButtonForm().validate_on_submit():
        applications.transition(db.session, current_user, application_id, status)
        db.session.commit()
        flash(_("Your application is updated."), "success")
    target = request.form.get("next")
    return redirect(target if is_safe_redirect(target) else url_for(".applications"))

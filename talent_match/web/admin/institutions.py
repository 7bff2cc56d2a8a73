"""A region's list of training institutions, kept by its operator (the admin keeps every region's): add one, correct
a name or kind. Rules in services.training.institutions."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...services.accounts import operators
from ...services.training import institutions as listing
from .. import choices
from ..access import allow
from ..forms import saved
from .forms import InstitutionEditForm, InstitutionForm
from .routes import OFFICE, bp, region_asked


@bp.get("/institutions")
@allow(*OFFICE)
def institutions():
    region = region_asked()
    return _page(InstitutionForm(formdata=None, region=region.slug if region else None), region)


@bp.post("/institutions")
@allow(*OFFICE)
def institution_add():
    form = InstitutionForm()
    if form.validate_on_submit():
        ok, added = saved(form, lambda: listing.add(db.session, current_user, form.data))
        if ok:
            flash(_("%(name)s is added to the region's institutions.", name=added.name), "success")
            return redirect(url_for(".institutions", region=added.region.slug))
    return _page(form, region_asked()), 422


@bp.post("/institutions/<int:institution_id>")
@allow(*OFFICE)
def institution_edit(institution_id: int):
    form = InstitutionEditForm()
    if form.validate_on_submit():
        ok, changed = saved(None, lambda: listing.update(db.session, current_user, institution_id, form.data))
        if ok:
            flash(_("%(name)s is saved.", name=changed.name), "success")
            return redirect(url_for(".institutions", region=changed.region.slug))
    return redirect(url_for(".institutions"))


def _page(form: InstitutionForm, region):
    """The list (one region's, or every region's for the admin who chose none) with the form to add one."""
    own = current_user.region.slug if operators.jurisdiction(current_user) is not None else None
    form.region.choices = [(slug, name) for slug, name in choices.regions() if own in (None, slug)]
    return render_template("admin/institutions.html", listed=listing.listed(db.session, region), region=region,
                           form=form, edit_form=InstitutionEditForm(formdata=None))

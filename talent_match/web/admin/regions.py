"""One region as its office sees it: the public figures with the institution-by-institution breakdown (the same
suppressed release as the public page, plus the share still unknown at 12 months), its exports (CSV, XLSX, a
printable page) and the skills the office watches."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import Region
from ...services import audit
from ...services.accounts import operators
from ...services.outcomes import readiness, releases, watch_list
from ...services.transfers import exports
from ..access import allow
from ..figures import as_of_from_request, locale
from ..forms import saved
from ..institutions.transfers import FORMATS, download
from ..regional import context
from .forms import UnwatchForm, WatchForm
from .routes import OFFICE, bp


@bp.get("/regions/<slug>")
@allow(*OFFICE)
def region(slug: str):
    return _page(_in_charge(slug), WatchForm(formdata=None))


@bp.get("/regions/<slug>/print")
@allow(*OFFICE)
def region_print(slug: str):
    return render_template("admin/region_print.html", **_figures(_in_charge(slug)))


@bp.get("/regions/<slug>/institutions.<file_format>")
@allow(*OFFICE)
def region_export(slug: str, file_format: str):
    """The institutions' table as published (suppressed already), one row each and the region's total; audited."""
    if file_format not in FORMATS:
        abort(404)
    found = _in_charge(slug)
    table = releases.institutions_table(releases.release(db.session, as_of_from_request()), found.slug)
    rows = exports.outcome_rows(table, public=False)  # public=True would suppress the release's figures again
    audit.record_export(db.session, current_user, "region_institutions", file_format, len(rows),
                        object_type="region", object_id=found.id, details={"as_of": table.as_of.isoformat()})
    db.session.commit()
    body = exports.to_csv(rows) if file_format == "csv" else exports.to_xlsx(rows)
    return download(body, file_format, f"{found.slug}-institutions-{table.as_of.isoformat()}.{file_format}")


@bp.post("/regions/<slug>/watch")
@allow(*OFFICE)
def watch_add(slug: str):
    form = WatchForm()
    if form.validate_on_submit():
        ok, skill = saved(form, lambda: watch_list.follow(db.session, current_user, slug, form.skill.data))
        if ok:
            flash(_("%(skill)s is on the watch-list.", skill=skill.name(locale())), "success")
            return redirect(url_for(".region", slug=slug))
    return _page(_in_charge(slug), form), 422


@bp.post("/regions/<slug>/watch/remove")
@allow(*OFFICE)
def watch_remove(slug: str):
    form = UnwatchForm()
    if form.validate_on_submit():
        saved(None, lambda: watch_list.unfollow(db.session, current_user, slug, form.skill.data))
    return redirect(url_for(".region", slug=slug))


def _in_charge(slug: str) -> Region:
    return operators.region_in_charge(db.session, current_user, slug)


def _figures(found: Region) -> dict:
    watched = watch_list.watched(db.session, found)
    data = context.region(found.slug, as_of_from_request(), with_unknowns=True,
                          watched=[skill.id for skill in watched], by_institution=True)
    return {**data, "watched": watched, "readiness": readiness.for_region(db.session, found.id),
            "programme_costs": releases.programme_costs(db.session, releases.release(db.session, data["as_of"]),
                                                        found)}


def _page(found: Region, form: WatchForm):
    return render_template("admin/region.html", watch_form=form, unwatch_form=UnwatchForm(), **_figures(found))

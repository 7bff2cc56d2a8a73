"""The skills taxonomy editor: search, add a skill, add or remove an alias. Every rule (slug shape, one skill per
label, names cannot be removed) lives in services.reference.taxonomy; its errors are shown beside the field they name."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Skill
from ...services.reference import taxonomy
from ..forms import saved
from .forms import AliasForm, RemoveAliasForm, SkillForm
from .routes import bp

RECENT = 25


@bp.get("/skills")
def skills():
    """Search by any name (Korean or English, half-typed Hangul too); without a query, the newest skills."""
    query = (request.args.get("q") or "").strip()[:100]
    return _skills_page(SkillForm(formdata=None), query)


@bp.post("/skills")
def skill_add():
    form = SkillForm()
    if form.validate_on_submit():
        aliases = [a.strip() for a in (form.aliases.data or "").split(",") if a.strip()]
        ok, skill = saved(form, lambda: taxonomy.add_skill(db.session, form.slug.data, form.name_en.data,
                                                           form.name_ko.data, form.category.data, aliases))
        if ok:
            flash(_("The skill %(slug)s is added.", slug=skill.slug), "success")
            return redirect(url_for(".skill", slug=skill.slug))
    return _skills_page(form, ""), 422


def _skills_page(form: SkillForm, query: str):
    snapshot = taxonomy.Taxonomy.from_session(db.session)
    if query:
        found = snapshot.search(query, limit=30)
    else:
        found = sorted(snapshot.skills.values(), key=lambda ref: -(ref.id or 0))[:RECENT]
    return render_template("admin/skills.html", form=form, q=query, skills=found, total=len(snapshot))


@bp.get("/skills/<slug>")
def skill(slug: str):
    return _skill_page(slug, AliasForm(formdata=None))


@bp.post("/skills/<slug>/aliases")
def alias_add(slug: str):
    form = AliasForm()
    if form.validate_on_submit():
        ok, _alias = saved(form, lambda: taxonomy.add_alias(db.session, slug, form.aliases.data or "",
                                                            form.lang.data or None))
        if ok:
            flash(_("The alias is added."), "success")
            return redirect(url_for(".skill", slug=slug))
    return _skill_page(slug, form), 422


@bp.post("/skills/<slug>/aliases/remove")
def alias_remove(slug: str):
    form = RemoveAliasForm()
    if form.validate_on_submit():
        ok, _removed = saved(None, lambda: taxonomy.remove_alias(db.session, slug, form.alias.data or ""))
        if ok:
            flash(_("The alias is removed."), "success")
    return redirect(url_for(".skill", slug=slug))


def _skill_page(slug: str, form: AliasForm):
    row = db.session.scalar(select(Skill).where(Skill.slug == slug))
    if row is None:
        abort(404)
    snapshot = taxonomy.Taxonomy.from_session(db.session)
    names = {row.name_en, row.name_ko}
    aliases = [(alias.alias, alias.lang, alias.alias in names) for alias in sorted(row.aliases, key=lambda a: a.id)]
    return render_template("admin/skill.html", skill=row, aliases=aliases, form=form, remove_form=RemoveAliasForm(),
                           parent=snapshot.skills[slug].parent if slug in snapshot else None)

"""The answer page of an emailed follow-up question: no sign-in, the signed link is the key.

Opening the link only shows the question (mail scanners open links too); the posted form answers, once. A used,
altered or expired link gets a page saying which, and changes nothing.
"""
from flask import Blueprint, current_app, g, render_template

from ...extensions import configured_limit, db, limiter
from ...services.hiring.postings import today_in_korea
from ...services.training import answers, readiness
from ...services.training.outreach import ANSWER_PATH, LINK_DAYS, READINESS, Links
from ..access import PUBLIC, gate
from ..forms import saved
from ..figures import locale
from .forms import FORMS, readiness_form

bp = gate(Blueprint("answers", __name__), PUBLIC)

REFUSED_STATUS = {"invalid": 404, "used": 410, "expired": 410}


_answer_limit = configured_limit("ANSWER_RATE_LIMIT")


@bp.route(f"{ANSWER_PATH}<token>", methods=["GET", "POST"])
@limiter.limit(_answer_limit, methods=["POST"])
def answer(token: str):
    g.personal_page = True  # it names a person: never cached
    links = Links.of(current_app.config)
    try:
        asked = answers.open_request(db.session, links, token)
        if asked.audience == READINESS:
            return _readiness(links, token, asked)
        form = FORMS[asked.audience]()
        if not form.validate_on_submit():
            return render_template("answers/question.html", form=form, question=answers.question(asked))
        ok, _follow_up = saved(form, lambda: answers.answer(db.session, links, token, form.data,
                                                            today=today_in_korea()))
    except answers.LinkRefused as refused:
        db.session.rollback()
        return (render_template("answers/refused.html", reason=refused.reason, link_days=LINK_DAYS),
                REFUSED_STATUS[refused.reason])
    if ok:
        return render_template("answers/thanks.html")
    return render_template("answers/question.html", form=form, question=answers.question(asked)), 422


def _readiness(links: Links, token: str, asked):
    """The readiness question: one 1-4 choice per skill and a line of text; LinkRefused goes up to the caller."""
    question = readiness.question(db.session, asked)
    form = readiness_form(question.skills, locale())
    if not form.validate_on_submit():
        return render_template("answers/readiness.html", form=form, question=question)
    ok, _answer = saved(form, lambda: readiness.answer(db.session, links, token, form.data, today=today_in_korea()))
    if ok:
        return render_template("answers/thanks.html")
    return render_template("answers/readiness.html", form=form, question=question), 422

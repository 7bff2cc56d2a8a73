"""The notification page: what is new for the person, the same list their digest mail would carry (from
services.digests.whats_new, so the two never differ), whether or not they chose the mail."""
from datetime import datetime

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from ...extensions import db
from ...models.base import utcnow
from ...services import audit
from ...services.digests import schedule, whats_new
from ...services.reference.regions import all_regions
from ..access import allow
from ..engine import search_engine
from ..forms import ButtonForm
from ..recorded import render_recorded
from .routes import bp

AUDIENCE = ("seeker", "employer", "institution")


def new_count(user) -> int:
    """The number beside the "Notifications" link: what the page would list, counted without ranking."""
    return whats_new.count(db.session, user)


@bp.get("/notifications")
@allow(*AUDIENCE)
def notifications():
    found = whats_new.gather(db.session, search_engine(), current_user, utcnow(),
                             size=current_app.config["DIGEST_SIZE"], weights=current_app.config["MATCH_WEIGHTS"])
    for posting, page in found.candidates:  # as the posting's own page does: who was shown to whom
        audit.record_candidates_listed(db.session, current_user, posting.id, [m.entity.id for m in page.items], [],
                                       via="notifications")
    return render_recorded("account/notifications.html", news=found,
                           mailed=schedule.preference_of(current_user) is not None,
                           regions={r.slug: r for r in all_regions(db.session)})


@bp.post("/notifications/seen")
@allow(*AUDIENCE)
def notifications_seen():
    """Up to the moment the page was shown (its form says when), so nothing that arrived since is skipped."""
    try:
        until = datetime.fromisoformat(request.form.get("until", ""))
    except ValueError:
        until = None
    if ButtonForm().validate_on_submit() and until is not None and until.tzinfo is not None:
        whats_new.mark_seen(current_user, until)
        db.session.commit()
    return redirect(url_for(".notifications"))

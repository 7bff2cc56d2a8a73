"""Blueprints for people, one per audience."""
from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l

from .access import enforce

# Navigation per role; a link appears once its blueprint is registered.
NAV = {
    "seeker": [("seekers.matches", _l("My matches")), ("seekers.profile", _l("My profile")),
               ("seekers.applications", _l("Applications")), ("account.notifications", _l("Notifications")),
               ("account.overview", _l("Account")), ("privacy.overview", _l("Privacy"))],
    "employer": [("employers.dashboard", _l("Postings")), ("employers.company", _l("Company")),
                 ("confirmations.due", _l("Follow-ups")), ("account.notifications", _l("Notifications")),
                 ("account.overview", _l("Account")), ("privacy.overview", _l("Privacy"))],
    "institution": [("institutions.dashboard", _l("Cohorts")), ("institutions.imports", _l("Import")),
                    ("institutions.report", _l("Outcomes")), ("institutions.followups_due", _l("Follow-ups")),
                    ("account.notifications", _l("Notifications")), ("account.overview", _l("Account")),
                    ("privacy.overview", _l("Privacy"))],
    "operator": [("admin.home", _l("My region")), ("admin.company_list", _l("Companies")),
                 ("admin.institutions", _l("Institutions")), ("admin.audit", _l("Audit log")),
                 ("account.overview", _l("Account")), ("privacy.overview", _l("Privacy"))],
    "visitor": [("public.index", _l("Home")), ("regional.index", _l("Regional figures")),
                ("api_docs.page", _l("API documentation"))],
    "admin": [("admin.dashboard", _l("Regions")), ("admin.company_list", _l("Companies")),
              ("admin.skills", _l("Skills")), ("admin.jobs", _l("Jobs")), ("admin.outbox", _l("Outbox")),
              ("admin.operator_list", _l("Operators")), ("admin.audit", _l("Audit log")),
              ("account.overview", _l("Account")), ("privacy.overview", _l("Privacy"))],
}


def _menu(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the user's menu, the visitor's when signed out; a link appears once its view exists."""
    role = user.role if user.is_authenticated else "visitor"
    return [(endpoint, label) for endpoint, label in NAV.get(role, []) if endpoint in current_app.view_functions]


def nav_links(user):
    """(endpoint, label, count): count is how many things wait for the user there (None where nothing is counted);
    the counters are asked on every page, so each must be cheap."""
    counters = current_app.extensions.get("nav_counters", {})
    return [(endpoint, label, counters[endpoint](user) if endpoint in counters else None)
            for endpoint, label in _menu(user)]


def breadcrumb_trail(user) -> list[tuple[str, str]]:
    """The links above this page: home, then the navigation section whose address this page's address extends
    (the longest such). Empty on a home page itself, where a trail would only repeat the page. Reads the menu
    without its counts: the header has asked the counters already."""
    links = [(label, url_for(endpoint)) for endpoint, label in _menu(user)]
    home = links[0] if links else None
    if request.endpoint in ("public.index", None) or home is None or request.path == home[1]:
        return []
    sections = [(label, url) for label, url in links[1:]
                if url != "/" and request.path.startswith(url.rstrip("/")) and request.path != url]
    return [home] + sorted(sections, key=lambda link: len(link[1]))[-1:]


def register_blueprints(app: Flask) -> None:
    from . import (account, admin, answers, auth, choices, confirmations, employers, institutions, privacy, public,
                   regional, seekers)

    app.before_request(enforce)
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.globals["breadcrumb_trail"] = breadcrumb_trail
    app.jinja_env.globals["code_label"] = choices.code_label
    app.extensions["nav_counters"] = {"confirmations.due": confirmations.waiting_count,
                                      "institutions.followups_due": institutions.followups.waiting_count,
                                      "account.notifications": account.new_count}
    for blueprint in (public.bp, auth.bp, account.bp, seekers.bp, employers.bp, institutions.bp, admin.bp,
                      regional.bp, confirmations.bp, answers.bp, privacy.bp):
        app.register_blueprint(blueprint)

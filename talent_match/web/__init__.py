"""Blueprints for people, one per audience."""
from flask import Flask, current_app
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
    "admin": [("admin.dashboard", _l("Regions")), ("admin.skills", _l("Skills")), ("admin.jobs", _l("Jobs")),
              ("admin.outbox", _l("Outbox")), ("admin.operator_list", _l("Operators")),
              ("admin.audit", _l("Audit log")), ("privacy.overview", _l("Privacy"))],
}


def nav_links(user):
    """(endpoint, label, count): count is how many things wait for the user there (None where nothing is counted);
    the counters are asked on every page, so each must be cheap."""
    counters = current_app.extensions.get("nav_counters", {})
    return [(endpoint, label, counters[endpoint](user) if endpoint in counters else None)
            for endpoint, label in NAV.get(user.role, []) if endpoint in current_app.view_functions]


def register_blueprints(app: Flask) -> None:
    from . import (account, admin, answers, auth, confirmations, employers, institutions, privacy, public, regional,
                   seekers)

    app.before_request(enforce)
    app.jinja_env.globals["nav_links"] = nav_links
    app.extensions["nav_counters"] = {"confirmations.due": confirmations.waiting_count,
                                      "account.notifications": account.new_count}
    for blueprint in (public.bp, auth.bp, account.bp, seekers.bp, employers.bp, institutions.bp, admin.bp,
                      regional.bp, confirmations.bp, answers.bp, privacy.bp):
        app.register_blueprint(blueprint)

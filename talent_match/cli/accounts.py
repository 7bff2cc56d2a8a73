"""Account commands for operators."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..models import ROLES
from ..services.accounts import consent
from ..services.accounts import users as accounts
from ..services.errors import ValidationFailed

COMMANDS = []


def fail_with(error: ValidationFailed) -> None:
    db.session.rollback()
    for field, messages in error.errors.items():
        for message in messages:
            click.echo(f"error: {field}: {message}", err=True)
    raise SystemExit(2)


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default="", help="Display name.")
@click.option("--region", default=None,
              help="Region slug or name (seekers, operators, new companies and institutions).")
@click.option("--company", default=None, help="Employers: the company, created when it does not exist.")
@click.option("--institution", default=None, help="Institution users: the institution's slug, created if new.")
@click.option("--kind", "institution_kind", default="bootcamp", show_default=True,
              type=click.Choice(["university", "bootcamp", "technopark", "other"]),
              help="Kind of a new institution.")
@with_appcontext
def create_user(email, role, password, name, region, company, institution, institution_kind):
    """Create an account (and its company or institution when new), its address counted as confirmed."""
    try:
        user = accounts.register(db.session, role=role, email=email, password=password, name=name, region=region,
                                 company=company, institution=institution, institution_kind=institution_kind,
                                 join_existing=True, email_verified=True)
        consent.record(db.session, user, "privacy_required", True, current_app.config["CONSENT_VERSION"])
        db.session.commit()
    except ValidationFailed as exc:
        fail_with(exc)
    click.echo(f"created {role} {user.email} (id {user.id})")


COMMANDS.append(create_user)

"""API commands for operators."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..security import log_security_event
from ..services.accounts import api_tokens
from ..services.accounts import users as accounts
from ..services.errors import ValidationFailed
from .accounts import fail_with


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'HR system'.")
@with_appcontext
def create_token(email, name):
    """Create an API token for an account and print it: it is stored hashed and cannot be shown again."""
    user = accounts.find_user(db.session, email)
    if user is None:
        fail_with(ValidationFailed({"email": ["no account has this email address"]}))
    try:
        token, value = api_tokens.issue(db.session, user, name)
        db.session.commit()
    except ValidationFailed as exc:
        fail_with(exc)
    log_security_event("api_token_created", user_id=user.id, token_id=token.id)
    click.echo(value)


COMMANDS = [create_token]

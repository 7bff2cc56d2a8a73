"""Operator commands, one module per noun: `flask --app wsgi --help` lists them."""
from importlib import import_module

import click
from flask import Flask

from ..services.hiring.postings import today_in_korea

# The day a daily command acts for: `--as-of YYYY-MM-DD`, today in Korea when left out (see `day_of`).
as_of_option = click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            help="The day to act for (default: today in Korea).")


def day_of(as_of):
    return as_of.date() if as_of else today_in_korea()

# Each module exposes COMMANDS, a list of click commands.
MODULES = ["accounts", "api", "postings", "demo", "training", "indexing", "worker", "mail", "digests", "matching",
           "privacy"]


def register_commands(app: Flask) -> None:
    for name in MODULES:
        for command in import_module(f"{__name__}.{name}").COMMANDS:
            app.cli.add_command(command)

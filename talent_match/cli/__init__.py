"""Operator commands, one module per noun: `flask --app wsgi --help` lists them."""
from importlib import import_module

from flask import Flask

# Each module exposes COMMANDS, a list of click commands.
MODULES = ["accounts", "api", "postings", "demo", "training", "indexing", "worker", "mail", "digests", "matching",
           "privacy"]


def register_commands(app: Flask) -> None:
    for name in MODULES:
        for command in import_module(f"{__name__}.{name}").COMMANDS:
            app.cli.add_command(command)

"""Command-line commands of the panels area, run on a schedule beside the web processes."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from panels.actions import remind_overdue
from portal import clock
from portal.db import get_db


@click.command("remind-overdue")
@with_appcontext
def remind_overdue_command() -> None:
    """Tell owning agencies, once, about actions that have become overdue (run daily)."""
    db = get_db()
    count = remind_overdue(db, clock.today())
    db.commit()
    click.echo(f"Reminded owning agencies of {count} overdue action(s).")

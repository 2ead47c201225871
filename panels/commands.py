"""The panels area's scheduled work: reminders of overdue actions and of learning not yet
acknowledged, daily jobs for the workers, and the first as a command to run by hand."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from panels.actions import remind_overdue
from panels.learning import remind_unacknowledged
from portal import clock, jobs
from portal.db import get_db


@click.command("remind-overdue")
@with_appcontext
def remind_overdue_command() -> None:
    """Tell owning agencies, once, about actions that have become overdue (run daily)."""
    db = get_db()
    count = remind_overdue(db, clock.today())
    db.commit()
    click.echo(f"Reminded owning agencies of {count} overdue action(s).")


@jobs.handler("panels.remind-overdue", every=timedelta(days=1))
def remind_overdue_job(db: Session, job: jobs.Job, progress: jobs.Progress) -> None:
    progress("Telling owning agencies about overdue actions")
    remind_overdue(db, clock.today())


@jobs.handler("panels.remind-unacknowledged", every=timedelta(days=1))
def remind_unacknowledged_job(db: Session, job: jobs.Job, progress: jobs.Progress) -> None:
    progress("Reminding agencies of learning they have not acknowledged")
    remind_unacknowledged(db, clock.now())

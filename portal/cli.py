"""The core's command-line commands: `flask --app portal db upgrade`, the worker, keys."""

from __future__ import annotations

import json
import os
import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from portal import client_keys, jobs, migrate

WORKER_NICENESS = 10


def core_commands() -> list[click.Command]:
    """The commands of the core: the schema, the worker, the portal's signing keys."""
    return [db_group, worker, new_signing_key]


@click.group("db", cls=AppGroup, help="Create or change the database schema (Alembic migrations).")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to REVISION (default: the latest)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@click.command("new-signing-key")
def new_signing_key() -> None:
    """Print a new private key for OIDC_SIGNING_KEYS (private_key_jwt client authentication)."""
    click.echo(json.dumps(client_keys.generate()))


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do the jobs that are due now, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds between looks for work when there is none.",
)
def worker(once: bool, interval: float) -> None:
    """Do queued jobs (sending email among them) and queue periodic ones: run any number, on any
    machines."""
    # Below the web processes on a shared machine: a page someone waits for comes first.
    os.nice(max(0, WORKER_NICENESS - os.nice(0)))
    sessions = current_app.extensions["db_sessionmaker"]
    stop = _stopped_by_sigterm()
    click.echo("Working on queued jobs.")
    try:
        while not stop.is_set():
            try:
                with sessions() as db:
                    jobs.queue_periodic(db)
                done = jobs.run_one(sessions)
            except SQLAlchemyError:
                # The database may be restarting; keep the worker alive and look again later.
                current_app.logger.exception("could not reach the job table")
                done = None
            if done is None:
                if once:
                    break
                stop.wait(interval)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.")


def _stopped_by_sigterm() -> threading.Event:
    """Set on SIGTERM (how process managers stop a service), so a worker stops between pieces of
    work, as on Ctrl+C."""
    stop = threading.Event()

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    return stop

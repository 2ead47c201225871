"""Command-line commands: `flask --app portal db upgrade`, first administrator, demo."""

from __future__ import annotations

import json
import signal
import threading
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from agencies import agencies
from agencies.models import AgencyKind, IdentityProvider, Role, RoleGrant, User, UserStatus
from portal import audit, client_keys, migrate, outbox, provider_metadata
from portal.db import get_db, utcnow
from portal.errors import DomainError
from portal.oidc import AUTH_METHODS
from portal.urls import external_url


def register_commands(app: Flask) -> None:
    from panels.commands import remind_overdue_command
    from portal import demo

    app.cli.add_command(db_group)
    app.cli.add_command(add_agency)
    app.cli.add_command(new_signing_key)
    app.cli.add_command(add_administrator)
    app.cli.add_command(send_email)
    app.cli.add_command(demo.demo_group)
    app.cli.add_command(remind_overdue_command)


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


@click.command("add-agency")
@with_appcontext
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice([kind.value for kind in AgencyKind]), required=True)
@click.option("--slug", required=True, help="Short name used in URLs and the secret's variable.")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option(
    "--auth-method",
    type=click.Choice(AUTH_METHODS),
    default="client_secret_basic",
    show_default=True,
    help="How the portal proves who it is at the provider's token endpoint.",
)
def add_agency(
    name: str, kind: str, slug: str, issuer: str, client_id: str, auth_method: str
) -> None:
    """Register an agency and its identity provider (for the first one, before any admin)."""
    db = get_db()
    try:
        agencies.check_provider(provider_metadata.current(), issuer, auth_method)
        agency = agencies.register_agency(
            db,
            None,
            name=name,
            kind=AgencyKind(kind),
            slug=slug,
            issuer=issuer,
            client_id=client_id,
            token_endpoint_auth_method=auth_method,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.commit()
    click.echo(f"Registered {agency.name}.")
    click.echo("Give the agency's identity team these addresses:")
    click.echo("  redirect URI:              " + external_url("signin.callback", slug=slug))
    click.echo("  post-logout redirect URI:  " + external_url("signin.signed_out"))
    click.echo(
        "  back-channel logout URI:   " + external_url("signin.back_channel_logout", slug=slug)
    )
    if auth_method == "private_key_jwt":
        click.echo("  the portal's keys (JWKS):  " + external_url("signin.jwks"))
    elif auth_method != "none":
        variable = agency.provider.secret_variable if agency.provider else ""
        click.echo(f"Then set the client secret they give you in {variable}.")


@click.command("new-signing-key")
def new_signing_key() -> None:
    """Print a new private key for OIDC_SIGNING_KEYS (private_key_jwt client authentication)."""
    click.echo(json.dumps(client_keys.generate()))


@click.command("add-administrator")
@with_appcontext
@click.option("--agency-slug", required=True)
@click.option("--subject", required=True, help="The person's subject (sub) at their provider.")
@click.option("--name", required=True)
def add_administrator(agency_slug: str, subject: str, name: str) -> None:
    """Make a person a portal administrator before their first sign-in."""
    db = get_db()
    provider = db.scalar(select(IdentityProvider).where(IdentityProvider.slug == agency_slug))
    if provider is None:
        raise click.ClickException(f"No agency has the short name {agency_slug}.")
    user = db.scalar(
        select(User).where(User.issuer == provider.issuer, User.subject == subject)
    ) or User(issuer=provider.issuer, subject=subject, agency_id=provider.agency_id, name=name)
    user.status, user.approved_at = UserStatus.APPROVED, utcnow()
    if not user.has_role(Role.ADMINISTRATOR):
        user.role_grants.append(RoleGrant(role=Role.ADMINISTRATOR))
    db.add(user)
    db.flush()
    audit.record(db, None, "user.made_administrator", "user", user.id, via="command line")
    db.commit()
    click.echo(f"{name} is a portal administrator.")


@click.command("send-email")
@with_appcontext
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds between looks at the outbox.",
)
def send_email(once: bool, interval: float) -> None:
    """Send the emails waiting in the outbox, retrying failures later (the mail worker)."""
    db = get_db()
    settings = outbox.smtp_settings(current_app.config)
    if once:
        click.echo(_counts(outbox.send_due(db, settings)))
        return
    stop = threading.Event()

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    # Stop between batches on SIGTERM (how process managers stop a service) as on Ctrl+C.
    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"Sending email through {settings.host}:{settings.port} every {interval:g} s.")
    try:
        while not stop.is_set():
            try:
                report = outbox.send_due(db, settings)
            except SQLAlchemyError:
                # The database may be restarting; keep the worker alive and look again later.
                db.rollback()
                current_app.logger.exception("could not read the outbox")
                report = outbox.SendReport()
            if report.handled:
                click.echo(_counts(report))
            # A full batch means more may be waiting: look again straight away.
            if report.handled < outbox.DEFAULT_BATCH:
                stop.wait(interval)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.")


def _counts(report: outbox.SendReport) -> str:
    return f"Sent {report.sent}, failed {report.failed}, given up {report.given_up}."


def main() -> None:
    """The `portal` console script: the same commands as `flask --app portal`."""
    from portal import create_app

    FlaskGroup(create_app=create_app)()

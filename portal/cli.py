"""Command-line commands: `flask --app portal db upgrade`, first administrator, demo."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import select

from agencies import agencies
from agencies.models import AgencyKind, IdentityProvider, Role, RoleGrant, User, UserStatus
from portal import audit, migrate
from portal.db import get_db, utcnow


def register_commands(app: Flask) -> None:
    from portal import demo

    app.cli.add_command(db_group)
    app.cli.add_command(add_agency)
    app.cli.add_command(add_administrator)
    app.cli.add_command(demo.demo_group)


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
def add_agency(name: str, kind: str, slug: str, issuer: str, client_id: str) -> None:
    """Register an agency and its identity provider (for the first one, before any admin)."""
    db = get_db()
    agency = agencies.register_agency(
        db, None, name=name, kind=AgencyKind(kind), slug=slug, issuer=issuer, client_id=client_id
    )
    db.commit()
    click.echo(f"Registered {agency.name}.")


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


def main() -> None:
    """The `portal` console script: the same commands as `flask --app portal`."""
    from portal import create_app

    FlaskGroup(create_app=create_app)()

"""Command-line commands of the agencies area: register an agency, make the first administrator."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from agencies import agencies
from agencies.models import AgencyKind, IdentityProvider, Role, RoleGrant, User, UserStatus
from portal import audit, clock, provider_metadata
from portal.db import get_db
from portal.errors import DomainError
from portal.oidc import AUTH_METHODS
from portal.urls import external_url


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
    user.status, user.approved_at = UserStatus.APPROVED, clock.now()
    if not user.has_role(Role.ADMINISTRATOR):
        user.role_grants.append(RoleGrant(role=Role.ADMINISTRATOR))
    db.add(user)
    db.flush()
    audit.record(db, None, "user.made_administrator", "user", user.id, via="command line")
    db.commit()
    click.echo(f"{name} is a portal administrator.")

"""Operations on agencies and their identity providers, each written to the audit log."""

from __future__ import annotations

import re

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from agencies.models import Agency, AgencyKind, IdentityProvider, Role, User
from agencies.users import holding
from portal import audit
from portal.errors import DomainError
from portal.oidc import AUTH_METHODS
from portal.provider_metadata import ProviderCache, ProviderUnavailable, WrongIssuer

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Short names that would clash with the sign-in pages' own addresses (/sign-in/pending).
RESERVED_SLUGS = frozenset({"pending"})


def all_agencies() -> Select[Agency]:
    """Every agency by name, with its provider (loaded with them: one query for a page of
    them, not one each)."""
    return select(Agency).options(selectinload(Agency.provider)).order_by(Agency.name)


def list_sign_in_providers(db: Session, demo_allowed: bool) -> list[IdentityProvider]:
    """The providers people may sign in with, in the order of their agencies' names."""
    query = (
        select(IdentityProvider)
        .join(IdentityProvider.agency)
        .where(IdentityProvider.enabled, Agency.active)
        .order_by(Agency.name)
    )
    if not demo_allowed:
        query = query.where(IdentityProvider.is_demo.is_(False))
    return list(db.scalars(query))


def register_agency(
    db: Session,
    actor: User | None,
    *,
    name: str,
    kind: AgencyKind,
    slug: str,
    issuer: str,
    client_id: str,
    token_endpoint_auth_method: str = "client_secret_basic",  # noqa: S107 (a method's name)
    auto_approve: bool = False,
    is_demo: bool = False,
) -> Agency:
    """Add an agency together with the provider its staff sign in with."""
    name, slug, issuer, client_id = name.strip(), slug.strip(), issuer.strip(), client_id.strip()
    _check_unique(db, name=name, slug=slug, issuer=issuer)
    _check_auth_method(token_endpoint_auth_method)
    agency = Agency(name=name, kind=kind)
    agency.provider = IdentityProvider(
        slug=slug,
        issuer=issuer,
        client_id=client_id,
        token_endpoint_auth_method=token_endpoint_auth_method,
        auto_approve=auto_approve,
        is_demo=is_demo,
    )
    db.add(agency)
    db.flush()
    audit.record(
        db,
        actor.id if actor else None,
        "agency.registered",
        "agency",
        agency.id,
        name=name,
        issuer=issuer,
        client_id=client_id,
        token_endpoint_auth_method=token_endpoint_auth_method,
        auto_approve=auto_approve,
    )
    return agency


def update_provider(
    db: Session,
    actor: User,
    provider: IdentityProvider,
    *,
    issuer: str,
    client_id: str,
    auto_approve: bool,
    enabled: bool,
    token_endpoint_auth_method: str | None = None,
) -> None:
    issuer, client_id = issuer.strip(), client_id.strip()
    method = token_endpoint_auth_method or provider.token_endpoint_auth_method
    _check_unique(db, issuer=issuer, exclude_provider=provider.id)
    _check_auth_method(method)
    if provider.enabled and not enabled:
        _keep_an_administrator_able_to_sign_in(db, provider)
    changes = {
        field: [getattr(provider, field), value]
        for field, value in {
            "issuer": issuer,
            "client_id": client_id,
            "token_endpoint_auth_method": method,
            "auto_approve": auto_approve,
            "enabled": enabled,
        }.items()
        if getattr(provider, field) != value
    }
    if not changes:
        return
    for field, (_old, new) in changes.items():
        setattr(provider, field, new)
    audit.record(db, actor.id, "provider.updated", "identity_provider", provider.id, **changes)


def check_provider(cache: ProviderCache, issuer: str, auth_method: str) -> None:
    """Refuse sign-in settings the provider itself would refuse, saying what to change."""
    try:
        metadata = cache.metadata(issuer.strip())
    except ProviderUnavailable as error:
        raise DomainError(
            f"The sign-in service at {issuer} did not answer with its OpenID Connect "
            "configuration. Check the issuer URL with the agency's identity team."
        ) from error
    except WrongIssuer as error:
        raise DomainError(
            f"The sign-in service at {issuer} says its issuer is a different address. "
            "Enter the issuer exactly as the service publishes it."
        ) from error
    # OpenID Connect Discovery 1.0: when a provider does not say, it accepts only this one.
    supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if auth_method not in supported:
        raise DomainError(
            f"The sign-in service does not accept {auth_method} client authentication. "
            f"It accepts: {', '.join(supported)}."
        )


def _keep_an_administrator_able_to_sign_in(db: Session, provider: IdentityProvider) -> None:
    """Refuse to switch off the sign-in of the agency every administrator belongs to."""
    others = holding(Role.ADMINISTRATOR).where(User.agency_id != provider.agency_id)
    elsewhere = db.scalar(select(func.count()).select_from(others.subquery()))
    if not elsewhere:
        raise DomainError(
            f"Every portal administrator signs in through {provider.agency.name}: switching "
            "its sign-in off would lock them all out. Make someone of another agency an "
            "administrator first."
        )


def _check_auth_method(method: str) -> None:
    if method not in AUTH_METHODS:
        raise DomainError(f"Choose how the portal authenticates: one of {', '.join(AUTH_METHODS)}.")


def _check_unique(
    db: Session,
    *,
    name: str | None = None,
    slug: str | None = None,
    issuer: str | None = None,
    exclude_provider: int | None = None,
) -> None:
    if name is not None and db.scalar(select(Agency.id).where(Agency.name == name)):
        raise DomainError(f"An agency called {name} is already registered.")
    if slug is not None:
        if not SLUG_PATTERN.match(slug):
            raise DomainError(
                "The short name must use only lower-case letters, numbers and hyphens."
            )
        if slug in RESERVED_SLUGS or db.scalar(
            select(IdentityProvider.id).where(IdentityProvider.slug == slug)
        ):
            raise DomainError(f"The short name {slug} is already used by another agency.")
    if issuer is not None:
        other = db.scalar(select(IdentityProvider.id).where(IdentityProvider.issuer == issuer))
        if other is not None and other != exclude_provider:
            raise DomainError("That issuer is already registered for another agency.")

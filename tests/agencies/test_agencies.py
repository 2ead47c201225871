"""Registering agencies and their providers."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from agencies import agencies
from agencies.models import Agency, AgencyKind, IdentityProvider, Role, User
from portal.errors import DomainError
from tests.support import people


def register(db: Session, **changes: str) -> None:
    fields = {
        "name": "Northshire Housing",
        "slug": "northshire-housing",
        "issuer": "https://login.housing.example",
        "client_id": "portal",
    } | changes
    agencies.register_agency(db, None, kind=AgencyKind.HOUSING, **fields)
    db.commit()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Northshire Housing"}, "already registered"),
        ({"slug": "northshire-housing"}, "already used by another agency"),
        ({"issuer": "https://login.housing.example"}, "issuer is already registered"),
        ({"slug": "pending"}, "already used"),
        ({"slug": "Not A Slug"}, "lower-case letters"),
    ],
)
def test_clashing_or_malformed_registrations_are_refused(
    db: Session, changes: dict[str, str], message: str
) -> None:
    register(db)
    other = {
        "name": "Another",
        "slug": "another",
        "issuer": "https://login.another.example",
    } | changes
    with pytest.raises(DomainError, match=message):
        register(db, **other)


def test_the_sign_in_of_every_administrators_agency_cannot_be_switched_off(
    db: Session, admin: User, police: Agency
) -> None:
    probation = people.provider_of(db, "probation")

    def switch_off(provider: IdentityProvider) -> None:
        agencies.update_provider(
            db,
            db.merge(admin),
            provider,
            issuer=provider.issuer,
            client_id=provider.client_id,
            auto_approve=False,
            enabled=False,
        )

    with pytest.raises(DomainError, match="would lock them all out"):
        switch_off(probation)
    db.rollback()
    assert people.provider_of(db, "probation").enabled

    switch_off(people.provider_of(db, "police"))  # no administrator signs in there
    db.commit()
    officer = people.person(
        db, admin, people.provider_of(db, "police"), "alan", [Role.ADMINISTRATOR]
    )
    assert officer.has_role(Role.ADMINISTRATOR)
    switch_off(people.provider_of(db, "probation"))
    db.commit()
    assert not people.provider_of(db, "probation").enabled

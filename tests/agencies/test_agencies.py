"""Registering agencies and their providers."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from agencies import agencies
from agencies.models import AgencyKind
from portal.errors import DomainError


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

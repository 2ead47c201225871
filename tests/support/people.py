"""People for tests, made through the same operations the portal's users go through."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import users
from agencies.models import IdentityProvider, Role, User
from tests.support.providers import PEOPLE


def administrator(app: Flask, db: Session, slug: str, subject: str, name: str) -> User:
    result = app.test_cli_runner().invoke(
        args=["add-administrator", "--agency-slug", slug, "--subject", subject, "--name", name]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    user = db.scalar(select(User).where(User.subject == subject))
    assert user is not None
    return user


def person(
    db: Session,
    admin: User | None,
    provider: IdentityProvider,
    subject: str,
    roles: Iterable[Role] = (),
    approved: bool = True,
) -> User:
    """Someone who has signed in once; approved and given `roles` by `admin` if asked."""
    claims = next((p for p in PEOPLE if p["sub"] == subject), None) or {
        "sub": subject,
        "name": subject.replace("-", " ").title(),
    }
    user = users.account_for_sign_in(db, provider, dict(claims))
    db.flush()
    if approved:
        assert admin is not None
        acting = db.merge(admin)
        users.approve(db, acting, user)
        users.set_roles(db, acting, user, roles)
    db.commit()
    return user


def provider_of(db: Session, slug: str) -> IdentityProvider:
    found = db.scalar(select(IdentityProvider).where(IdentityProvider.slug == slug))
    assert found is not None
    return found

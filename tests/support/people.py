"""People for tests, made through the same operations the portal's users go through."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies import users
from agencies.models import IdentityProvider, Role, User
from portal import sign_in_sessions
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
        "email": f"{subject}@example.gov.uk",
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


def signed_in_as(client: FlaskClient, db: Session, user: User) -> FlaskClient:
    """Put `client` in the state a completed sign-in leaves it, without the provider round trip.

    For tests about what someone may do once signed in; the sign-in itself is tested, through
    real provider processes, in tests/portal/test_signin.py.
    """
    sign_in_session = sign_in_sessions.start(db, user.id, None)
    db.commit()
    with client.session_transaction() as session:
        session.clear()
        session["sign_in_session"] = sign_in_session.id
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client

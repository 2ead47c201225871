"""Fixtures: every test that touches the database runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from agencies import agencies
from agencies.models import Agency, AgencyKind, User
from portal import client_keys, migrate
from portal.app import create_app
from tests.support import people, providers
from tests.support.local_provider import provider_process
from tests.support.postgres import free_port, running_server
from tests.support.providers import Provider


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A migrated template database on a server of the tests' own; yields the server's URL."""
    with running_server() as url:
        migrate.upgrade(url)
        with _maintenance(url) as connection:
            connection.execute(text("ALTER DATABASE portal IS_TEMPLATE true"))
        yield url


@contextmanager
def _maintenance(url: str) -> Iterator[Connection]:
    engine = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A fresh copy of the migrated database for each test."""
    if request.param == "sqlite":
        path = tmp_path / "portal.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    server: str = request.getfixturevalue("postgres_server")
    with _maintenance(server) as connection:
        connection.execute(text("DROP DATABASE IF EXISTS portal_test WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE portal_test TEMPLATE portal"))
    yield server.rsplit("/", 1)[0] + "/portal_test"


@pytest.fixture(scope="session")
def portal_base_url() -> str:
    """Where the portal is, for the providers that send people back to it (and the live server
    of the browser tests listens)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def portal_keys() -> dict[str, Any]:
    """The portal's own signing keys (private_key_jwt), as OIDC_SIGNING_KEYS holds them."""
    return {"keys": [client_keys.generate()]}


def app_settings(database_url: str, base_url: str, keys: dict[str, Any]) -> dict[str, str]:
    return {
        "PORTAL_MODE": "test",
        "DATABASE_URL": database_url,
        "PORTAL_BASE_URL": base_url,
        "OIDC_SIGNING_KEYS": json.dumps(keys),
        # The provider processes check these: each agency's client has its own secret.
        "OIDC_CLIENT_SECRET_PROBATION": "probation-test-secret",
        "OIDC_CLIENT_SECRET_POLICE": "police-test-secret",
    }


@pytest.fixture
def app(database_url: str, portal_base_url: str, portal_keys: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_settings(database_url, portal_base_url, portal_keys))
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def live_server(app: Flask, portal_base_url: str) -> Iterator[str]:
    """The portal serving on loopback at its base URL, for browsers and providers to reach."""
    server = make_server("127.0.0.1", int(portal_base_url.rsplit(":", 1)[1]), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield portal_base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session of the test's own, apart from those the requests use."""
    session: Session = app.extensions["db_sessionmaker"]()
    yield session
    session.close()


def _provider(
    tmp_path_factory: pytest.TempPathFactory,
    base_url: str,
    keys: dict[str, Any],
    slug: str,
    secret: str,
) -> Iterator[Provider]:
    settings = providers.config(base_url, slug, secret, keys, [providers.new_key()])
    directory = tmp_path_factory.mktemp(f"provider-{slug}")
    with provider_process(settings, directory) as issuer:
        yield Provider(issuer, tuple(settings["keys"]))


@pytest.fixture(scope="session")
def provider(
    tmp_path_factory: pytest.TempPathFactory, portal_base_url: str, portal_keys: dict[str, Any]
) -> Iterator[Provider]:
    """The probation agency's provider: the certified oidc-provider, checking everything."""
    yield from _provider(
        tmp_path_factory, portal_base_url, portal_keys, "probation", "probation-test-secret"
    )


@pytest.fixture(scope="session")
def _tampering_provider(
    tmp_path_factory: pytest.TempPathFactory, portal_base_url: str, portal_keys: dict[str, Any]
) -> Iterator[Provider]:
    yield from _provider(
        tmp_path_factory, portal_base_url, portal_keys, "police", "police-test-secret"
    )


@pytest.fixture
def tampering_provider(_tampering_provider: Provider) -> Iterator[Provider]:
    """The police's provider, the same certified provider, told to spoil tokens when a test
    needs it to (honest unless told)."""
    yield _tampering_provider
    _tampering_provider.misbehave("honest")


@pytest.fixture
def agency(app: Flask, db: Session, provider: Provider) -> Agency:
    """A probation agency whose staff sign in with the plain provider process."""
    registered = agencies.register_agency(
        db,
        None,
        name="Northshire Probation",
        kind=AgencyKind.PROBATION,
        slug="probation",
        issuer=provider.issuer,
        client_id="learning-panel-portal",
    )
    db.commit()
    return registered


@pytest.fixture
def police(db: Session, tampering_provider: Provider) -> Agency:
    """A police force whose staff sign in with the tampering provider (honest unless told)."""
    registered = agencies.register_agency(
        db,
        None,
        name="Northshire Police",
        kind=AgencyKind.POLICE,
        slug="police",
        issuer=tampering_provider.issuer,
        client_id="learning-panel-portal",
    )
    db.commit()
    return registered


@pytest.fixture
def admin(app: Flask, db: Session, agency: Agency) -> User:
    return people.administrator(app, db, "probation", "ada", "Ada Lovelace")


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on the page at `url`."""
    page = client.get(url)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no form with a CSRF token on {url} ({page.status_code})"
    return match.group(1)


@pytest.fixture
def world(app: Flask, db: Session, admin: User, agency: Agency, police: Agency):  # type: ignore[no-untyped-def]
    """Panels and the people around them: see tests/support/world.py."""
    from tests.support.world import build

    with app.test_request_context():
        return build(db, admin, agency, police)


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    """For tests calling operations directly: they tell people, which reads the app's config.

    Not for tests that also make requests, which would then share this context's session.
    """
    with app.app_context():
        yield

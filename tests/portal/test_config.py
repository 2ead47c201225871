"""Settings come from the environment, and an unsafe environment stops the portal starting."""

from __future__ import annotations

import pytest

from portal.config import ConfigError, from_environment


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        from_environment({}, "/tmp/instance")


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="PORTAL_MODE must be one of"):
        from_environment({"PORTAL_MODE": "debug"}, "/tmp/instance")


def test_production_defaults_are_the_safe_ones() -> None:
    config = from_environment({"SECRET_KEY": "k" * 64}, "/srv/portal/instance")
    assert config["DATABASE_URL"] == "sqlite:////srv/portal/instance/portal.db"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["DEMO_PROVIDERS_ALLOWED"] is False
    assert config["SESSION_IDLE_TIMEOUT"].total_seconds() == 30 * 60
    assert config["SESSION_LIFETIME"].total_seconds() == 12 * 3600


def test_client_secrets_are_read_per_agency() -> None:
    config = from_environment(
        {
            "SECRET_KEY": "k",
            "DATABASE_URL": "postgresql+psycopg://db/portal",
            "OIDC_CLIENT_SECRET_MET_POLICE": "abc",
            "OIDC_CLIENT_SECRET_EMPTY": "",
        },
        "/tmp",
    )
    assert config["OIDC_CLIENT_SECRETS"] == {"MET_POLICE": "abc"}
    assert config["DATABASE_URL"] == "postgresql+psycopg://db/portal"


def test_demo_mode_makes_its_own_secret_key_and_allows_demo_providers() -> None:
    first = from_environment({"PORTAL_MODE": "demo"}, "/tmp")
    second = from_environment({"PORTAL_MODE": "demo"}, "/tmp")
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] != second["SECRET_KEY"]
    assert first["DEMO_PROVIDERS_ALLOWED"] is True
    assert first["SESSION_COOKIE_SECURE"] is False

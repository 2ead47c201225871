"""Settings come from the environment, and an unsafe environment stops the portal starting."""

from __future__ import annotations

import json

import pytest

from portal import client_keys
from portal.config import ConfigError, from_environment

PRIVATE_KEY = client_keys.generate()
PUBLIC_KEY = {k: v for k, v in PRIVATE_KEY.items() if k in ("kty", "kid", "n", "e")}


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        from_environment({}, "/tmp/instance")


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="PORTAL_MODE must be one of"):
        from_environment({"PORTAL_MODE": "debug"}, "/tmp/instance")


PRODUCTION = {"SECRET_KEY": "k" * 64, "PORTAL_BASE_URL": "https://panels.example.gov.uk"}


def test_production_refuses_to_start_without_its_own_address() -> None:
    # Otherwise redirect addresses would come from the Host header a browser sends.
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL is not set"):
        from_environment({"SECRET_KEY": "k" * 64}, "/tmp/instance")


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ("not json", "is not a JSON Web Key Set"),
        (json.dumps({"keys": [PUBLIC_KEY]}), "public half only"),
        (json.dumps({"keys": [{**PRIVATE_KEY, "kid": ""}]}), "without a key id"),
        (json.dumps({"keys": [PRIVATE_KEY, PRIVATE_KEY]}), "same key id"),
    ],
)
def test_unusable_signing_keys_stop_the_portal_starting(keys: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=f"OIDC_SIGNING_KEYS .*{problem}"):
        from_environment({**PRODUCTION, "OIDC_SIGNING_KEYS": keys}, "/tmp")


def test_signing_keys_are_read_in_order() -> None:
    second = client_keys.generate()
    config = from_environment(
        {**PRODUCTION, "OIDC_SIGNING_KEYS": json.dumps({"keys": [PRIVATE_KEY, second]})}, "/tmp"
    )
    assert [key.kid for key in config["OIDC_SIGNING_KEYS"]] == [PRIVATE_KEY["kid"], second["kid"]]


def test_production_defaults_are_the_safe_ones() -> None:
    config = from_environment(PRODUCTION, "/srv/portal/instance")
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
            **PRODUCTION,
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

"""The certified OpenID provider (oidc-provider, run by scripts/local_provider.mjs) as the tests
configure it, and a test browser's walk through it to the portal and back."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.test import TestResponse

from portal import client_keys
from tests.support import local_provider

PEOPLE = (
    {"sub": "ada", "name": "Ada Lovelace", "email": "ada@example.gov.uk"},
    {"sub": "grace", "name": "Grace Hopper", "email": "grace@example.gov.uk"},
    {"sub": "alan", "name": "Alan Turing", "email": "alan@example.gov.uk"},
    {"sub": "newcomer", "name": "Nia Newcomer", "email": "nia@example.gov.uk"},
    {"sub": "hannah-price", "name": "Hannah Price", "email": "hannah.price@example.police.uk"},
    {"sub": "nadia-khan", "name": "Nadia Khan", "email": "nadia-khan@example.gov.uk"},
    {"sub": "priya-shah", "name": "Priya Shah", "email": "priya-shah@example.gov.uk"},
    {"sub": "tom-reed", "name": "Tom Reed", "email": "tom-reed@example.gov.uk"},
)

# The client each agency's provider knows the portal as, by how the portal authenticates.
CLIENT_IDS = {
    "client_secret_basic": "learning-panel-portal",
    "client_secret_post": "portal-secret-post",
    "private_key_jwt": "portal-private-key-jwt",
    "none": "portal-public",
}


@dataclass(frozen=True)
class Provider:
    issuer: str
    # The private keys it signs with, so a test can forge what only it should be able to sign.
    keys: tuple[dict[str, Any], ...]

    def misbehave(self, mode: str) -> None:
        local_provider.misbehave(self.issuer, mode)

    def sign(self, claims: dict[str, Any], typ: str = "logout+jwt") -> str:
        key = RSAKey.import_key(self.keys[0])
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": typ}, claims, key)


def new_key() -> dict[str, Any]:
    key = RSAKey.generate_key(2048)
    key.ensure_kid()
    return key.as_dict(private=True)


def config(
    base_url: str,
    slug: str,
    secret: str,
    portal_keys: dict[str, Any],
    keys: Iterable[dict[str, Any]],
    issuer: str | None = None,
) -> dict[str, Any]:
    """A provider that knows the portal at `base_url` as a client for agency `slug`, once for
    each way of authenticating, with the tests' people."""
    public = client_keys.public_key_set(client_keys.parse(json.dumps(portal_keys)))
    common = {
        "redirect_uris": [f"{base_url}/sign-in/{slug}/callback"],
        "post_logout_redirect_uris": [f"{base_url}/signed-out"],
        "backchannel_logout_uri": f"{base_url}/sign-in/{slug}/back-channel-logout",
        "backchannel_logout_session_required": True,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    clients = [
        {**common, "client_id": CLIENT_IDS[method], "token_endpoint_auth_method": method}
        for method in CLIENT_IDS
    ]
    for client in clients:
        if client["token_endpoint_auth_method"].startswith("client_secret"):
            client["client_secret"] = secret
        if client["token_endpoint_auth_method"] == "private_key_jwt":
            client["jwks"] = public
    settings = {
        "title": f"Test provider for {slug}",
        "people": list(PEOPLE),
        "clients": clients,
        "keys": list(keys),
        "testing": True,
    }
    return {**settings, "issuer": issuer} if issuer else settings


def accepting_only(settings: dict[str, Any], method: str) -> dict[str, Any]:
    """The provider of `settings` narrowed to one client authentication method."""
    clients = [c for c in settings["clients"] if c["token_endpoint_auth_method"] == method]
    return {**settings, "clients": clients, "client_auth_methods": [method]}


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def authorize_at_provider(authorization_url: str, subject: str) -> str:
    """Sign in at the provider's page as `subject`; return where it sends the browser back."""
    return local_provider.authorize(None, authorization_url, subject)


def sign_in(client: FlaskClient, slug: str, subject: str) -> TestResponse:
    """The whole code flow: portal → provider's sign-in page → portal's callback."""
    start = client.get(f"/sign-in/{slug}")
    assert start.status_code == 302, start.get_data(as_text=True)
    callback = authorize_at_provider(start.headers["Location"], subject)
    return client.get(local_path(callback))

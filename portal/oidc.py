"""OpenID Connect sign-in: authorization code flow with PKCE, state and nonce, against any issuer.

The pending sign-in (state, nonce, PKCE verifier) is kept in the database, keyed by the state,
so any process behind the load balancer can finish a sign-in another one started, and each
state can be used once only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import ForeignKey, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.db import Base, UtcDateTime, utcnow

SCOPE = "openid profile email"
ATTEMPT_LIFETIME = timedelta(minutes=10)
CLOCK_LEEWAY_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10


class SignInError(Exception):
    """A sign-in that must be refused; `reason` is for the audit log, the message for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class SignInAttempt(Base):
    __tablename__ = "sign_in_attempts"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_providers.id", ondelete="CASCADE")
    )
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


@dataclass(frozen=True)
class Client:
    """This portal as a client of one provider."""

    issuer: str
    client_id: str
    client_secret: str | None
    redirect_uri: str

    def session(self, **kwargs: Any) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=SCOPE,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            # Without a secret the portal is a public client protected by PKCE alone.
            token_endpoint_auth_method="client_secret_basic" if self.client_secret else "none",
            **kwargs,
        )


def discover(issuer: str) -> dict[str, Any]:
    """The provider's published metadata, which must name the issuer we were told to trust."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        metadata: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInError("provider_unavailable", _UNAVAILABLE) from error
    if metadata.get("issuer") != issuer:
        raise SignInError("wrong_issuer", _NOT_TRUSTED)
    return metadata


def begin(db: Session, client: Client, provider_id: int) -> tuple[str, str]:
    """Record a new pending sign-in; return the provider's authorization URL and the state."""
    metadata = discover(client.issuer)
    attempt = SignInAttempt(
        state=generate_token(43),
        provider_id=provider_id,
        nonce=generate_token(43),
        code_verifier=generate_token(64),
    )
    db.execute(delete(SignInAttempt).where(SignInAttempt.created_at < utcnow() - ATTEMPT_LIFETIME))
    db.add(attempt)
    url, _state = client.session().create_authorization_url(
        metadata["authorization_endpoint"],
        state=attempt.state,
        nonce=attempt.nonce,
        code_verifier=attempt.code_verifier,
    )
    return url, attempt.state


def take_attempt(db: Session, params: dict[str, str], expected_state: str | None) -> SignInAttempt:
    """The pending sign-in this browser started, removed so that it cannot be used again."""
    if "error" in params:
        raise SignInError("provider_refused:" + params["error"][:60], _PROVIDER_SAID_NO)
    state = params.get("state")
    if not state or not expected_state or state != expected_state:
        raise SignInError("state_mismatch", _START_AGAIN)
    attempt = db.get(SignInAttempt, state)
    if attempt is None or attempt.created_at < utcnow() - ATTEMPT_LIFETIME:
        raise SignInError("state_unknown", _START_AGAIN)
    db.delete(attempt)
    return attempt


def complete(
    client: Client, attempt: SignInAttempt, params: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """Exchange the authorization code; return the verified ID token's claims, and the token."""
    if not params.get("code"):
        raise SignInError("no_code", _START_AGAIN)
    metadata = discover(client.issuer)
    try:
        token = client.session(code_verifier=attempt.code_verifier).fetch_token(
            metadata["token_endpoint"],
            code=params["code"],
            timeout=HTTP_TIMEOUT_SECONDS,
        )
    except Exception as error:  # Authlib raises many kinds; none of them may become a 500.
        raise SignInError("token_exchange_failed", _START_AGAIN) from error
    if "id_token" not in token:
        raise SignInError("no_id_token", _NOT_TRUSTED)
    claims = verify_id_token(client, metadata, token, attempt.nonce)
    return claims, token["id_token"]


def verify_id_token(
    client: Client, metadata: dict[str, Any], token: dict[str, Any], nonce: str
) -> dict[str, Any]:
    """Check the ID token's signature, issuer, audience, expiry and nonce."""
    keys = _key_set(metadata)
    algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    try:
        decoded = jwt.decode(
            token["id_token"], keys, algorithms=[a for a in algorithms if a != "none"]
        )
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {
                "iss": {"essential": True, "value": client.issuer},
                "aud": {"essential": True, "value": client.client_id},
            },
            {"nonce": nonce, "client_id": client.client_id, "access_token": token["access_token"]},
        )
        claims.validate(leeway=CLOCK_LEEWAY_SECONDS)
    except BadSignatureError as error:
        raise SignInError("bad_signature", _NOT_TRUSTED) from error
    except ExpiredTokenError as error:
        raise SignInError("expired_token", _START_AGAIN) from error
    except ClaimError as error:
        reason = {"iss": "wrong_issuer", "aud": "wrong_audience", "nonce": "nonce_mismatch"}.get(
            error.claim, "invalid_claim:" + error.claim
        )
        raise SignInError(reason, _NOT_TRUSTED) from error
    except (JoseError, ValueError) as error:
        raise SignInError("invalid_id_token", _NOT_TRUSTED) from error
    return dict(claims)


def _key_set(metadata: dict[str, Any]) -> KeySet:
    try:
        response = requests.get(metadata["jwks_uri"], timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        return KeySet.import_key_set(response.json())
    except (requests.RequestException, ValueError, KeyError) as error:
        raise SignInError("provider_unavailable", _UNAVAILABLE) from error


def logout_url(
    issuer: str, post_logout_redirect_uri: str, client_id: str, id_token: str | None
) -> str | None:
    """Where to send the browser to sign out at the provider, if it publishes such a page."""
    try:
        endpoint = discover(issuer).get("end_session_endpoint")
    except SignInError:
        return None
    if not endpoint:
        return None
    request = requests.Request(
        "GET",
        endpoint,
        params={
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": client_id,
            "id_token_hint": id_token,
        },
    ).prepare()
    return request.url


_START_AGAIN = "Your sign-in could not be completed. Please start again."
_NOT_TRUSTED = (
    "Your organisation's sign-in service sent a response the portal cannot trust, "
    "so you have not been signed in."
)
_UNAVAILABLE = "Your organisation's sign-in service is not responding. Try again later."
_PROVIDER_SAID_NO = "Your organisation's sign-in service did not sign you in."

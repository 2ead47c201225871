"""OpenID Connect sign-in: authorization code flow with PKCE, state and nonce, against any issuer.

Authlib builds the authorization request and makes the token request (PKCE verifier and client
authentication included); joserfc and Authlib's ID token claims check what comes back. What is
ours: the pending sign-in (state, nonce, PKCE verifier) is kept in the database, keyed by the
state, so any process behind the load balancer can finish a sign-in another one started, and
each state can be used once only; and the checks across providers (RFC 9207 `iss`, a key we do
not know means the provider rotated its keys, logout tokens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwt import JWTClaimsRegistry, Token
from sqlalchemy import ForeignKey, String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock
from portal.client_keys import Key, algorithm
from portal.db import Base, UtcDateTime
from portal.provider_metadata import ProviderCache, ProviderUnavailable, WrongIssuer

SCOPE = "openid profile email"
ATTEMPT_LIFETIME = timedelta(minutes=10)
CLOCK_LEEWAY_SECONDS = 60
# How the portal proves who it is at a provider's token endpoint (RFC 6749, OIDC Core 9).
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
BACK_CHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# A logout token older than this is refused, so its id need only be remembered this long.
LOGOUT_TOKEN_MAX_AGE = timedelta(minutes=10)


class SignInError(Exception):
    """A sign-in that must be refused; `reason` is for the audit log, the message for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def provider_down(self) -> bool:
        return self.reason == "provider_unavailable"


class SignInAttempt(Base):
    __tablename__ = "sign_in_attempts"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_providers.id", ondelete="CASCADE")
    )
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)


class LogoutTokenUse(Base):
    """A back-channel logout token already acted on: the same token is refused a second time."""

    __tablename__ = "logout_token_uses"

    issuer: Mapped[str] = mapped_column(String(300), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)


@dataclass(frozen=True)
class Client:
    """This portal as a client of one provider."""

    issuer: str
    client_id: str
    redirect_uri: str
    auth_method: str
    client_secret: str | None = None
    signing_key: Key | None = None

    def check(self) -> None:
        """Refuse to start a sign-in that could not be finished: a credential is missing."""
        if self.auth_method == "private_key_jwt" and self.signing_key is None:
            raise SignInError("no_signing_key", _MISCONFIGURED)
        if self.auth_method.startswith("client_secret") and not self.client_secret:
            raise SignInError("no_client_secret", _MISCONFIGURED)

    def session(self, token_endpoint: str) -> OAuth2Session:
        self.check()
        if self.signing_key is not None and self.auth_method == "private_key_jwt":
            session = OAuth2Session(
                self.client_id,
                self.signing_key,
                scope=SCOPE,
                redirect_uri=self.redirect_uri,
                token_endpoint_auth_method="private_key_jwt",  # noqa: S106 (a method's name)
            )
            session.register_client_auth_method(
                PrivateKeyJWT(
                    token_endpoint,
                    headers={"kid": self.signing_key.kid},
                    alg=algorithm(self.signing_key),
                )
            )
            return session
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=SCOPE,
            redirect_uri=self.redirect_uri,
            token_endpoint_auth_method=self.auth_method,
        )


def metadata(cache: ProviderCache, issuer: str) -> dict[str, Any]:
    """The provider's published metadata, as a sign-in error when it cannot be had or trusted."""
    try:
        return cache.metadata(issuer)
    except ProviderUnavailable as error:
        raise SignInError("provider_unavailable", _UNAVAILABLE) from error
    except WrongIssuer as error:
        raise SignInError("wrong_issuer", _NOT_TRUSTED) from error


def begin(db: Session, cache: ProviderCache, client: Client, provider_id: int) -> tuple[str, str]:
    """Record a new pending sign-in; return the provider's authorization URL and the state."""
    client.check()
    endpoint = metadata(cache, client.issuer)["authorization_endpoint"]
    attempt = SignInAttempt(
        state=generate_token(43),
        provider_id=provider_id,
        nonce=generate_token(43),
        code_verifier=generate_token(64),
    )
    db.execute(
        delete(SignInAttempt).where(SignInAttempt.created_at < clock.now() - ATTEMPT_LIFETIME)
    )
    db.add(attempt)
    url, _state = OAuth2Session(
        client.client_id,
        scope=SCOPE,
        redirect_uri=client.redirect_uri,
        code_challenge_method="S256",
    ).create_authorization_url(
        endpoint, state=attempt.state, nonce=attempt.nonce, code_verifier=attempt.code_verifier
    )
    return url, attempt.state


def take_attempt(db: Session, params: dict[str, str], expected_state: str | None) -> SignInAttempt:
    """The pending sign-in this browser started, removed so that it cannot be used again."""
    state = params.get("state")
    if not state or not expected_state or state != expected_state:
        raise SignInError("state_mismatch", _START_AGAIN)
    attempt = db.get(SignInAttempt, state)
    if attempt is None or attempt.created_at < clock.now() - ATTEMPT_LIFETIME:
        raise SignInError("state_unknown", _START_AGAIN)
    db.delete(attempt)
    return attempt


def check_response(cache: ProviderCache, client: Client, params: dict[str, str]) -> None:
    """The authorization response came from the provider the attempt began with (RFC 9207),
    and carries a code rather than an error."""
    advertised = metadata(cache, client.issuer).get(
        "authorization_response_iss_parameter_supported", False
    )
    issuer = params.get("iss")
    if (issuer is not None and issuer != client.issuer) or (issuer is None and advertised):
        raise SignInError("authorization_response_issuer_mismatch", _NOT_TRUSTED)
    if "error" in params:
        raise SignInError("provider_refused:" + params["error"][:60], _PROVIDER_SAID_NO)
    if not params.get("code"):
        raise SignInError("no_code", _START_AGAIN)


def complete(
    cache: ProviderCache, client: Client, attempt: SignInAttempt, code: str
) -> tuple[dict[str, Any], str]:
    """Exchange the authorization code; return the verified ID token's claims, and the token."""
    endpoint = metadata(cache, client.issuer)["token_endpoint"]
    try:
        token = client.session(endpoint).fetch_token(
            endpoint,
            code=code,
            code_verifier=attempt.code_verifier,
            timeout=cache.timeout_seconds,
        )
    except requests.RequestException as error:
        raise SignInError("provider_unavailable", _UNAVAILABLE) from error
    except AuthlibBaseError as error:
        reason = "token_exchange_failed:" + str(error.error)[:60]
        raise SignInError(reason, _START_AGAIN) from error
    except SignInError:
        raise
    except Exception as error:  # Authlib raises many kinds; none of them may become a 500.
        raise SignInError("token_exchange_failed", _START_AGAIN) from error
    if "id_token" not in token:
        raise SignInError("no_id_token", _NOT_TRUSTED)
    claims = verify_id_token(cache, client, token, attempt.nonce)
    return claims, token["id_token"]


def verify_id_token(
    cache: ProviderCache, client: Client, token: dict[str, Any], nonce: str
) -> dict[str, Any]:
    """Check the ID token's signature, issuer, audience, expiry and nonce."""
    try:
        decoded = _decode(cache, client.issuer, token["id_token"])
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
    except (JoseError, ValueError, KeyError) as error:
        raise SignInError("invalid_id_token", _NOT_TRUSTED) from error
    return dict(claims)


def verify_logout_token(cache: ProviderCache, client: Client, logout_token: str) -> dict[str, Any]:
    """A back-channel logout token's claims, once checked as OpenID Connect Back-Channel Logout
    1.0 section 2.6 says: signature, issuer, audience, age, the logout event, and no nonce."""
    try:
        decoded = _decode(cache, client.issuer, logout_token)
        JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": client.issuer},
            aud={"essential": True, "value": client.client_id},
            iat={"essential": True},
            jti={"essential": True},
            events={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError, KeyError) as error:
        raise SignInError("invalid_logout_token", "") from error
    claims = decoded.claims
    events = claims["events"]
    if not isinstance(events, dict) or not isinstance(events.get(BACK_CHANNEL_LOGOUT_EVENT), dict):
        raise SignInError("logout_token_without_logout_event", "")
    if "nonce" in claims:
        raise SignInError("logout_token_with_nonce", "")
    if not claims.get("sub") and not claims.get("sid"):
        raise SignInError("logout_token_names_nobody", "")
    issued = datetime.fromtimestamp(int(claims["iat"]), tz=clock.now().tzinfo)
    if issued < clock.now() - LOGOUT_TOKEN_MAX_AGE:
        raise SignInError("logout_token_too_old", "")
    return dict(claims)


def record_logout_token(db: Session, issuer: str, jti: str) -> None:
    """Remember a logout token acted on; raise if it was used before, here or by another
    process at the same moment."""
    db.execute(
        delete(LogoutTokenUse).where(
            LogoutTokenUse.used_at < clock.now() - 2 * LOGOUT_TOKEN_MAX_AGE
        )
    )
    try:
        with db.begin_nested():
            db.add(LogoutTokenUse(issuer=issuer, jti=jti[:255]))
    except IntegrityError as error:
        raise SignInError("logout_token_replayed", "") from error


def _decode(cache: ProviderCache, issuer: str, token: str) -> Token:
    """A JWT signed by one of the provider's keys, fetching them again for a key id we do not
    know yet (the provider has rotated its keys)."""
    algorithms = [
        alg
        for alg in metadata(cache, issuer).get("id_token_signing_alg_values_supported", ["RS256"])
        if alg != "none" and not alg.startswith("HS")
    ]
    try:
        try:
            return jwt.decode(token, cache.keys(issuer), algorithms=algorithms)
        except InvalidKeyIdError:
            return jwt.decode(token, cache.keys(issuer, refresh=True), algorithms=algorithms)
    except ProviderUnavailable as error:
        raise SignInError("provider_unavailable", _UNAVAILABLE) from error


def logout_url(
    cache: ProviderCache,
    issuer: str,
    post_logout_redirect_uri: str,
    client_id: str,
    id_token: str | None,
) -> str | None:
    """Where to send the browser to sign out at the provider, if it publishes such a page."""
    try:
        endpoint = metadata(cache, issuer).get("end_session_endpoint")
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
_MISCONFIGURED = (
    "The portal is not set up to sign in people from your organisation yet. "
    "Please tell the portal's administrators."
)

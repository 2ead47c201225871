"""Sign-in as the standards have it, proven by the certified provider: PKCE, issuer in the
authorization response, key rotation, a provider that is down, redirect addresses from
configuration, a rate limit that cannot lock an agency out, each client authentication method,
and back-channel logout."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies import agencies, users
from agencies.models import Agency, AgencyKind, Role, User
from portal import client_keys, clock, provider_metadata, rate_limit
from portal.app import create_app
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.oidc import BACK_CHANNEL_LOGOUT_EVENT, SignInAttempt
from portal.sign_in_sessions import SignInSession
from tests.agencies.test_signin import audit_actions, failure_reasons, with_query
from tests.conftest import app_settings, csrf_token
from tests.support import local_provider, people
from tests.support.local_provider import provider_process
from tests.support.postgres import free_port
from tests.support.providers import (
    CLIENT_IDS,
    Provider,
    accepting_only,
    authorize_at_provider,
    config,
    local_path,
    new_key,
    sign_in,
)


@pytest.fixture
def chair(db: Session, admin: User) -> User:
    return people.person(
        db, admin, people.provider_of(db, "probation"), "grace", [Role.PANEL_CHAIR]
    )


def register(db: Session, slug: str, issuer: str, method: str = "none") -> Agency:
    agency = agencies.register_agency(
        db,
        None,
        name=f"Agency {slug}",
        kind=AgencyKind.HOUSING,
        slug=slug,
        issuer=issuer,
        client_id=CLIENT_IDS[method],
        token_endpoint_auth_method=method,
    )
    db.commit()
    return agency


def use_method(db: Session, admin: User, method: str) -> None:
    provider = people.provider_of(db, "probation")
    agencies.update_provider(
        db,
        db.merge(admin),
        provider,
        issuer=provider.issuer,
        client_id=CLIENT_IDS[method],
        auto_approve=False,
        enabled=True,
        token_endpoint_auth_method=method,
    )
    db.commit()


@pytest.fixture
def impatient_app(
    database_url: str, portal_base_url: str, portal_keys: dict[str, Any]
) -> Iterator[Flask]:
    """The portal waiting one second, not five, for a provider's answer."""
    settings = app_settings(database_url, portal_base_url, portal_keys)
    app = create_app({**settings, "OIDC_HTTP_TIMEOUT_SECONDS": "1"})
    yield app
    app.extensions["db_engine"].dispose()


# PKCE (RFC 7636): the provider checks the verifier.


@pytest.mark.parametrize("verifier", ["", "a-verifier-that-is-not-the-one-challenged" * 2])
def test_a_missing_or_wrong_pkce_verifier_is_refused_by_the_provider(
    client: FlaskClient, db: Session, chair: User, verifier: str
) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    callback = authorize_at_provider(location, "grace")
    attempt = db.scalars(select(SignInAttempt)).one()
    attempt.code_verifier = verifier
    db.commit()

    response = client.get(local_path(callback))
    assert response.status_code == 400
    assert "Please start again" in response.get_data(as_text=True)
    assert failure_reasons(db) == ["token_exchange_failed:invalid_grant"]
    assert client.get("/").status_code == 302


# Mix-up defence (RFC 9207).


@pytest.mark.parametrize("iss", ["http://127.0.0.1:1/another-provider", None])
def test_an_authorization_response_not_from_the_provider_the_sign_in_began_with_is_refused(
    client: FlaskClient, db: Session, chair: User, iss: str | None
) -> None:
    location = client.get("/sign-in/probation").headers["Location"]
    callback = authorize_at_provider(location, "grace")
    assert parse_qs(urlsplit(callback).query)["iss"]  # the provider says who it is
    response = client.get(local_path(with_query(callback, iss=iss)))
    assert response.status_code == 400
    assert failure_reasons(db) == ["authorization_response_issuer_mismatch"]
    assert client.get("/").status_code == 302


def test_another_agencys_provider_answering_for_this_one_is_refused(
    client: FlaskClient, db: Session, police: Agency, tampering_provider: Provider
) -> None:
    tampering_provider.misbehave("wrong_iss_parameter")
    response = sign_in(client, "police", "grace")
    assert response.status_code == 400
    assert failure_reasons(db) == ["authorization_response_issuer_mismatch"]
    assert db.scalar(select(User).where(User.subject == "grace")) is None


# Metadata and keys: kept, fetched again when the provider rotates its keys, timeouts.


def test_metadata_and_keys_are_fetched_once_for_many_sign_ins(
    client: FlaskClient, chair: User, provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []
    real_get = requests.get

    def counting_get(url: str, **kwargs: Any) -> requests.Response:
        fetched.append(url.removeprefix(provider.issuer))
        return real_get(url, **kwargs)

    monkeypatch.setattr(requests, "get", counting_get)
    for _ in range(3):
        assert sign_in(client, "probation", "grace").headers["Location"] == "/"
        client.post("/sign-out", data={"csrf_token": _sign_out_token(client)})
    assert sorted(fetched) == ["/.well-known/openid-configuration", "/jwks"]


def _sign_out_token(client: FlaskClient) -> str:
    return csrf_token(client, "/sign-out")


def test_keys_rotated_at_the_provider_between_two_sign_ins_are_fetched_again(
    client: FlaskClient,
    db: Session,
    tmp_path: Path,
    portal_base_url: str,
    portal_keys: dict[str, Any],
) -> None:
    issuer = f"http://127.0.0.1:{free_port()}"
    register(db, "rotating", issuer)
    for key in (new_key(), new_key()):
        settings = config(portal_base_url, "rotating", "unused", portal_keys, [key], issuer)
        with provider_process(settings, tmp_path):
            # A newcomer whose ID token was verified is told their account waits for approval.
            response = sign_in(client, "rotating", "newcomer")
            assert response.headers["Location"] == "/sign-in/pending"
    assert failure_reasons(db) == []


def test_a_provider_that_is_down_gives_the_not_responding_page(
    client: FlaskClient, db: Session
) -> None:
    register(db, "down", f"http://127.0.0.1:{free_port()}")
    response = client.get("/sign-in/down")
    assert response.status_code == 502
    assert "is not responding" in response.get_data(as_text=True)
    assert failure_reasons(db) == ["provider_unavailable"]


def test_a_provider_that_never_answers_gives_the_not_responding_page_quickly(
    impatient_app: Flask,
) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        session = impatient_app.extensions["db_sessionmaker"]()
        register(session, "silent", f"http://127.0.0.1:{silent.getsockname()[1]}")
        began = time.monotonic()
        response = impatient_app.test_client().get("/sign-in/silent")
        took = time.monotonic() - began
        session.close()
    assert response.status_code == 502
    assert "is not responding" in response.get_data(as_text=True)
    assert took < 3


def test_a_provider_that_goes_down_during_sign_in_gives_the_not_responding_page(
    client: FlaskClient,
    db: Session,
    tmp_path: Path,
    portal_base_url: str,
    portal_keys: dict[str, Any],
) -> None:
    issuer = f"http://127.0.0.1:{free_port()}"
    register(db, "fading", issuer)
    settings = config(portal_base_url, "fading", "unused", portal_keys, [new_key()], issuer)
    with provider_process(settings, tmp_path):
        callback = authorize_at_provider(client.get("/sign-in/fading").headers["Location"], "ada")
    response = client.get(local_path(callback))
    assert response.status_code == 502
    assert "is not responding" in response.get_data(as_text=True)
    assert failure_reasons(db) == ["provider_unavailable"]


# Addresses come from PORTAL_BASE_URL, never from what the browser says.


def test_the_redirect_uri_ignores_the_host_header(
    client: FlaskClient, chair: User, portal_base_url: str
) -> None:
    for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}):
        location = client.get("/sign-in/probation", headers=headers).headers["Location"]
        query = parse_qs(urlsplit(location).query)
        assert query["redirect_uri"] == [portal_base_url + "/sign-in/probation/callback"]
    callback = authorize_at_provider(location, "grace")
    assert callback.startswith(portal_base_url + "/sign-in/probation/callback?")
    assert client.get(local_path(callback)).headers["Location"] == "/"


# A rate limit that cannot lock an agency out.


@pytest.fixture
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hit in a test falls in one window: a test that crosses a minute boundary would
    otherwise start counting again."""
    start = clock.now()
    monkeypatch.setattr(rate_limit, "_window", lambda window_seconds: start)


def test_a_flood_of_junk_callbacks_does_not_stop_a_genuine_sign_in(
    app: Flask, client: FlaskClient, db: Session, chair: User, one_window: None
) -> None:
    app.config["SIGN_IN_RATE_LIMIT"] = 5
    junk = app.test_client()  # the same address as the genuine browser
    codes = [junk.get("/sign-in/probation/callback?state=x&code=y").status_code for _ in range(9)]
    assert codes == [400] * 5 + [429] * 4
    # Past the limit the junk costs no more writes to the audit log.
    assert failure_reasons(db) == ["state_mismatch"] * 5

    assert sign_in(client, "probation", "grace").headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sign_ins_started_from_one_address_are_limited(
    app: Flask, client: FlaskClient, db: Session, agency: Agency, one_window: None
) -> None:
    app.config["SIGN_IN_START_RATE_LIMIT"] = 3
    codes = [client.get("/sign-in/probation").status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert "Too many" in client.get("/sign-in/probation").get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(SignInAttempt)) == 3


# Client authentication, each method against a provider client registered for it alone.


@pytest.mark.parametrize("method", sorted(CLIENT_IDS))
def test_each_client_authentication_method_signs_in(
    client: FlaskClient, db: Session, admin: User, chair: User, method: str
) -> None:
    use_method(db, admin, method)
    assert sign_in(client, "probation", "grace").headers["Location"] == "/"
    assert "Grace Hopper" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_a_wrong_client_secret_is_refused_by_the_provider(
    app: Flask, client: FlaskClient, db: Session, admin: User, chair: User, method: str
) -> None:
    use_method(db, admin, method)
    app.config["OIDC_CLIENT_SECRETS"]["PROBATION"] = "not-the-secret"
    assert sign_in(client, "probation", "grace").status_code == 400
    assert failure_reasons(db) == ["token_exchange_failed:invalid_client"]


def test_an_assertion_signed_with_a_key_the_provider_does_not_know_is_refused(
    app: Flask, client: FlaskClient, db: Session, admin: User, chair: User
) -> None:
    use_method(db, admin, "private_key_jwt")
    app.config["OIDC_SIGNING_KEYS"] = client_keys.parse(
        json.dumps({"keys": [client_keys.generate()]})
    )
    assert sign_in(client, "probation", "grace").status_code == 400
    assert failure_reasons(db) == ["token_exchange_failed:invalid_client"]


@pytest.mark.parametrize(
    ("method", "setting", "reason"),
    [
        ("client_secret_basic", "OIDC_CLIENT_SECRETS", "no_client_secret"),
        ("private_key_jwt", "OIDC_SIGNING_KEYS", "no_signing_key"),
    ],
)
def test_a_missing_credential_stops_the_sign_in_before_the_provider(
    app: Flask,
    client: FlaskClient,
    db: Session,
    admin: User,
    method: str,
    setting: str,
    reason: str,
) -> None:
    use_method(db, admin, method)
    app.config[setting] = {} if setting == "OIDC_CLIENT_SECRETS" else []
    response = client.get("/sign-in/probation")
    assert response.status_code == 400
    assert "not set up to sign in people from your organisation" in response.get_data(as_text=True)
    assert failure_reasons(db) == [reason]


def test_registration_refuses_a_method_the_provider_does_not_accept(
    app: Flask, tmp_path: Path, portal_base_url: str, portal_keys: dict[str, Any]
) -> None:
    settings = config(portal_base_url, "narrow", "unused", portal_keys, [new_key()])
    settings = accepting_only(settings, "private_key_jwt")
    with provider_process(settings, tmp_path) as issuer, app.app_context():
        cache = provider_metadata.current()
        agencies.check_provider(cache, issuer, "private_key_jwt")
        with pytest.raises(DomainError, match="does not accept client_secret_post"):
            agencies.check_provider(cache, issuer, "client_secret_post")
        with pytest.raises(DomainError, match="did not answer"):
            agencies.check_provider(cache, f"http://127.0.0.1:{free_port()}", "none")


def test_the_portal_publishes_the_public_half_of_its_keys(
    client: FlaskClient, portal_keys: dict[str, Any]
) -> None:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    published = response.get_json()["keys"]
    assert [key["kid"] for key in published] == [key["kid"] for key in portal_keys["keys"]]
    assert all(key["use"] == "sig" and key["alg"] == "RS256" for key in published)
    assert not any(private in key for key in published for private in ("d", "p", "q", "dp"))


# Back-channel logout (OpenID Connect Back-Channel Logout 1.0).


def test_signing_out_at_the_provider_ends_the_portal_session_at_once(
    live_server: str, db: Session, chair: User, provider: Provider
) -> None:
    browser = requests.Session()
    start = browser.get(live_server + "/sign-in/probation", allow_redirects=False)
    callback = local_provider.authorize(browser, start.headers["Location"], "grace")
    assert browser.get(callback, allow_redirects=False).headers["Location"] == "/"
    assert browser.get(live_server + "/", allow_redirects=False).status_code == 200

    # The person signs out at their agency, not in the portal.
    page = local_provider.walk(browser, provider.issuer + "/session/end", provider.issuer)
    form = next(form for form in local_provider.forms_of(page.text) if form.buttons)
    local_provider.submit(browser, page, form, {"logout": "yes"})

    assert browser.get(live_server + "/", allow_redirects=False).status_code == 302
    db.expire_all()
    ended = db.scalars(select(SignInSession)).one()
    assert ended.end_reason == "signed_out_at_provider"
    assert "signin.back_channel_logout" in audit_actions(db)


def logout_token(provider: Provider, **changes: Any) -> str:
    claims = {
        "iss": provider.issuer,
        "aud": CLIENT_IDS["client_secret_basic"],
        "iat": int(time.time()),
        "jti": f"jti-{time.monotonic_ns()}",
        "sub": "grace",
        "events": {BACK_CHANNEL_LOGOUT_EVENT: {}},
    }
    for claim, value in changes.items():
        if value is None:
            claims.pop(claim)
        else:
            claims[claim] = value
    return provider.sign(claims)


def post_logout(app: Flask, token: str) -> int:
    response = app.test_client().post(
        "/sign-in/probation/back-channel-logout", data={"logout_token": token}
    )
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code


def logout_refusals(db: Session) -> list[str]:
    db.expire_all()
    return [
        event.details["reason"]
        for event in db.scalars(
            select(AuditEvent).where(AuditEvent.action == "signin.back_channel_logout_refused")
        )
    ]


def test_a_logout_token_from_the_provider_ends_every_session_of_that_person(
    app: Flask, client: FlaskClient, db: Session, chair: User, provider: Provider
) -> None:
    sign_in(client, "probation", "grace")
    other_browser = app.test_client()
    sign_in(other_browser, "probation", "grace")
    assert post_logout(app, logout_token(provider)) == 200
    assert client.get("/").status_code == 302
    assert other_browser.get("/").status_code == 302


def test_a_logout_token_naming_a_provider_session_ends_only_that_one(
    app: Flask, client: FlaskClient, db: Session, chair: User, provider: Provider
) -> None:
    sign_in(client, "probation", "grace")
    other_browser = app.test_client()
    sign_in(other_browser, "probation", "grace")
    first = db.scalars(select(SignInSession).order_by(SignInSession.started_at)).first()
    assert first is not None and first.provider_sid
    assert post_logout(app, logout_token(provider, sub=None, sid=first.provider_sid)) == 200
    assert client.get("/").status_code == 302
    assert other_browser.get("/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "http://127.0.0.1:1/another-provider"}, "invalid_logout_token"),
        ({"aud": "some-other-service"}, "invalid_logout_token"),
        ({"jti": None}, "invalid_logout_token"),
        ({"iat": None}, "invalid_logout_token"),
        ({"exp": int(time.time()) - 3600}, "invalid_logout_token"),
        ({"events": None}, "invalid_logout_token"),
        ({"events": {"http://example.com/another-event": {}}}, "logout_token_without_logout_event"),
        ({"nonce": "an-id-token-nonce"}, "logout_token_with_nonce"),
        ({"sub": None}, "logout_token_names_nobody"),
        ({"iat": int(time.time()) - 3600}, "logout_token_too_old"),
    ],
)
def test_a_logout_token_failing_a_check_is_refused(
    app: Flask,
    client: FlaskClient,
    db: Session,
    chair: User,
    provider: Provider,
    changes: dict[str, Any],
    reason: str,
) -> None:
    sign_in(client, "probation", "grace")
    assert post_logout(app, logout_token(provider, **changes)) == 400
    assert logout_refusals(db) == [reason]
    assert client.get("/").status_code == 200


def test_a_logout_token_not_signed_by_the_provider_is_refused(
    app: Flask, client: FlaskClient, db: Session, chair: User, provider: Provider
) -> None:
    sign_in(client, "probation", "grace")
    genuine_kid = provider.keys[0]["kid"]
    for impostor in (
        Provider(provider.issuer, ({**new_key(), "kid": genuine_kid},)),
        Provider(provider.issuer, (new_key(),)),  # a key id the provider never published
    ):
        assert post_logout(app, logout_token(impostor)) == 400
    assert logout_refusals(db) == ["invalid_logout_token"] * 2
    assert client.get("/").status_code == 200


def test_an_id_token_is_not_a_logout_token(
    app: Flask, client: FlaskClient, db: Session, chair: User
) -> None:
    sign_in(client, "probation", "grace")
    id_token = db.scalars(select(SignInSession)).one().id_token
    assert id_token is not None
    assert post_logout(app, id_token) == 400
    assert client.get("/").status_code == 200


def test_a_logout_token_cannot_be_replayed(
    app: Flask, client: FlaskClient, db: Session, chair: User, provider: Provider
) -> None:
    token = logout_token(provider)
    sign_in(client, "probation", "grace")
    assert post_logout(app, token) == 200
    assert client.get("/").status_code == 302
    sign_in(client, "probation", "grace")
    assert post_logout(app, token) == 400
    assert logout_refusals(db) == ["logout_token_replayed"]
    assert client.get("/").status_code == 200


def test_junk_logout_requests_meet_the_failure_limit(
    app: Flask, db: Session, agency: Agency, one_window: None
) -> None:
    app.config["SIGN_IN_RATE_LIMIT"] = 2
    codes = [post_logout(app, "not-a-token") for _ in range(4)]
    assert codes == [400, 400, 429, 429]


def test_a_whole_sign_in_life_at_the_certified_provider(
    client: FlaskClient, db: Session, admin: User, provider: Provider, portal_base_url: str
) -> None:
    assert sign_in(client, "probation", "newcomer").headers["Location"] == "/sign-in/pending"
    newcomer = db.scalars(select(User).where(User.subject == "newcomer")).one()
    users.approve(db, db.merge(admin), newcomer)
    db.commit()

    # The browser keeps the provider's cookies: it is signed in there too.
    browser = requests.Session()
    start = client.get("/sign-in/probation").headers["Location"]
    callback = local_provider.authorize(browser, start, "newcomer")
    assert client.get(local_path(callback)).headers["Location"] == "/"
    assert "Nia Newcomer" in client.get("/").get_data(as_text=True)

    # Signing out here sends the browser to sign out at the provider (RP-initiated logout),
    # which names the session with the ID token and sends the browser back to the portal.
    location = client.post("/sign-out", data={"csrf_token": _sign_out_token(client)}).headers[
        "Location"
    ]
    page = local_provider.walk(browser, location, provider.issuer)
    assert "Sign out of" in page.text
    form = next(form for form in local_provider.forms_of(page.text) if form.buttons)
    back = local_provider.submit(browser, page, form, {"logout": "yes"})
    assert back.headers["Location"].startswith(portal_base_url + "/signed-out")
    assert client.get(local_path(back.headers["Location"])).status_code == 200
    assert client.get("/").status_code == 302

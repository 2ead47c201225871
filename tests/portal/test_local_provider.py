"""The local sign-in provider (oidc-provider) holds the portal to the standards a real one does."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, RSAKey

from tests.support.local_provider import (
    authorize,
    deny,
    forms_of,
    misbehave,
    provider_process,
    submit,
    walk,
)

TITLE = "Metropolitan Police (demo)"
# Nothing listens on port 1: the flows below stop at the redirect and never follow it there.
CLIENT = "http://127.0.0.1:1"
CALLBACK = f"{CLIENT}/callback"
SIGNED_OUT = f"{CLIENT}/signed-out"
SECRET = "a-long-enough-client-secret-for-the-tests"  # noqa: S105
CLIENT_KEY = RSAKey.generate_key(2048, parameters={"kid": "portal-key"}, private=True)
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "portal-key"}, private=True)

PEOPLE = [
    {
        "sub": "grace",
        "name": "Grace Hopper",
        "email": "grace@example.gov.uk",
        "description": "chair",
    },
    {"sub": "ada", "name": "Ada Lovelace", "email": "ada@example.gov.uk", "description": "member"},
]


def client_metadata(client_id: str, method: str, **more: Any) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "token_endpoint_auth_method": method,
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": [SIGNED_OUT],
        **more,
    }


class BackchannelLogouts(BaseHTTPRequestHandler):
    received: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.received.append(parse_qs(body)["logout_token"][0])
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def backchannel() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), BackchannelLogouts)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/backchannel-logout"
    server.shutdown()


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory, backchannel: str) -> Iterator[str]:
    config = {
        "title": TITLE,
        "people": PEOPLE,
        "testing": True,
        "clients": [
            client_metadata("public", "none", backchannel_logout_uri=backchannel),
            client_metadata("basic", "client_secret_basic", client_secret=SECRET),
            client_metadata("post", "client_secret_post", client_secret=SECRET),
            client_metadata(
                "jwt", "private_key_jwt", jwks={"keys": [CLIENT_KEY.as_dict(private=False)]}
            ),
        ],
    }
    with provider_process(config, tmp_path_factory.mktemp("provider")) as started:
        yield started


@pytest.fixture
def honest(issuer: str) -> Iterator[str]:
    yield issuer
    misbehave(issuer, "honest")


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_url(issuer: str, client_id: str = "public", **params: str) -> str:
    query = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid profile email",
        "redirect_uri": CALLBACK,
        "state": "the-state",
        "nonce": "the-nonce",
        "code_challenge_method": "S256",
        **params,
    }
    return f"{issuer}/auth?{urlencode({k: v for k, v in query.items() if v})}"


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def signed_in_code(
    issuer: str, client_id: str = "public", subject: str = "grace"
) -> tuple[str, str]:
    """A fresh authorization code and its PKCE verifier."""
    verifier, challenge = pkce()
    callback = authorize(
        None, authorization_url(issuer, client_id, code_challenge=challenge), subject
    )
    return query_of(callback)["code"], verifier


def token_response(issuer: str, code: str, verifier: str | None, **more: Any) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    if verifier is not None:
        data["code_verifier"] = verifier
    return requests.post(
        f"{issuer}/token", data={**data, **more.pop("data", {})}, timeout=10, **more
    )


def id_token_of(issuer: str, client_id: str = "public", subject: str = "grace") -> str:
    code, verifier = signed_in_code(issuer, client_id, subject)
    response = token_response(issuer, code, verifier, data={"client_id": client_id})
    assert response.status_code == 200, response.text
    token: str = response.json()["id_token"]
    return token


def verified_claims(issuer: str, id_token: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(requests.get(f"{issuer}/jwks", timeout=5).json())
    claims: dict[str, Any] = jwt.decode(id_token, keys).claims
    return claims


def unverified(id_token: str) -> dict[str, Any]:
    payload = id_token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def client_assertion(issuer: str, key: RSAKey, client_id: str = "jwt") -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": f"{issuer}/token",
        "jti": secrets.token_urlsafe(16),
        "iat": now,
        "exp": now + 60,
    }
    return jwt.encode({"alg": "RS256", "kid": "portal-key"}, claims, key)


def test_code_flow_with_pkce_gives_an_id_token_with_the_nonce_name_and_email(issuer: str) -> None:
    verifier, challenge = pkce()
    callback = authorize(None, authorization_url(issuer, code_challenge=challenge), "grace")

    assert callback.startswith(CALLBACK + "?")
    returned = query_of(callback)
    assert returned["state"] == "the-state"
    assert returned["iss"] == issuer  # RFC 9207
    response = token_response(issuer, returned["code"], verifier, data={"client_id": "public"})
    assert response.status_code == 200, response.text
    claims = verified_claims(issuer, response.json()["id_token"])
    assert claims["iss"] == issuer
    assert claims["aud"] == "public"
    assert claims["sub"] == "grace"
    assert claims["nonce"] == "the-nonce"
    assert claims["name"] == "Grace Hopper"
    assert claims["email"] == "grace@example.gov.uk"


def test_someone_typed_in_is_signed_in_under_their_subject_with_no_email(issuer: str) -> None:
    claims = verified_claims(issuer, id_token_of(issuer, subject="someone-new"))

    assert claims["sub"] == "someone-new"
    assert claims["name"] == "someone-new"
    assert "email" not in claims


def test_the_provider_remembers_who_signed_in_within_a_browser_session(issuer: str) -> None:
    browser = requests.Session()
    authorize(browser, authorization_url(issuer, code_challenge=pkce()[1]), "ada")

    # No sign-in page the second time: straight back to the client, as the same person.
    verifier, challenge = pkce()
    page = walk(browser, authorization_url(issuer, code_challenge=challenge), issuer)
    assert page.is_redirect
    code = query_of(page.headers["Location"])["code"]
    response = token_response(issuer, code, verifier, data={"client_id": "public"})
    assert verified_claims(issuer, response.json()["id_token"])["sub"] == "ada"


@pytest.mark.parametrize("verifier", [None, "a-wrong-verifier-" + "x" * 43], ids=["none", "wrong"])
def test_the_token_endpoint_refuses_a_code_without_its_pkce_verifier(
    issuer: str, verifier: str | None
) -> None:
    code, _right = signed_in_code(issuer)

    response = token_response(issuer, code, verifier, data={"client_id": "public"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_pkce_is_required_of_confidential_clients_too(issuer: str) -> None:
    url = authorization_url(issuer, "basic", code_challenge_method="")

    response = walk(requests.Session(), url, issuer)

    returned = query_of(response.headers["Location"])
    assert returned["error"] == "invalid_request"
    assert "PKCE" in returned["error_description"]


@pytest.mark.parametrize(
    "redirect_uri",
    [
        CALLBACK + "/",
        CALLBACK + "?next=/",
        "http://127.0.0.1:2/callback",
        "http://localhost:1/callback",
        f"{CLIENT}/Callback",
        "http://evil.example/callback",
    ],
)
def test_a_redirect_uri_not_registered_exactly_is_refused(issuer: str, redirect_uri: str) -> None:
    url = authorization_url(issuer, code_challenge=pkce()[1], redirect_uri=redirect_uri)

    response = walk(requests.Session(), url, issuer)

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "redirect_uri did not match any of the client&#39;s registered redirect_uris" in (
        response.text
    )


def test_client_secret_basic_with_the_wrong_secret_is_refused(issuer: str) -> None:
    code, verifier = signed_in_code(issuer, "basic")

    wrong = token_response(issuer, code, verifier, auth=("basic", "not-the-secret"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"


def test_client_secret_basic_with_the_right_secret_is_accepted(issuer: str) -> None:
    code, verifier = signed_in_code(issuer, "basic")

    response = token_response(issuer, code, verifier, auth=("basic", SECRET))

    assert response.status_code == 200, response.text
    assert verified_claims(issuer, response.json()["id_token"])["aud"] == "basic"


def test_client_secret_post_is_accepted(issuer: str) -> None:
    code, verifier = signed_in_code(issuer, "post")

    data = {"client_id": "post", "client_secret": SECRET}
    response = token_response(issuer, code, verifier, data=data)

    assert response.status_code == 200, response.text


def test_private_key_jwt_is_accepted_when_signed_by_the_registered_key(issuer: str) -> None:
    code, verifier = signed_in_code(issuer, "jwt")

    data = {
        "client_id": "jwt",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion(issuer, CLIENT_KEY),
    }
    response = token_response(issuer, code, verifier, data=data)

    assert response.status_code == 200, response.text


def test_private_key_jwt_is_refused_when_signed_by_another_key(issuer: str) -> None:
    code, verifier = signed_in_code(issuer, "jwt")

    data = {
        "client_id": "jwt",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion(issuer, OTHER_KEY),
    }
    response = token_response(issuer, code, verifier, data=data)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_cancelling_sends_access_denied_back_to_the_client(issuer: str) -> None:
    callback = deny(authorization_url(issuer, code_challenge=pkce()[1]))

    assert callback.startswith(CALLBACK + "?")
    returned = query_of(callback)
    assert returned["error"] == "access_denied"
    assert returned["state"] == "the-state"
    assert returned["iss"] == issuer


def test_an_empty_subject_asks_again(issuer: str) -> None:
    browser = requests.Session()
    page = walk(browser, authorization_url(issuer, code_challenge=pkce()[1]), issuer)
    typed = next(form for form in forms_of(page.text) if "sub" in form.text_inputs)

    again = submit(browser, page, typed, {"sub": "  "})

    assert again.status_code == 400
    assert "Enter a subject" in again.text


def test_rp_initiated_logout_signs_out_and_returns_to_the_registered_address(
    issuer: str, backchannel: str
) -> None:
    browser = requests.Session()
    verifier, challenge = pkce()
    callback = authorize(browser, authorization_url(issuer, code_challenge=challenge), "grace")
    response = token_response(
        issuer, query_of(callback)["code"], verifier, data={"client_id": "public"}
    )
    id_token = response.json()["id_token"]
    BackchannelLogouts.received.clear()

    query = {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"}
    page = walk(browser, f"{issuer}/session/end?{urlencode(query)}", issuer)
    assert page.status_code == 200
    assert f"<h1>Sign out of {TITLE}?</h1>" in page.text
    (form,) = forms_of(page.text)
    assert "xsrf" in form.fields
    assert ("Sign out", "logout", "yes") in form.buttons
    signed_out = submit(browser, page, form, {"logout": "yes"})

    assert signed_out.is_redirect
    assert signed_out.headers["Location"] == f"{SIGNED_OUT}?state=bye"
    # The client is told through the back channel too.
    (logout_token,) = BackchannelLogouts.received
    logout = verified_claims(issuer, logout_token)
    assert logout["sub"] == "grace"
    assert "http://schemas.openid.net/event/backchannel-logout" in logout["events"]
    # Signed out at the provider: the next sign-in shows its page again.
    assert (
        walk(browser, authorization_url(issuer, code_challenge=challenge), issuer).status_code
        == 200
    )


def test_staying_signed_in_keeps_the_provider_session_but_ends_the_clients(issuer: str) -> None:
    browser = requests.Session()
    verifier, challenge = pkce()
    callback = authorize(browser, authorization_url(issuer, code_challenge=challenge), "ada")
    code = query_of(callback)["code"]
    id_token = token_response(issuer, code, verifier, data={"client_id": "public"}).json()[
        "id_token"
    ]

    query = {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT}
    page = walk(browser, f"{issuer}/session/end?{urlencode(query)}", issuer)
    (form,) = forms_of(page.text)
    assert ("Stay signed in", "", "") in form.buttons
    returned = submit(browser, page, form, {})

    assert returned.headers["Location"] == SIGNED_OUT
    again = walk(browser, authorization_url(issuer, code_challenge=pkce()[1]), issuer)
    assert again.is_redirect  # No sign-in page: still signed in at the provider.


def test_logout_without_a_return_address_ends_on_the_providers_signed_out_page(
    issuer: str,
) -> None:
    browser = requests.Session()
    authorize(browser, authorization_url(issuer, code_challenge=pkce()[1]), "grace")

    page = walk(browser, f"{issuer}/session/end", issuer)
    (form,) = forms_of(page.text)
    done = submit(browser, page, form, {"logout": "yes"})

    assert done.status_code == 200
    assert f"<h1>You have signed out of {TITLE}</h1>" in done.text


@pytest.mark.parametrize(
    ("mode", "changed"),
    [
        ("wrong_issuer", {"iss": "http://127.0.0.1:1/not-the-registered-issuer"}),
        ("wrong_audience", {"aud": "some-other-service"}),
        ("drop_nonce", {}),
        ("expired", {}),
    ],
)
def test_a_misbehaving_provider_re_signs_the_id_token_it_spoils(
    honest: str, mode: str, changed: dict[str, str]
) -> None:
    misbehave(honest, mode)

    # Verified against the provider's keys: only the claim is wrong, not the signature.
    claims = verified_claims(honest, id_token_of(honest))

    assert claims["sub"] == "grace"
    assert claims.items() >= changed.items()
    assert ("nonce" in claims) is (mode != "drop_nonce")
    if mode == "expired":
        assert claims["exp"] < time.time() - 3000
        assert claims["iat"] == claims["exp"] - 3600


def test_a_bad_signature_is_the_originals_over_another_subject(honest: str) -> None:
    misbehave(honest, "bad_signature")

    id_token = id_token_of(honest)

    assert unverified(id_token)["sub"] == "someone-else"
    with pytest.raises(BadSignatureError):
        verified_claims(honest, id_token)


def test_a_wrong_iss_parameter_spoils_only_the_authorization_response(honest: str) -> None:
    misbehave(honest, "wrong_iss_parameter")
    verifier, challenge = pkce()

    callback = authorize(None, authorization_url(honest, code_challenge=challenge), "grace")

    returned = query_of(callback)
    assert returned["iss"] == "http://127.0.0.1:1/another-provider"
    response = token_response(honest, returned["code"], verifier, data={"client_id": "public"})
    assert verified_claims(honest, response.json()["id_token"])["iss"] == honest


def test_honest_restores_the_true_token(honest: str) -> None:
    misbehave(honest, "wrong_audience")
    misbehave(honest, "honest")

    assert verified_claims(honest, id_token_of(honest))["aud"] == "public"


def test_an_unknown_misbehaviour_is_refused(issuer: str) -> None:
    response = requests.put(f"{issuer}/test/misbehave/be-nice", timeout=5)

    assert response.status_code == 400


def test_without_testing_there_are_no_test_hooks(tmp_path: Path) -> None:
    config = {"title": TITLE, "people": PEOPLE, "clients": [client_metadata("public", "none")]}
    with provider_process(config, tmp_path) as started:
        response = requests.put(f"{started}/test/misbehave/honest", timeout=5)

    assert response.status_code == 404


def test_the_sign_in_page_loads_nothing_from_elsewhere(issuer: str) -> None:
    page = walk(requests.Session(), authorization_url(issuer, code_challenge=pkce()[1]), issuer)

    assert page.status_code == 200
    hosts = {urlsplit(url).hostname for url in re.findall(r"https?://[^\s\"'<>)]+", page.text)}
    assert hosts <= {"127.0.0.1"}
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_the_sign_in_page_offers_each_person_by_subject_and_escapes_what_it_shows(
    tmp_path: Path,
) -> None:
    people = [{"sub": "o'brien", "name": "<b>Pat</b> O'Brien", "description": "a & b"}]
    config = {
        "title": "Kent & <Medway>",
        "people": people,
        "clients": [client_metadata("public", "none")],
    }
    with provider_process(config, tmp_path) as started:
        url = authorization_url(started, code_challenge=pkce()[1])
        page = walk(requests.Session(), url, started)

    assert '<html lang="en">' in page.text
    assert "<title>Sign in – Kent &#38; &#60;Medway&#62;</title>" in page.text
    assert "<h1>Sign in to Kent &#38; &#60;Medway&#62;</h1>" in page.text
    assert "&#60;b&#62;Pat&#60;/b&#62; O&#39;Brien, a &#38; b" in page.text
    assert "<b>" not in page.text
    buttons = [button for form in forms_of(page.text) for button in form.buttons]
    assert ("o'brien", "sub", "o'brien") in buttons
    assert ("Sign in", "", "") in buttons
    assert ("Cancel", "", "") in buttons


def test_an_interaction_page_without_its_cookie_is_an_error_page_not_a_crash(issuer: str) -> None:
    response = requests.get(f"{issuer}/interaction/not-a-real-one", timeout=5)

    assert response.status_code == 400
    assert "<h1>Sorry, there is a problem</h1>" in response.text
    assert "interaction session id cookie not found" in response.text

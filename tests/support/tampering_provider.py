"""A real OpenID Connect provider (oidc-provider-mock) that can be told to misbehave.

It runs the whole code flow as the plain provider does; when told to, it changes the ID token
it hands out at the token endpoint in one way, so each of the portal's checks can be shown
to refuse it. Run as `python -m tests.support.tampering_provider PORT`.
"""

from __future__ import annotations

import base64
import json
import sys
import time

import flask
import oidc_provider_mock
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

MODES = ("honest", "wrong_issuer", "wrong_audience", "expired", "bad_signature", "drop_nonce")


def _claims_of(id_token: str) -> tuple[dict[str, object], dict[str, object]]:
    header, payload, _signature = id_token.split(".")
    pad = lambda part: part + "=" * (-len(part) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
    )


def tamper(id_token: str, mode: str, signing_key: dict[str, object]) -> str:
    header, claims = _claims_of(id_token)
    if mode == "bad_signature":
        # Change who the token is about but keep the provider's signature of the original.
        forged = dict(claims, sub="someone-else")
        body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
        first, _payload, signature = id_token.split(".")
        return f"{first}.{body}.{signature}"
    now = int(time.time())
    changes: dict[str, object] = {
        "wrong_issuer": {"iss": "http://127.0.0.1:1/not-the-registered-issuer"},
        "wrong_audience": {"aud": "some-other-service"},
        "expired": {"iat": now - 7200, "exp": now - 3600},
    }.get(mode, {})
    claims = {**claims, **changes}
    if mode == "drop_nonce":
        claims.pop("nonce", None)
    return jwt.encode(header, claims, RSAKey.import_key(signing_key))


def make_app() -> flask.Flask:
    app = oidc_provider_mock.app(require_nonce=False, issue_refresh_token=False)
    app.config["MISBEHAVIOUR"] = "honest"

    @app.put("/misbehave/<mode>")
    def misbehave(mode: str) -> tuple[str, int]:
        if mode not in MODES:
            return "unknown mode", 400
        app.config["MISBEHAVIOUR"] = mode
        return "", 204

    @app.after_request
    def change_id_token(response: flask.Response) -> flask.Response:
        mode = app.config["MISBEHAVIOUR"]
        if flask.request.path != "/oauth2/token" or mode == "honest" or response.status_code != 200:
            return response
        token = response.get_json()
        key = flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True)
        token["id_token"] = tamper(token["id_token"], mode, key)
        response.set_data(json.dumps(token))
        return response

    return app


if __name__ == "__main__":
    make_server("127.0.0.1", int(sys.argv[1]), make_app(), threaded=True).serve_forever()

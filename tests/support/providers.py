"""Real OpenID Connect provider processes on loopback, and a test browser's walk through them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.demo import wait_for
from tests.support.postgres import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PEOPLE = (
    {"sub": "ada", "name": "Ada Lovelace", "email": "ada@example.gov.uk"},
    {"sub": "grace", "name": "Grace Hopper", "email": "grace@example.gov.uk"},
    {"sub": "alan", "name": "Alan Turing", "email": "alan@example.gov.uk"},
    {"sub": "newcomer", "name": "Nia Newcomer", "email": "nia@example.gov.uk"},
)


@dataclass(frozen=True)
class Provider:
    issuer: str

    def misbehave(self, mode: str) -> None:
        requests.put(f"{self.issuer}/misbehave/{mode}", timeout=5).raise_for_status()


@contextmanager
def provider_process(tampering: bool = False) -> Iterator[Provider]:
    port = free_port()
    if tampering:
        command = [sys.executable, "-m", "tests.support.tampering_provider", str(port)]
    else:
        command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
        command += ["--no-refresh-token"]
        for person in PEOPLE:
            command += ["--user-claims", json.dumps(person)]
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        issuer = f"http://127.0.0.1:{port}"
        wait_for(issuer + "/.well-known/openid-configuration")
        yield Provider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


def authorize_at_provider(authorization_url: str, subject: str) -> str:
    """Sign in at the provider's page as `subject`; return where it sends the browser back."""
    response = requests.post(
        authorization_url, data={"sub": subject}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def sign_in(client: FlaskClient, slug: str, subject: str) -> TestResponse:
    """The whole code flow: portal → provider's sign-in page → portal's callback."""
    start = client.get(f"/sign-in/{slug}")
    assert start.status_code == 302, start.get_data(as_text=True)
    callback = authorize_at_provider(start.headers["Location"], subject)
    return client.get(local_path(callback))

"""The local sign-in provider's own pages, in a real browser: usable, and accessible to axe."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import accessibility_violations, heading
from tests.support.local_provider import provider_process

TITLE = "Metropolitan Police (demo)"
CLIENT = "http://127.0.0.1:1"
CALLBACK = f"{CLIENT}/callback"
SIGNED_OUT = f"{CLIENT}/signed-out"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[str]:
    config = {
        "title": TITLE,
        "people": [
            {
                "sub": "grace",
                "name": "Grace Hopper",
                "email": "grace@example.gov.uk",
                "description": "panel chair",
            },
            {"sub": "ada", "name": "Ada Lovelace", "email": "ada@example.gov.uk"},
        ],
        "clients": [
            {
                "client_id": "portal",
                "token_endpoint_auth_method": "none",
                "redirect_uris": [CALLBACK],
                "post_logout_redirect_uris": [SIGNED_OUT],
            }
        ],
    }
    with provider_process(config, tmp_path) as started:
        yield started


def _the_client(route: Route) -> None:
    # Nothing listens at the client's addresses: stand in for it with an empty page.
    route.fulfill(status=200, content_type="text/html", body="<!DOCTYPE html><title>client</title>")


def _sign_in_page(page: Page, issuer: str) -> str:
    """Open the provider's sign-in page as the portal would send someone; return the verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "client_id": "portal",
        "response_type": "code",
        "scope": "openid profile email",
        "redirect_uri": CALLBACK,
        "state": "the-state",
        "nonce": "the-nonce",
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    page.route(f"{CLIENT}/**", _the_client)
    page.goto(f"{issuer}/auth?{urlencode(query)}")
    return verifier


def _id_token(issuer: str, page: Page, verifier: str) -> str:
    code = parse_qs(urlsplit(page.url).query)["code"][0]
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": "portal",
        "code_verifier": verifier,
    }
    response = requests.post(f"{issuer}/token", data=data, timeout=10)
    response.raise_for_status()
    token: str = response.json()["id_token"]
    return token


def test_the_sign_in_and_sign_out_pages_are_accessible(page: Page, issuer: str) -> None:
    verifier = _sign_in_page(page, issuer)

    expect(page).to_have_title(f"Sign in – {TITLE}")
    expect(heading(page)).to_have_text(f"Sign in to {TITLE}")
    grace = page.get_by_role("button", name="grace", exact=True)
    expect(grace).to_have_accessible_description("Grace Hopper, panel chair")
    expect(page.get_by_role("textbox", name="Subject")).to_be_visible()
    assert accessibility_violations(page) == []
    # Someone using a keyboard sees where they are.
    page.keyboard.press("Tab")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "local-provider-sign-in.png"), full_page=True)

    grace.click()
    page.wait_for_url(f"{CALLBACK}?**")
    id_token = _id_token(issuer, page, verifier)

    query = {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"}
    page.goto(f"{issuer}/session/end?{urlencode(query)}")
    expect(heading(page)).to_have_text(f"Sign out of {TITLE}?")
    assert accessibility_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "local-provider-sign-out.png"), full_page=True)
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{SIGNED_OUT}?state=bye")
    assert page.csp_violations == []  # type: ignore[attr-defined]


def test_someone_else_signs_in_by_subject_then_sees_the_signed_out_page(
    page: Page, issuer: str
) -> None:
    _sign_in_page(page, issuer)
    page.get_by_role("textbox", name="Subject").fill("a-new-starter")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{CALLBACK}?**")

    page.goto(f"{issuer}/session/end")
    page.get_by_role("button", name="Sign out", exact=True).click()

    expect(heading(page)).to_have_text(f"You have signed out of {TITLE}")
    assert accessibility_violations(page) == []


def test_the_error_page_is_accessible(page: Page, issuer: str) -> None:
    page.goto(f"{issuer}/auth?client_id=nobody&response_type=code&scope=openid")

    expect(heading(page)).to_have_text("Sorry, there is a problem")
    assert accessibility_violations(page) == []

"""Every route has an access rule: anonymous visitors are refused everywhere but sign-in."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from agencies.signin import PUBLIC_ENDPOINTS

README = Path(__file__).resolve().parents[2] / "README.md"


def _example_url(rule: str) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", rule)


def test_every_route_refuses_an_anonymous_visitor(app: Flask, client: FlaskClient) -> None:
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(_example_url(rule.rule), method=method)
            assert response.status_code == 302, (rule.rule, method, response.status_code)
            assert response.headers["Location"].startswith("/sign-in?next="), rule.rule
            checked += 1
    assert checked >= 10


def test_public_endpoints_are_only_sign_in_health_and_assets(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_ENDPOINTS
    assert {e for e in PUBLIC_ENDPOINTS if not e.startswith("signin.")} == {
        "views.health",
        "assets",
        "static",
    }


def test_readme_lists_every_route_with_who_may_use_it(app: Flask) -> None:
    documented = set(
        re.findall(r"^\| `(?:GET|POST|GET, POST) ([^`]+)` \|", README.read_text(), re.M)
    )
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert routes == documented

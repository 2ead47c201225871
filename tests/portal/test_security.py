"""Security headers, CSRF and the error pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from agencies.models import User
from tests.support.providers import sign_in


def test_pages_carry_the_security_headers(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "form-action 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(client: FlaskClient) -> None:
    response = client.get("/sign-in", base_url="https://portal.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_script(client: FlaskClient) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in page
    assert '<script type="module" src="/static/app.js"></script>' in page


def test_govuk_frontend_assets_are_served_from_the_npm_package(client: FlaskClient) -> None:
    css = client.get("/static/govuk/govuk-frontend.min.css")
    assert css.status_code == 200
    assert b".govuk-header" in css.data
    assert client.get("/assets/images/favicon.svg").status_code == 200
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient, admin: User) -> None:
    sign_in(client, "probation", "ada")
    response = client.post("/admin/agencies/new", data={"name": "Anything"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "did not come from this service" in page
    assert "OFFICIAL-SENSITIVE" in page


def test_not_found_page_is_in_the_portal_layout(client: FlaskClient, admin: User) -> None:
    sign_in(client, "probation", "ada")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert "OFFICIAL-SENSITIVE" in page


def test_unexpected_error_shows_the_problem_page_and_no_details(app: Flask) -> None:
    def broken() -> str:
        raise RuntimeError("secret internals")

    app.view_functions["views.health"] = broken
    response = app.test_client().get("/health")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "secret internals" not in page


def test_health_check_answers_without_sign_in(client: FlaskClient) -> None:
    assert client.get("/health").get_json() == {"status": "ok"}

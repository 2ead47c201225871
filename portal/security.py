"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, g, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def allow_form_action(origin: str) -> None:
    """Let a form on this page lead (through redirects) to another origin, such as a provider."""
    g.extra_form_actions = [*g.get("extra_form_actions", []), origin]


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    form_action = " ".join(["'self'", *g.get("extra_form_actions", [])])
    headers["Content-Security-Policy"] = f"{CONTENT_SECURITY_POLICY}; form-action {form_action}"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if "Cache-Control" not in headers and not request.path.startswith(("/assets/", "/static/")):
        # Pages hold sensitive data: never keep them in shared or browser caches.
        headers["Cache-Control"] = "no-store"
    return response

"""Security headers on every response, error pages and the server's own last-resort page too."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
    app.wsgi_app = _AlwaysHeaders(app.wsgi_app)  # type: ignore[method-assign]


def _fixed_headers(form_action: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": f"{CONTENT_SECURITY_POLICY}; form-action {form_action}",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


class _AlwaysHeaders:
    """Adds the headers to any response that left Flask without them: when something failed
    after the page was built, or in Flask's own handling of an error, the server still answers
    with a page that cannot be framed, sniffed or cached."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def with_headers(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            present = {name.lower() for name, _value in headers}
            headers = [
                *headers,
                *((name, value) for name, value in _FALLBACK if name.lower() not in present),
            ]
            return start_response(status, headers, *rest)

        return self.wsgi_app(environ, with_headers)


# What a response that left Flask without its headers gets: worked out once, not per response.
_FALLBACK = tuple({**_fixed_headers("'self'"), "Cache-Control": "no-store"}.items())


def _add_headers(response: Response) -> Response:
    headers = response.headers
    form_action = " ".join(["'self'", *g.get("extra_form_actions", [])])
    for name, value in _fixed_headers(form_action).items():
        headers[name] = value
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if "Cache-Control" not in headers and not request.path.startswith(("/assets/", "/static/")):
        # Pages hold sensitive data: never keep them in shared or browser caches.
        headers["Cache-Control"] = "no-store"
    return response

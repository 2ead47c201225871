"""Settings, read from environment variables once when the application starts."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

MODES = ("production", "demo", "test")
SECRET_PREFIX = "OIDC_CLIENT_SECRET_"  # noqa: S105 (a variable name, not a secret)


class ConfigError(RuntimeError):
    """The environment does not describe a portal that may start."""


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def from_environment(environ: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Flask configuration from the environment; raises ConfigError when it is unsafe."""
    mode = environ.get("PORTAL_MODE", "production")
    if mode not in MODES:
        raise ConfigError(f"PORTAL_MODE must be one of {', '.join(MODES)}, not {mode!r}.")
    relaxed = mode != "production"

    secret_key = environ.get("SECRET_KEY")
    if not secret_key:
        if not relaxed:
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value (for example the output "
                "of `python -c 'import secrets; print(secrets.token_hex(32))'`); the portal "
                "will not start without it outside demo and test mode."
            )
        secret_key = secrets.token_hex(32)

    database_url = environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(
        instance_path, "portal.db"
    )
    https = _flag(environ, "PORTAL_HTTPS", default=not relaxed)

    return {
        "PORTAL_MODE": mode,
        "DEMO_PROVIDERS_ALLOWED": relaxed,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "OIDC_CLIENT_SECRETS": {
            name.removeprefix(SECRET_PREFIX): value
            for name, value in environ.items()
            if name.startswith(SECRET_PREFIX) and value
        },
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-portal" if https else "portal",
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(environ.get("SESSION_IDLE_MINUTES", "30"))),
        "SESSION_LIFETIME": timedelta(hours=int(environ.get("SESSION_LIFETIME_HOURS", "12"))),
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=int(environ.get("SESSION_LIFETIME_HOURS", "12"))
        ),
        "SIGN_IN_RATE_LIMIT": int(environ.get("SIGN_IN_RATE_LIMIT_PER_MINUTE", "30")),
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", "0")),
        "GOVUK_FRONTEND_DIR": environ.get("GOVUK_FRONTEND_DIR")
        or os.path.join(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            "node_modules",
            "govuk-frontend",
            "dist",
            "govuk",
        ),
        # Uploads (a review of at most 10 MB) and forms fit well inside this; anything bigger
        # is refused before it is read.
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the CSRF token lives as long as the sign-in session
        "SMTP_HOST": environ.get("SMTP_HOST") or "localhost",
        "SMTP_PORT": int(environ.get("SMTP_PORT") or "25"),
        "SMTP_USERNAME": environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _flag(environ, "SMTP_STARTTLS", default=False),
        "MAIL_FROM": environ.get("MAIL_FROM") or "learning-panels@localhost",
        # Emails are read outside the portal, so their links must say where it is.
        "PORTAL_BASE_URL": (environ.get("PORTAL_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
    }

"""Settings, read from environment variables once when the application starts."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from portal import client_keys

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

    base_url = (environ.get("PORTAL_BASE_URL") or "").strip().rstrip("/")
    if not base_url:
        if not relaxed:
            raise ConfigError(
                "PORTAL_BASE_URL is not set. Set it to the address people reach the portal at "
                "(for example https://panels.example.gov.uk): sign-in redirect addresses and "
                "the links in emails are built from it, never from the Host a browser sends."
            )
        base_url = "http://127.0.0.1:5000"
    try:
        signing_keys = client_keys.parse(environ.get("OIDC_SIGNING_KEYS"))
    except client_keys.SigningKeyError as error:
        raise ConfigError(f"OIDC_SIGNING_KEYS {error}.") from error

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
        # Failed sign-in callbacks, and sign-ins started, per client address per minute.
        "SIGN_IN_RATE_LIMIT": int(environ.get("SIGN_IN_RATE_LIMIT_PER_MINUTE", "30")),
        "SIGN_IN_START_RATE_LIMIT": int(environ.get("SIGN_IN_START_RATE_LIMIT_PER_MINUTE", "120")),
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", "0")),
        # A deployment's own vetted copy of the recogniser's model, and the hashes of its files
        # recorded when it was vetted; without them the installed package is used.
        "NER_MODEL_PATH": environ.get("NER_MODEL_PATH") or None,
        "NER_MODEL_MANIFEST": environ.get("NER_MODEL_MANIFEST") or None,
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
        # Where people reach the portal: emails' links and the addresses given to providers.
        "PORTAL_BASE_URL": base_url,
        "OIDC_SIGNING_KEYS": signing_keys,
        "OIDC_HTTP_TIMEOUT_SECONDS": float(environ.get("OIDC_HTTP_TIMEOUT_SECONDS") or "5"),
        "OIDC_METADATA_MAX_AGE_SECONDS": float(
            environ.get("OIDC_METADATA_MAX_AGE_SECONDS") or "3600"
        ),
    }

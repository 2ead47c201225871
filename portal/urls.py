"""Addresses of the portal's pages as people and providers outside a request reach them.

Built from PORTAL_BASE_URL, never from the Host header a browser sent: a forged Host must not
change where a provider sends a sign-in, nor where an email's link goes.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    return current_app.config["PORTAL_BASE_URL"] + url_for(endpoint, **values)

"""Addresses of the portal's pages as people and providers outside a request reach them.

Built from PORTAL_BASE_URL, never from the Host header a browser sent: a forged Host must not
change where a provider sends a sign-in, nor where an email's link goes.
"""

from __future__ import annotations

from typing import Any

from flask import current_app


def path_for(endpoint: str, **values: Any) -> str:
    """A page's path on the portal, from its route: in a request or not (a worker telling
    people about overdue actions has none), so a renamed route cannot leave a dead link."""
    return current_app.url_map.bind("").build(endpoint, values)


def external_url(endpoint: str, **values: Any) -> str:
    return current_app.config["PORTAL_BASE_URL"] + path_for(endpoint, **values)

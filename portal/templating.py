"""What templates may use: the access policy, and dates shown in UK time."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from portal.clock import LONDON
from portal.policy import can
from portal.urls import external_url


def format_date(value: date | datetime | None) -> str:
    """'3 March 2026', in UK time for timestamps."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON)
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    """'3 March 2026 at 2:05pm', in UK time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{format_date(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_global(can)
    app.add_template_global(external_url)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

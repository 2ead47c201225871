"""The one clock: "now" in UTC, and "today" in Europe/London. Nothing else reads the system
clock, so what time it is has one answer everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """This moment, timezone-aware, in UTC: how every timestamp is stored."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the portal's people are: in Europe/London, not the server's zone."""
    return now().astimezone(LONDON).date()

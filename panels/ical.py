"""A panel session as an iCalendar file, for people to put it in their own calendars.

Calendar entries travel to personal calendars and phones, so the file holds when, where and which
case only: never the agenda or anything else OFFICIAL-SENSITIVE, which stays in the portal.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Calendar, Event

from panels.models.panels import Panel
from panels.models.sessions import PanelSession
from portal import clock

PRODUCT_ID = "-//Multi-agency learning panel portal//Panel sessions//EN"


def session_uid(session: PanelSession) -> str:
    """The same for every download of a session, so calendars update the entry, not add one."""
    return f"panel-session-{session.id}@learning-panels"


def session_ics(panel: Panel, session: PanelSession, url: str) -> bytes:
    """One event for the session, its times in UTC: the time, the place, the case reference and a
    link back to the portal, where the agenda is."""
    if session.starts_at.tzinfo is None:
        raise ValueError("a session's start must be a timezone-aware UTC timestamp")
    starts_at = session.starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=session.duration_minutes or 0)

    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", clock.now())
    # Calendars take the highest sequence as the newest: a rescheduled session replaces the old.
    event.add("sequence", max((session.version or 1) - 1, 0))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", f"Learning panel session: case {panel.case.reference}")
    location = _location(session)
    if location:
        event.add("location", location)
    event.add("description", f"The agenda and papers are in the portal: {url}")
    event.add("url", url)
    # Calendars shared with colleagues show the time taken, not which case it is taken by.
    event.add("class", "CONFIDENTIAL")

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def _location(session: PanelSession) -> str:
    parts = [session.location.strip() if session.location else ""]
    if session.online_link:
        parts.append(f"Online: {session.online_link.strip()}")
    return "; ".join(part for part in parts if part)

"""The session's .ics file, parsed back with icalendar: one event, UTC times, stable UID."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from panels.ical import session_ics
from panels.models.cases import Case
from panels.models.panels import Panel
from panels.models.sessions import PanelSession

URL = "https://portal.example.gov.uk/panels/4/sessions/9"


def a_panel() -> Panel:
    return Panel(case=Case(reference="SFO/2026/0042"))


def a_session(**fields: Any) -> PanelSession:
    values: dict[str, Any] = {
        "id": 9,
        "starts_at": datetime(2026, 6, 25, 13, 0, tzinfo=UTC),
        "duration_minutes": 120,
        "location": "Civic Centre, Committee Room 2",
        "online_link": "",
        "agenda": "<ol><li>Introductions &amp; apologies</li><li>Chronologies</li></ol>",
    }
    values.update(fields)
    return PanelSession(**values)


def the_event(ics: bytes) -> Event:
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, Event)
    return event


def test_one_event_with_summary_uid_and_link() -> None:
    ics = session_ics(a_panel(), a_session(), URL)
    event = the_event(ics)

    assert str(event["SUMMARY"]) == "Learning panel session: case SFO/2026/0042"
    assert str(event["UID"]) == "panel-session-9@learning-panels"
    assert str(event["URL"]) == URL
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert b"BEGIN:VCALENDAR" in ics and b"VERSION:2.0" in ics and b"PRODID:" in ics


def test_uid_is_the_same_every_time_and_differs_between_sessions() -> None:
    first = the_event(session_ics(a_panel(), a_session(), URL))
    again = the_event(session_ics(a_panel(), a_session(location="Moved"), URL))
    other = the_event(session_ics(a_panel(), a_session(id=10), URL))

    assert first["UID"] == again["UID"]
    assert first["UID"] != other["UID"]


def test_times_are_utc_in_british_summer_time() -> None:
    # 2pm in London on 25 June is 1pm UTC.
    ics = session_ics(a_panel(), a_session(), URL)
    event = the_event(ics)

    assert event.decoded("DTSTART") == datetime(2026, 6, 25, 13, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == datetime(2026, 6, 25, 15, 0, tzinfo=UTC)
    assert b"DTSTART:20260625T130000Z" in ics
    assert b"DTEND:20260625T150000Z" in ics


def test_times_are_utc_in_winter() -> None:
    session = a_session(starts_at=datetime(2026, 1, 15, 14, 0, tzinfo=UTC), duration_minutes=90)

    ics = session_ics(a_panel(), session, URL)

    assert b"DTSTART:20260115T140000Z" in ics
    assert b"DTEND:20260115T153000Z" in ics


def test_a_session_over_the_change_to_summer_time_lasts_its_real_length() -> None:
    # Clocks go forward at 1am UTC on 29 March 2026: 00:30 to 02:30 UTC is two hours,
    # though London's clocks read 00:30 to 03:30.
    session = a_session(starts_at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC), duration_minutes=120)

    event = the_event(session_ics(a_panel(), session, URL))

    assert event.decoded("DTSTART") == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=2)


def test_a_start_given_in_london_time_is_converted_to_utc() -> None:
    three_pm_in_london = datetime(2026, 6, 25, 15, 0, tzinfo=ZoneInfo("Europe/London"))

    ics = session_ics(a_panel(), a_session(starts_at=three_pm_in_london), URL)

    assert b"DTSTART:20260625T140000Z" in ics


def test_a_start_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        session_ics(a_panel(), a_session(starts_at=datetime(2026, 6, 25, 13, 0)), URL)


def test_location_holds_the_place_and_the_online_link() -> None:
    both = the_event(
        session_ics(
            a_panel(),
            a_session(location="Room 2; Civic Centre, Leeds", online_link="https://meet.example/x"),
            URL,
        )
    )
    online_only = the_event(
        session_ics(a_panel(), a_session(location="", online_link="https://meet.example/x"), URL)
    )
    nowhere = the_event(session_ics(a_panel(), a_session(location="", online_link=""), URL))

    assert str(both["LOCATION"]) == "Room 2; Civic Centre, Leeds; Online: https://meet.example/x"
    assert str(online_only["LOCATION"]) == "Online: https://meet.example/x"
    assert "LOCATION" not in nowhere


def test_description_gives_the_agenda_as_plain_text_and_the_link() -> None:
    session = a_session(
        agenda="<p>Risk &amp; need &lt;font&gt;</p><ul><li><em>Chronologies</em></li></ul>"
    )

    description = str(the_event(session_ics(a_panel(), session, URL))["DESCRIPTION"])

    assert "Risk & need <font>\n\n- Chronologies" in description
    assert "<p>" not in description and "<em>" not in description
    assert URL in description
    assert description.startswith("OFFICIAL-SENSITIVE")


def test_description_without_an_agenda_says_so() -> None:
    description = str(the_event(session_ics(a_panel(), a_session(agenda=""), URL))["DESCRIPTION"])

    assert "No agenda yet." in description

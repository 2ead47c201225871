"""The session's .ics file, parsed back with icalendar: one event, UTC times, stable UID, and
the time, place and case only: never the agenda, which is OFFICIAL-SENSITIVE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from panels import sessions
from panels.ical import session_ics
from panels.models.cases import Case
from panels.models.panels import Panel
from panels.models.sessions import PanelSession
from tests.support.people import signed_in_as
from tests.support.world import World

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


SENSITIVE = "<p>John Smith&#39;s risk of harm to Mary Jones</p><ul><li>Chronologies</li></ul>"


def everything_in(ics: bytes) -> str:
    """The file's text as a calendar app reads it: lines unfolded, every value decoded."""
    unfolded = ics.decode("utf-8").replace("\r\n ", "")
    values = [str(value) for _name, value in the_event(ics).property_items()]
    return "\n".join([unfolded, *values])


def test_the_agenda_minutes_and_decisions_never_leave_the_portal() -> None:
    session = a_session(
        agenda=SENSITIVE,
        minutes="<p>John Smith was recalled.</p>",
        decisions="<p>Refer Mary Jones to MARAC.</p>",
    )

    text = everything_in(session_ics(a_panel(), session, URL))

    for secret in ("John", "Smith", "Mary", "Jones", "risk of harm", "Chronologies", "MARAC"):
        assert secret not in text
    assert "Agenda:" not in text and "OFFICIAL-SENSITIVE" not in text


def test_the_description_only_points_to_the_portal() -> None:
    description = the_event(session_ics(a_panel(), a_session(agenda=SENSITIVE), URL))["DESCRIPTION"]

    assert str(description) == f"The agenda and papers are in the portal: {URL}"


def test_the_file_holds_the_time_the_place_and_the_case_reference_only() -> None:
    session = a_session(online_link="https://meet.example/x", agenda=SENSITIVE)

    event = the_event(session_ics(a_panel(), session, URL))

    assert {name for name, _value in event.property_items()} - {"BEGIN", "END"} == {
        "UID",
        "DTSTAMP",
        "SEQUENCE",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "LOCATION",
        "DESCRIPTION",
        "URL",
        "CLASS",
    }
    assert str(event["SUMMARY"]) == "Learning panel session: case SFO/2026/0042"
    assert str(event["CLASS"]) == "CONFIDENTIAL"


def test_the_calendar_downloaded_from_the_portal_has_no_agenda(
    app: Flask, db: Session, world: World
) -> None:
    with app.test_request_context():
        session = sessions.schedule(
            db,
            world["chair"],
            world.panel,
            starts_at=datetime(2027, 5, 12, 9, 30, tzinfo=UTC),
            duration_minutes=120,
            location="Room 1, Northshire House",
            online_link="",
            agenda="Mary Jones's account of the last visit.",
        )
        db.commit()
    member = signed_in_as(app.test_client(), db, world["probation_rep"])

    response = member.get(f"/sessions/{session.id}/calendar.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = everything_in(response.data)
    assert "Mary" not in text and "Jones" not in text and "last visit" not in text
    assert "Room 1, Northshire House" in text
    assert f"/sessions/{session.id}" in str(the_event(response.data)["URL"])

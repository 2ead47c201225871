"""The minutes PDF, read back with pypdf: content, marking, page numbers, text kept as text."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from pypdf import PageObject, PdfReader

from agencies.models import Agency, User
from panels.minutes_pdf import minutes_pdf
from panels.models.cases import Case
from panels.models.panels import Panel
from panels.models.sessions import Attendance, PanelSession, SessionAttendee
from portal.templating import format_date

POLICE = Agency(name="Northshire Police")
PROBATION = Agency(name="Northshire Probation")
CHILDRENS_SERVICES = Agency(name="Northshire Children's Services")


def a_panel() -> Panel:
    return Panel(case=Case(reference="SFO/2026/0042"), chair=User(name="Helen Okafor"))


def attendee(name: str, agency: Agency, attendance: Attendance) -> SessionAttendee:
    return SessionAttendee(user=User(name=name), agency=agency, attendance=attendance)


def a_session(**fields: Any) -> PanelSession:
    values: dict[str, Any] = {
        # 1pm UTC in June is 2pm in London (British Summer Time).
        "starts_at": datetime(2026, 6, 25, 13, 0, tzinfo=UTC),
        "duration_minutes": 120,
        "location": "Civic Centre, Committee Room 2",
        "online_link": "https://meet.example.org/panel-42",
        "agenda": "<ol><li>Introductions</li><li>Agency chronologies</li></ol>",
        "minutes": "<p>The chair welcomed members.</p>",
        "decisions": "<ul><li>Police to share call-out history.</li></ul>",
        "attendees": [],
    }
    values.update(fields)
    return PanelSession(**values)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def words(page: PageObject) -> str:
    """The page's text with line wrapping undone, so phrases can be looked for whole."""
    return " ".join(page.extract_text().split())


def all_words(pdf: bytes) -> str:
    return " ".join(words(page) for page in read(pdf).pages)


def heights_of(page: PageObject, wanted: str) -> list[float]:
    """How far up the page each piece of text holding `wanted` is drawn, in points."""
    heights: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if wanted in text:
            heights.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return heights


def test_minutes_give_case_time_in_uk_time_and_place() -> None:
    text = all_words(minutes_pdf(a_panel(), a_session()))

    assert "SFO/2026/0042" in text
    assert "25 June 2026 at 2:00pm to 4:00pm" in text
    assert "Civic Centre, Committee Room 2" in text
    assert "https://meet.example.org/panel-42" in text
    assert "Helen Okafor" in text


def test_a_late_evening_session_is_dated_by_the_day_in_london() -> None:
    # 11:30pm UTC on 30 June is 12:30am on 1 July in London.
    session = a_session(starts_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC), duration_minutes=60)

    text = all_words(minutes_pdf(a_panel(), session))

    assert "1 July 2026 at 12:30am to 1:30am" in text
    assert "30 June" not in text


def test_attendance_is_grouped_by_agency_as_present_apologies_and_absent() -> None:
    session = a_session(
        attendees=[
            attendee("Ann Jones", POLICE, Attendance.PRESENT),
            attendee("Bob Hart", POLICE, Attendance.APOLOGIES),
            attendee("Cara Singh", PROBATION, Attendance.PRESENT),
            attendee("Dev Patel", PROBATION, Attendance.ABSENT),
            attendee("Eve Brown", PROBATION, Attendance.PRESENT),
        ]
    )

    text = all_words(minutes_pdf(a_panel(), session))

    assert "Present: 3, Apologies: 1, Absent: 1" in text
    # Rows read agency, then who was present, then apologies, then absent.
    assert re.search(r"Agency Present Apologies Absent", text)
    assert re.search(r"Northshire Police Ann Jones Bob Hart None", text)
    assert re.search(r"Northshire Probation Cara Singh Eve Brown None Dev Patel", text)
    assert text.index("Northshire Police") < text.index("Northshire Probation Cara")


def test_agenda_minutes_and_decisions_keep_their_lists_emphasis_and_links() -> None:
    session = a_session(
        agenda="<ol><li>Introductions</li><li>Chronologies<ul><li>Probation</li></ul></li></ol>",
        minutes=(
            "<p>Risk was <strong>not</strong> reassessed.<br>Second line.</p>"
            '<p>See <a href="https://www.gov.uk/guidance?a=1&amp;b=2">the guidance</a>.</p>'
        ),
        decisions=(
            "<ul><li>Police to share call-out history.</li><li>Probation to review.</li></ul>"
        ),
    )

    pdf = minutes_pdf(a_panel(), session)
    text = all_words(pdf)

    assert "Agenda 1. Introductions 2. Chronologies – Probation Minutes" in text
    assert "Risk was not reassessed. Second line." in text
    assert "the guidance (https://www.gov.uk/guidance?a=1&b=2)" in text
    assert "Decisions • Police to share call-out history. • Probation to review." in text
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in read(pdf).pages
        for annotation in page.get("/Annots", [])
    ]
    assert links == ["https://www.gov.uk/guidance?a=1&b=2"]


def test_user_text_with_markup_characters_stays_text() -> None:
    session = a_session(
        location="Room <1> & 2",
        agenda=(
            '<p>Risk &amp; need: &lt;font color="red"&gt;urgent&lt;/font&gt;'
            " when a &lt; b &gt; c</p>"
        ),
        minutes="<p>&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &lt;br/&gt;</p>",
        attendees=[attendee("Carol O'Brien & <b>Sons</b>", CHILDRENS_SERVICES, Attendance.ABSENT)],
    )

    text = all_words(minutes_pdf(a_panel(), session))

    assert "Room <1> & 2" in text
    assert 'Risk & need: <font color="red">urgent</font> when a < b > c' in text
    assert "<b>not bold</b> &amp; <br/>" in text
    assert "Carol O'Brien & <b>Sons</b>" in text


def test_long_minutes_run_over_several_pages_each_marked_and_numbered() -> None:
    paragraph = "<p>" + "Members discussed how information was shared between agencies. " * 20
    session = a_session(minutes=(paragraph + "</p>") * 12 + "<p>The last word.</p>")

    pages = read(minutes_pdf(a_panel(), session)).pages

    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        text = words(page)
        assert f"Page {number} of {len(pages)}" in text
        assert text.count("OFFICIAL-SENSITIVE") == 2
        height = float(page.mediabox.height)
        marks = heights_of(page, "OFFICIAL-SENSITIVE")
        assert any(y > height * 0.9 for y in marks), "no marking at the top"
        assert any(y < height * 0.1 for y in marks), "no marking at the bottom"
    assert "The last word." in words(pages[-1])


def test_pdf_metadata_names_the_minutes_the_portal_and_the_marking() -> None:
    metadata = read(minutes_pdf(a_panel(), a_session())).metadata

    assert metadata is not None
    assert metadata.title == "Minutes: case SFO/2026/0042, 25 June 2026"
    assert metadata.author == "Multi-agency learning panel portal"
    assert metadata.subject is not None
    assert "OFFICIAL-SENSITIVE" in metadata.subject


def test_the_pdf_says_when_it_was_generated() -> None:
    before = format_date(datetime.now(UTC))
    text = all_words(minutes_pdf(a_panel(), a_session()))
    after = format_date(datetime.now(UTC))

    assert f"Generated on {before}" in text or f"Generated on {after}" in text


def test_sections_not_yet_written_say_so() -> None:
    session = a_session(agenda="", minutes="", decisions="", location="", online_link="")

    text = all_words(minutes_pdf(a_panel(), session))

    assert "No attendance recorded." in text
    assert "Place Not recorded" in text
    assert text.count("Not recorded.") == 3


def test_published_minutes_say_when_and_drafts_say_they_are_drafts() -> None:
    draft = all_words(minutes_pdf(a_panel(), a_session()))
    published = all_words(
        minutes_pdf(
            a_panel(), a_session(minutes_published_at=datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
        )
    )

    assert "Draft: these minutes have not been published" in draft
    assert "Published on 2 July 2026" in published
    assert "Draft" not in published

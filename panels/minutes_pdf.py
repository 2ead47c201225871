"""The minutes of a panel session as a PDF: when and where, who came, agenda, minutes, decisions."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from panels.models.panels import Panel
from panels.models.sessions import Attendance, PanelSession, SessionAttendee
from panels.pdf import (
    BORDER_COLOUR,
    TEXT_WIDTH,
    build_pdf,
    details_table,
    escape,
    html_to_flowables,
    styles,
    text_paragraph,
)
from portal.templating import format_date, format_datetime

_COLUMNS = (Attendance.PRESENT, Attendance.APOLOGIES, Attendance.ABSENT)


def minutes_pdf(panel: Panel, session: PanelSession) -> bytes:
    """The session's minutes, marked OFFICIAL-SENSITIVE, ready to download or send."""
    s = styles()
    reference = panel.case.reference
    story: list[Flowable] = [
        details_table(_details(panel, session)),
        Paragraph("Attendance", s.heading),
        *_attendance(session.attendees),
    ]
    for heading, markup in (
        ("Agenda", session.agenda),
        ("Minutes", session.minutes),
        ("Decisions", session.decisions),
    ):
        story.append(Paragraph(heading, s.heading))
        story.extend(html_to_flowables(markup, s.body) or [Paragraph("Not recorded.", s.secondary)])
    title = f"Minutes: case {reference}, {format_date(session.starts_at)}"
    return build_pdf(title, story)


def _details(panel: Panel, session: PanelSession) -> list[tuple[str, str]]:
    rows = [
        ("Case reference", panel.case.reference),
        ("Date and time", _when(session)),
    ]
    if session.location:
        rows.append(("Place", session.location))
    if session.online_link:
        rows.append(("Online", session.online_link))
    if not session.location and not session.online_link:
        rows.append(("Place", "Not recorded"))
    if panel.chair is not None:
        rows.append(("Chair", panel.chair.name))
    if session.minutes_published_at is None:
        rows.append(("Status", "Draft: these minutes have not been published"))
    else:
        rows.append(("Status", f"Published on {format_date(session.minutes_published_at)}"))
    return rows


def _when(session: PanelSession) -> str:
    """'25 June 2026 at 2:00pm to 4:00pm', in UK time."""
    starts = format_datetime(session.starts_at)
    ends_at = session.starts_at + timedelta(minutes=session.duration_minutes or 0)
    ends = format_datetime(ends_at)
    same_day = f"{format_date(ends_at)} at "
    if format_date(ends_at) == format_date(session.starts_at):
        ends = ends.removeprefix(same_day)
    return f"{starts} to {ends}"


def _attendance(attendees: list[SessionAttendee]) -> list[Flowable]:
    s = styles()
    if not attendees:
        return [Paragraph("No attendance recorded.", s.secondary)]
    by_agency: dict[str, dict[Attendance, list[str]]] = defaultdict(lambda: defaultdict(list))
    for attendee in attendees:
        by_agency[attendee.agency.name][attendee.attendance].append(attendee.user.name)
    counts = {column: sum(a.attendance is column for a in attendees) for column in _COLUMNS}
    summary = ", ".join(f"{column.label}: {counts[column]}" for column in _COLUMNS)

    rows: list[list[Paragraph]] = [
        [Paragraph("Agency", s.cell_label)]
        + [Paragraph(column.label, s.cell_label) for column in _COLUMNS]
    ]
    for agency in sorted(by_agency, key=str.casefold):
        names = by_agency[agency]
        rows.append(
            [text_paragraph(agency, s.cell)]
            + [_names(names.get(column, [])) for column in _COLUMNS]
        )
    name_width = (TEXT_WIDTH - 55 * mm) / 3
    table = Table(rows, colWidths=[55 * mm, name_width, name_width, name_width], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, BORDER_COLOUR),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, BORDER_COLOUR),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [Paragraph(escape(summary), s.body), table]


def _names(names: list[str]) -> Paragraph:
    s = styles()
    if not names:
        return Paragraph("None", s.secondary)
    return Paragraph("<br/>".join(escape(name) for name in sorted(names, key=str.casefold)), s.cell)

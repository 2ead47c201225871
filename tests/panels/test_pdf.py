"""What every PDF of the portal carries for its readers, read back with pypdf: its title,
author, subject and language, and an outline of its headings that opens beside the text."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import Destination

from panels.action_plan_export import action_plan_pdf
from panels.minutes_pdf import minutes_pdf
from panels.models.cases import Case
from panels.models.panels import Panel
from panels.pdf import AUTHOR, MARKING, build_pdf, styles, text_paragraph
from tests.panels.test_action_plan_export import TODAY, an_action
from tests.panels.test_minutes_pdf import a_panel, a_session


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of each outline entry, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(entries: list[object], depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                assert isinstance(entry, Destination)
                page = reader.get_destination_page_number(entry)
                found.append((depth, str(entry.title), page))

    walk(reader.outline, 0)
    return found


def test_a_pdf_has_its_title_author_subject_and_language() -> None:
    reader = PdfReader(io.BytesIO(build_pdf("Minutes: case SFO/1", [])))
    assert reader.metadata is not None
    assert reader.metadata.title == "Minutes: case SFO/1"
    assert reader.metadata.author == AUTHOR
    assert reader.metadata.subject == f"{MARKING}: Minutes: case SFO/1"
    assert reader.root_object["/Lang"] == "en-GB"
    assert reader.root_object["/ViewerPreferences"]["/DisplayDocTitle"]


def test_the_outline_holds_each_heading_on_the_page_it_is_on() -> None:
    s = styles()
    story = []
    for number in range(1, 5):
        story.append(text_paragraph(f"Heading {number}", s.heading))
        story.append(text_paragraph(f"Part {number}", s.subheading))
        story.extend(text_paragraph("Some words. " * 80, s.body) for _ in range(3))
    reader = PdfReader(io.BytesIO(build_pdf("A long one", story)))
    assert len(reader.pages) > 2
    entries = outline(reader)
    assert [(depth, title) for depth, title, _ in entries] == [
        (0, "A long one"),
        *[
            entry
            for number in range(1, 5)
            for entry in ((1, f"Heading {number}"), (2, f"Part {number}"))
        ],
    ]
    for depth, title, page in entries:
        if depth:
            assert title in reader.pages[page].extract_text(), (title, page)
    assert entries[-1][2] > 1
    assert reader.root_object["/PageMode"] == "/UseOutlines"


def test_the_minutes_outline_follows_their_headings() -> None:
    reader = PdfReader(io.BytesIO(minutes_pdf(a_panel(), a_session())))
    titles = [title for _, title, _ in outline(reader)]
    assert titles[0].startswith("Minutes: case SFO/2026/0042")
    assert titles[1:] == ["Attendance", "Agenda", "Minutes", "Decisions"]


def test_the_action_plans_outline_has_an_entry_for_each_action() -> None:
    panel = Panel(case=Case(reference="SFO/2026/0042"))
    actions = [an_action(id=3), an_action(id=4)]
    reader = PdfReader(io.BytesIO(action_plan_pdf(panel, actions, TODAY)))
    entries = outline(reader)
    assert entries[0][:2] == (0, "Action plan: case SFO/2026/0042")
    # An action's heading is a subheading straight under the title: one level below it.
    assert [depth for depth, _, _ in entries[1:]] == [1, 1]
    assert [title.split()[0] for _, title, _ in entries[1:]] == [
        actions[0].reference,
        actions[1].reference,
    ]

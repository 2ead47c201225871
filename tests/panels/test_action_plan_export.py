"""The action plan as CSV (read back with csv) and as PDF (read back with pypdf)."""

from __future__ import annotations

import csv
import gc
import io
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from agencies.models import Agency, User
from panels import action_plan_export
from panels.action_plan_export import (
    COLUMNS,
    MAX_PDF_ACTIONS,
    PlanCount,
    action_plan_csv,
    action_plan_pdf,
)
from panels.models.actions import Action, ActionState, ActionUpdate
from panels.models.cases import Case
from panels.models.panels import Panel
from tests.support.people import signed_in_as
from tests.support.world import World

TODAY = date(2026, 11, 25)
POLICE = Agency(name="Northshire Police")
PROBATION = Agency(name="Northshire Probation")


def an_action(**fields: Any) -> Action:
    values: dict[str, Any] = {
        "id": 3,
        "description": "<p>Brief practitioners on <strong>domestic abuse</strong> enquiries.</p>",
        "owner_agency": PROBATION,
        "owner_role": "Head of Public Protection",
        "target_date": date(2026, 12, 31),
        "measure_of_success": "<p>All practitioners briefed.</p>",
        "state": ActionState.AGREED,
        "response_reason": "",
        "updates": [],
    }
    values.update(fields)
    return Action(**values)


def an_update(text: str, day: int) -> ActionUpdate:
    return ActionUpdate(
        text=text, author=User(name="Sam Patel"), created_at=datetime(2026, 11, day, tzinfo=UTC)
    )


def csv_text(actions: list[Action], today: date = TODAY) -> str:
    text = "".join(action_plan_csv(actions, today))
    # The byte-order mark first, so that Excel reads the accents right.
    assert text.startswith("\ufeff")
    return text.removeprefix("\ufeff")


def rows(actions: list[Action], today: date = TODAY) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text(actions, today))))


def pdf_text(actions: list[Action], today: date = TODAY) -> list[str]:
    panel = Panel(case=Case(reference="SFO/2026/0042"))
    reader = PdfReader(io.BytesIO(action_plan_pdf(panel, actions, today)))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_csv_has_one_row_per_action_with_every_column() -> None:
    action = an_action(
        state=ActionState.PARTLY_AGREED,
        response_reason="<p>We agree to brief, but not <em>all</em> by December.</p>",
        updates=[
            an_update("<p>Briefings planned.</p>", 1),
            an_update("<p>4 of 6 teams briefed &amp; recorded.</p>", 20),
        ],
    )

    text = csv_text([action, an_action(id=4)])
    header = next(csv.reader(io.StringIO(text)))
    first, second = rows([action, an_action(id=4)])

    assert header == list(COLUMNS)
    assert first == {
        "Reference": "A3",
        "Action": "Brief practitioners on domestic abuse enquiries.",
        "Owner agency": "Northshire Probation",
        "Owner role": "Head of Public Protection",
        "Target date": "2026-12-31",
        "Measure of success": "All practitioners briefed.",
        "Response": "Partly agreed",
        "Reason": "We agree to brief, but not all by December.",
        "Overdue": "No",
        "Latest progress": "4 of 6 teams briefed & recorded.",
        "Evidence": "",
    }
    assert second["Reference"] == "A4"
    assert second["Latest progress"] == ""


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (ActionState.PROPOSED, "Proposed"),
        (ActionState.AGREED, "Agreed"),
        (ActionState.PARTLY_AGREED, "Partly agreed"),
        (ActionState.NOT_AGREED, "Not agreed"),
        (ActionState.COMPLETED, "Completed"),
    ],
)
def test_csv_gives_the_response_in_words(state: ActionState, label: str) -> None:
    assert rows([an_action(state=state)])[0]["Response"] == label


def test_csv_marks_open_actions_past_their_target_date_as_overdue() -> None:
    actions = [
        an_action(id=1, target_date=date(2026, 11, 24)),
        an_action(id=2, target_date=TODAY),
        an_action(id=3, target_date=date(2026, 11, 1), state=ActionState.COMPLETED),
        an_action(id=4, target_date=date(2026, 11, 1), state=ActionState.NOT_AGREED),
        an_action(id=5, target_date=date(2026, 11, 1), state=ActionState.PROPOSED),
    ]

    overdue = {row["Reference"]: row["Overdue"] for row in rows(actions)}

    assert overdue == {"A1": "Yes", "A2": "No", "A3": "No", "A4": "No", "A5": "Yes"}
    assert rows(actions[:1], today=date(2026, 11, 24))[0]["Overdue"] == "No"


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("https://evil.example","Click")', "+44 1234", "-2+3", "@SUM(A1)", "\tTab", "\rCR"],
)
def test_csv_cells_cannot_start_a_formula(dangerous: str) -> None:
    action = an_action(owner_role=dangerous, description=f"<p>{dangerous}</p>")

    row = rows([action])[0]

    assert row["Owner role"] == "'" + dangerous
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())


def test_csv_guards_rich_text_that_starts_a_formula_once_made_plain() -> None:
    action = an_action(
        description="<p><strong>=1+1</strong></p>",
        measure_of_success="<ul><li>Protocol signed</li></ul>",
        updates=[an_update("<p>@risk</p>", 20)],
    )

    row = rows([action])[0]

    assert row["Action"] == "'=1+1"
    assert row["Measure of success"] == "'- Protocol signed"
    assert row["Latest progress"] == "'@risk"


def test_csv_leaves_harmless_cells_alone() -> None:
    action = an_action(owner_role="Lead = manager + deputy", measure_of_success="<p>1-2 weeks</p>")

    row = rows([action])[0]

    assert row["Owner role"] == "Lead = manager + deputy"
    assert row["Measure of success"] == "1-2 weeks"


def test_csv_keeps_commas_quotes_and_line_breaks_inside_their_cells() -> None:
    action = an_action(
        description='<p>Say "no", then stop.</p><p>Second paragraph.</p>',
        owner_role='Manager, "Public Protection" <Unit>',
    )

    row = rows([action])[0]

    assert row["Action"] == 'Say "no", then stop.\n\nSecond paragraph.'
    assert row["Owner role"] == 'Manager, "Public Protection" <Unit>'


def test_pdf_holds_each_action_with_its_owner_dates_response_and_progress() -> None:
    actions = [
        an_action(updates=[an_update("<p>Briefings planned.</p>", 20)]),
        an_action(
            id=7,
            owner_agency=POLICE,
            owner_role="Detective Inspector",
            target_date=date(2027, 1, 15),
            state=ActionState.NOT_AGREED,
            response_reason="<p>No budget this year.</p>",
            measure_of_success="<p>Protocol signed.</p>",
        ),
    ]

    text = " ".join(pdf_text(actions))

    assert "Action plan: case SFO/2026/0042" in text
    assert "Position on 25 November 2026" in text
    assert "2 in total: 1 agreed, 1 not agreed" in text
    assert "A3 Brief practitioners on domestic abuse enquiries." in text
    assert "Owner agency Northshire Probation Owner role Head of Public Protection" in text
    assert "Target date 31 December 2026 Response Agreed" in text
    assert "Latest progress Briefings planned. Reported by Sam Patel on 20 November 2026" in text
    assert "Owner agency Northshire Police Owner role Detective Inspector" in text
    assert "Target date 15 January 2027 Response Not agreed" in text
    assert "Reason No budget this year." in text
    assert "Measure of success Protocol signed." in text


def test_pdf_marks_overdue_actions_in_words() -> None:
    actions = [
        an_action(id=1, target_date=date(2026, 11, 1)),
        an_action(id=2, target_date=date(2027, 1, 1)),
        an_action(id=3, target_date=date(2026, 11, 1), state=ActionState.COMPLETED),
    ]

    text = " ".join(pdf_text(actions))

    assert (
        "Actions 3 in total: 2 agreed, 1 completed "
        "Overdue A1: Brief practitioners on domestic abuse enquiries. A1" in text
    )
    assert "A1 – Overdue Brief practitioners" in text
    assert "A2 – Overdue" not in text
    assert "A3 – Overdue" not in text
    assert "Overdue Yes: the target date has passed" in text
    assert text.count("Overdue No") == 2
    assert text.count("Overdue Yes") == 1


def test_pdf_user_text_with_markup_characters_stays_text() -> None:
    action = an_action(
        owner_role="Head of <font color='red'>Unit</font> & Co",
        description="<p>Check &lt;b&gt;records&lt;/b&gt; where a &lt; b &amp; c &gt; d.</p>",
    )

    text = " ".join(pdf_text([action]))

    assert "Head of <font color='red'>Unit</font> & Co" in text
    assert "Check <b>records</b> where a < b & c > d." in text


def test_pdf_every_page_is_marked_and_numbered() -> None:
    actions = [an_action(id=number) for number in range(1, 16)]

    pages = pdf_text(actions)

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert f"Page {number} of {len(pages)}" in text


def test_pdf_of_an_empty_plan_says_there_are_no_actions() -> None:
    text = " ".join(pdf_text([]))

    assert "No actions have been set." in text
    assert "Page 1 of 1" in text


def test_pdf_of_a_plan_too_long_for_one_document_says_so_and_counts_every_action() -> None:
    panel = Panel(case=Case(reference="SFO/2026/0042"))
    shown = [an_action(id=1, target_date=date(2026, 11, 1)), an_action(id=2)]
    whole = PlanCount({**{state: 0 for state in ActionState}, ActionState.AGREED: 1_500}, 40)

    reader = PdfReader(io.BytesIO(action_plan_pdf(panel, shown, TODAY, whole)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    assert "Actions 1,500 in total: 1,500 agreed" in text
    assert "and 39 more, listed in the CSV" in text
    assert "This plan has 1,500 actions, too many for one document: the first 2" in text


def add_actions(db: Session, world: World, how_many: int, panel: Panel | None = None) -> None:
    """`how_many` agreed actions on the panel (the world's by default), each with a line of
    progress, written in bulk as bench/national_data.py writes them."""
    panel = panel or world.panel
    assert panel is not None
    first = (db.scalar(select(func.max(Action.id))) or 0) + 1
    db.execute(
        insert(Action),
        [
            dict(
                id=first + number,
                panel_id=panel.id,
                description=f"<p>=Brief team {number} on the protocol.</p>",
                owner_agency_id=world.agencies["police"].id,
                owner_role="Detective Inspector",
                target_date=TODAY + timedelta(days=number % 90),
                measure_of_success="<p>Every practitioner briefed.</p>",
                state=ActionState.AGREED,
            )
            for number in range(how_many)
        ],
    )
    db.execute(
        insert(ActionUpdate),
        [
            dict(action_id=first + number, author_id=world["police_rep"].id, text="<p>Done.</p>")
            for number in range(how_many)
        ],
    )
    db.commit()


def download_peak(client: Any, url: str) -> tuple[int, int, int]:
    """The CSV at `url` read chunk by chunk as a browser would, never kept: the number of
    actions (lines but the header), the chunks and the peak of memory allocated meanwhile."""
    # Only what this download makes is looked at by the collector below: quicker.
    gc.freeze()
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200
        assert response.is_streamed
        lines = chunks = 0
        for chunk in response.response:
            lines += chunk.count(b"\r\n")
            chunks += 1
            # What the export keeps alive, not what the collector has yet to free: ORM objects
            # hold reference cycles, which Python frees in its own time (without this, the peak
            # levels off at about 1.7 MB from 2,000 actions to 10,000).
            gc.collect()
        response.close()
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.unfreeze()
    return lines - 1, chunks, peak


def test_csv_is_streamed_with_every_action(app: Flask, db: Session, world: World) -> None:
    add_actions(db, world, 2_000)
    chair = signed_in_as(app.test_client(), db, world["chair"])

    response = chair.get(f"/panels/{world.panel.id}/actions.csv")  # type: ignore[union-attr]

    assert response.is_streamed
    spreadsheet = response.get_data().decode("utf-8-sig")
    found = list(csv.DictReader(io.StringIO(spreadsheet)))
    assert len(found) == 2_000
    assert len({row["Reference"] for row in found}) == 2_000
    assert {row["Latest progress"] for row in found} == {"Done."}
    # The guard against formulas holds for rows sent as they are read.
    assert all(row["Action"].startswith("'=Brief team") for row in found)


def test_csv_memory_does_not_grow_with_the_plan(
    app: Flask, db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches and chunks, so both plans below are read and sent in several.
    monkeypatch.setattr(action_plan_export, "BATCH", 50)
    monkeypatch.setattr(action_plan_export, "_CHUNK_CHARACTERS", 8_192)
    chair = signed_in_as(app.test_client(), db, world["chair"])
    short, long = world.panel, world.other_panel
    assert short is not None and long is not None
    add_actions(db, world, 100, short)
    add_actions(db, world, 2_000, long)
    # The caches of compiled SQL and the like filled first: only the download is measured.
    download_peak(chair, f"/panels/{short.id}/actions.csv")

    few, _chunks, at_few = download_peak(chair, f"/panels/{short.id}/actions.csv")
    many, chunks, at_many = download_peak(chair, f"/panels/{long.id}/actions.csv")

    assert (few, many) == (100, 2_000)
    assert chunks > 20, "the CSV was not sent as it was read"
    assert at_many < 1.5 * at_few, f"peak {at_few:,} bytes for 100 actions, {at_many:,} for 2,000"


def test_pdf_of_a_long_plan_lays_out_only_the_first_actions(
    app: Flask, db: Session, world: World
) -> None:
    add_actions(db, world, MAX_PDF_ACTIONS + 50)
    chair = signed_in_as(app.test_client(), db, world["chair"])

    response = chair.get(f"/panels/{world.panel.id}/actions.pdf")  # type: ignore[union-attr]

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    first = " ".join(reader.pages[0].extract_text().split())
    assert f"Actions {MAX_PDF_ACTIONS + 50} in total: {MAX_PDF_ACTIONS + 50} agreed" in first
    assert f"the first {MAX_PDF_ACTIONS} by target date follow" in first

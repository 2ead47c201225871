"""The action plan as CSV (read back with csv) and as PDF (read back with pypdf)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from agencies.models import Agency, User
from panels.action_plan_export import COLUMNS, action_plan_csv, action_plan_pdf
from panels.models.actions import Action, ActionState, ActionUpdate
from panels.models.cases import Case
from panels.models.panels import Panel

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


def rows(actions: list[Action], today: date = TODAY) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(action_plan_csv(actions, today))))


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

    text = action_plan_csv([action, an_action(id=4)], TODAY)
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

"""The action plan exported: a CSV to work on in a spreadsheet, a PDF to circulate; each action
with its words, its progress and the evidence attached to it."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Paragraph, Spacer

from panels.models.actions import Action, ActionEvidence, ActionState, EvidenceState
from panels.models.panels import Panel
from panels.pdf import (
    BORDER_COLOUR,
    build_pdf,
    details_table,
    escape,
    html_to_flowables,
    styles,
)
from portal.richtext import to_plain
from portal.templating import format_date

COLUMNS = (
    "Reference",
    "Action",
    "Owner agency",
    "Owner role",
    "Target date",
    "Measure of success",
    "Response",
    "Reason",
    "Overdue",
    "Latest progress",
    "Evidence",
)

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_OVERDUE_COLOUR = "#d4351c"


def action_plan_csv(actions: Sequence[Action], today: date) -> str:
    """One row per action, rich text as plain text; encode as utf-8-sig so Excel reads it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for action in actions:
        writer.writerow([_defuse(cell) for cell in _row(action, today)])
    return buffer.getvalue()


def _row(action: Action, today: date) -> list[str]:
    return [
        action.reference,
        to_plain(action.description),
        action.owner_agency.name,
        action.owner_role,
        action.target_date.isoformat(),
        to_plain(action.measure_of_success),
        action.state.label,
        to_plain(action.response_reason or ""),
        "Yes" if action.is_overdue(today) else "No",
        to_plain(action.updates[-1].text) if action.updates else "",
        "; ".join(evidence_line(evidence) for evidence in action.evidence),
    ]


def evidence_line(evidence: ActionEvidence) -> str:
    """One file of evidence in words: "training-record.pdf, added 3 March 2026 by Sam Patel"."""
    line = f"{evidence.filename}, added {format_date(evidence.uploaded_at)}"
    if evidence.uploaded_by is not None:
        line += f" by {evidence.uploaded_by.name}"
    if evidence.state is not EvidenceState.READ:
        line += f" ({evidence.state.label.lower()})"
    return line


def _defuse(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than runs."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def action_plan_pdf(panel: Panel, actions: Sequence[Action], today: date) -> bytes:
    """The action plan as it stands on `today`, one block per action, overdue ones marked."""
    s = styles()
    reference = panel.case.reference
    overdue = [
        f"{action.reference}: {action.short_text}" for action in actions if action.is_overdue(today)
    ]
    story: list[Flowable] = [
        details_table(
            [
                ("Case reference", reference),
                ("Position on", format_date(today)),
                ("Actions", _summary(actions)),
                ("Overdue", "; ".join(overdue) if overdue else "None"),
            ]
        ),
        Spacer(0, 4 * mm),
    ]
    if not actions:
        story.append(Paragraph("No actions have been set.", s.body))
    for action in actions:
        story.extend(_action_block(action, today))
    return build_pdf(f"Action plan: case {reference}", story)


def _summary(actions: Sequence[Action]) -> str:
    if not actions:
        return "None"
    counts = [
        f"{sum(action.state is state for action in actions)} {state.label.lower()}"
        for state in ActionState
        if any(action.state is state for action in actions)
    ]
    return f"{len(actions)} in total: {', '.join(counts)}"


def _action_block(action: Action, today: date) -> list[Flowable]:
    s = styles()
    is_overdue = action.is_overdue(today)
    # The action's words follow at once, in full.
    heading = escape(action.reference)
    if is_overdue:
        # The word carries the meaning; the colour only helps it stand out.
        heading += f' <font color="{_OVERDUE_COLOUR}">– Overdue</font>'
    # Heading, action and its owner read as one: kept on one page unless too long for it.
    summary = KeepTogether(
        [
            HRFlowable(width="100%", thickness=0.5, color=BORDER_COLOUR, spaceBefore=6),
            Paragraph(heading, s.subheading),
            *html_to_flowables(action.description, s.body),
            details_table(
                [
                    ("Owner agency", action.owner_agency.name),
                    ("Owner role", action.owner_role),
                    ("Target date", format_date(action.target_date)),
                    ("Response", action.state.label),
                    ("Overdue", "Yes: the target date has passed" if is_overdue else "No"),
                ]
            ),
        ]
    )
    block: list[Flowable] = [
        summary,
        Spacer(0, 2 * mm),
        Paragraph("Measure of success", s.label),
        *_rich_text_or(action.measure_of_success, "Not set."),
    ]
    if action.response_reason:
        block += [Paragraph("Reason", s.label), *_rich_text_or(action.response_reason, "")]
    block.append(Paragraph("Latest progress", s.label))
    if action.updates:
        latest = action.updates[-1]
        block += _rich_text_or(latest.text, "No text given.")
        by = f" by {latest.author.name}" if latest.author is not None else ""
        on = f" on {format_date(latest.created_at)}" if latest.created_at is not None else ""
        if by or on:
            block.append(Paragraph(escape(f"Reported{by}{on}"), s.secondary))
    else:
        block.append(Paragraph("No progress reported yet.", s.secondary))
    block.append(Paragraph("Evidence", s.label))
    if action.evidence:
        block += [
            Paragraph(escape(evidence_line(evidence)), s.body) for evidence in action.evidence
        ]
    else:
        block.append(Paragraph("No evidence attached.", s.secondary))
    return block


def _rich_text_or(markup: str, otherwise: str) -> list[Flowable]:
    s = styles()
    return html_to_flowables(markup or "", s.body) or [Paragraph(escape(otherwise), s.secondary)]

"""The action plan exported: a CSV to work on in a spreadsheet, a PDF to circulate; each action
with its words, its progress and the evidence attached to it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Paragraph, Spacer
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from panels.models.actions import OPEN_STATES, Action, ActionEvidence, ActionState, EvidenceState
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
# Actions read from the database at a time while the CSV is sent, and text sent at a time: the
# export's memory is that of one batch, however long the plan.
BATCH = 200
_CHUNK_CHARACTERS = 32_768
# A PDF is laid out whole in memory (reportlab's platypus places every page before it writes
# one), so it holds at most this many actions, the first by target date; its summary still
# counts them all and says the CSV holds every one. A national panel sets a few dozen at most.
MAX_PDF_ACTIONS = 200


def read_plan(db: Session, plan: Select[Action]) -> Iterator[Action]:
    """The actions of `plan` (ordered by target date and id, as `panels.actions.plan_of` orders
    it) a batch at a time, each batch a query that starts after the last action of the one
    before: only one batch is held in memory, and no cursor is left open while the download is
    sent to a slow reader."""
    batch: list[Action] = list(db.scalars(_with_details(plan).limit(BATCH)))
    while batch:
        yield from batch
        if len(batch) < BATCH:
            return
        after = (batch[-1].target_date, batch[-1].id)
        batch = []  # let go of this batch before the next is read
        batch = list(
            db.scalars(
                _with_details(plan)
                .where(tuple_(Action.target_date, Action.id) > after)
                .limit(BATCH)
            )
        )


def _with_details(plan: Select[Action]) -> Select[Action]:
    """Each action with what the exports show of it, in a query or two for a whole batch."""
    return plan.options(
        joinedload(Action.owner_agency),
        selectinload(Action.updates),
        selectinload(Action.evidence).joinedload(ActionEvidence.uploaded_by),
    )


def action_plan_csv(actions: Iterable[Action], today: date) -> Iterator[str]:
    """The CSV, a chunk of rows at a time as `actions` are read: one row per action, rich text
    as plain text, the byte-order mark first (encoded as UTF-8, Excel then reads accents right)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for action in actions:
        writer.writerow([_defuse(cell) for cell in _row(action, today)])
        if buffer.tell() >= _CHUNK_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


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


@dataclass(frozen=True)
class PlanCount:
    """How many actions a whole plan holds in each state, and how many of them are overdue."""

    by_state: dict[ActionState, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @classmethod
    def of(cls, actions: Sequence[Action], today: date) -> PlanCount:
        by_state = {state: sum(a.state is state for a in actions) for state in ActionState}
        return cls(by_state, sum(action.is_overdue(today) for action in actions))


def count_plan(db: Session, panel: Panel, today: date) -> PlanCount:
    """The counts of a panel's whole plan, found by the database: two small queries."""
    mine = Action.panel_id == panel.id
    by_state: dict[ActionState, int] = {
        state: number
        for state, number in db.execute(
            select(Action.state, func.count()).where(mine).group_by(Action.state)
        )
    }
    overdue = db.scalar(
        select(func.count()).where(mine, Action.state.in_(OPEN_STATES), Action.target_date < today)
    )
    return PlanCount({state: by_state.get(state, 0) for state in ActionState}, overdue or 0)


def plan_pdf(db: Session, panel: Panel, plan: Select[Action], today: date) -> bytes:
    """The PDF of the plan `export_plan` gave: its first MAX_PDF_ACTIONS actions laid out, all
    of them counted."""
    actions = list(db.scalars(_with_details(plan).limit(MAX_PDF_ACTIONS)))
    count = count_plan(db, panel, today) if len(actions) == MAX_PDF_ACTIONS else None
    return action_plan_pdf(panel, actions, today, count)


def action_plan_pdf(
    panel: Panel, actions: Sequence[Action], today: date, count: PlanCount | None = None
) -> bytes:
    """The action plan as it stands on `today`, one block per action, overdue ones marked.

    `count` is that of the whole plan when `actions` are only its first ones (by default they
    are all of it)."""
    s = styles()
    reference = panel.case.reference
    count = count or PlanCount.of(actions, today)
    overdue = [
        f"{action.reference}: {action.short_text}" for action in actions if action.is_overdue(today)
    ]
    if count.overdue > len(overdue):
        overdue.append(f"and {count.overdue - len(overdue):,} more, listed in the CSV")
    story: list[Flowable] = [
        details_table(
            [
                ("Case reference", reference),
                ("Position on", format_date(today)),
                ("Actions", _summary(count)),
                ("Overdue", "; ".join(overdue) if overdue else "None"),
            ]
        ),
        Spacer(0, 4 * mm),
    ]
    if count.total > len(actions):
        story.append(
            Paragraph(
                f"This plan has {count.total:,} actions, too many for one document: the first "
                f"{len(actions):,} by target date follow. Download the plan as a CSV for every "
                "one.",
                s.body,
            )
        )
    if not actions:
        story.append(Paragraph("No actions have been set.", s.body))
    for action in actions:
        story.extend(_action_block(action, today))
    return build_pdf(f"Action plan: case {reference}", story)


def _summary(count: PlanCount) -> str:
    if not count.total:
        return "None"
    states = [
        f"{number:,} {state.label.lower()}" for state, number in count.by_state.items() if number
    ]
    return f"{count.total:,} in total: {', '.join(states)}"


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

"""Actions across panels: by owning agency and agency kind, by the answer given and where they
stand, how many are overdue, how many are owned outside probation (against the inspectorate's
6% baseline), and what the completed ones changed (impact reviews)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import String, and_, cast, select
from sqlalchemy.orm import Session

from agencies.models import Agency, AgencyKind, User
from insight.figures import Bar, BarGroup, Chart, Figure, Fixed, Row, Share, Table, bars, zero
from insight.filters import Counter, InsightFilter
from insight.sheets import AgencyKey, Sheet, by_agency_and_kind, finish
from panels.models.actions import OPEN_STATES, Action, ActionState
from panels.models.cases import Case
from panels.models.impact import ImpactOutcome, ImpactReview
from panels.models.panels import Panel
from portal.audit import AuditEvent

# Seed 000: in the inspectorate's thematic inspection only 6% of review actions were referred
# to an agency other than probation.
BASELINE_PERCENT = 6.0
BASELINE_LABEL = "Inspectorate baseline: actions referred to another agency"

ANSWERS = {
    ActionState.AGREED: "Agreed",
    ActionState.PARTLY_AGREED: "Partly agreed",
    ActionState.NOT_AGREED: "Not agreed",
    ActionState.PROPOSED: "Not yet answered",
}
COLUMNS = ["Actions", *ANSWERS.values(), "Completed", "Overdue"]
NOT_REVIEWED = "Not yet reviewed"


def answer_of(state: ActionState, answered: str | None) -> ActionState:
    """The owning agency's answer: its state until it is completed, then the answer it gave
    (from the audit log: a completed action was agreed, or partly agreed)."""
    if state is not ActionState.COMPLETED:
        return state
    return ActionState(answered) if answered else ActionState.AGREED


def actions_sheet(db: Session, user: User, wanted: InsightFilter, today: date) -> Sheet:
    counter = Counter(db, user)
    # The answer each completed action was given (an action is answered once), from the
    # audit log: found by the event's name alone, through its index, and read once. Asking
    # for the object type too, or leaving SQLite free to fold this into the join, led it to
    # look each action's events up through the index on (object_type, object_id), skipping
    # over every object type: seconds at national size; so on SQLite it is MATERIALIZED, a
    # table of its own the actions are joined to. PostgreSQL joins it by hash either way,
    # and faster when left to fold it in.
    answered = (
        select(
            AuditEvent.object_id.label("action_id"),
            AuditEvent.details["new"].as_string().label("answer"),
        )
        # Actions made within the dates were answered after their start.
        .where(AuditEvent.action == "action.answered", wanted.after_start(AuditEvent.occurred_at))
        .cte("answered")
        .prefix_with("MATERIALIZED", dialect="sqlite")
    )
    overdue = and_(Action.state.in_(OPEN_STATES), Action.target_date < today)
    grouped = db.execute(
        counter.joined(
            select(
                Agency.id,
                Agency.name,
                Agency.kind,
                Action.state,
                answered.c.answer,
                *counter.count("n"),
                *counter.count("overdue", overdue),
            )
            .select_from(Action)
            .join(Agency, Agency.id == Action.owner_agency_id)
            .join(Panel, Panel.id == Action.panel_id)
            .join(Case, Case.id == Panel.case_id)
            .outerjoin(
                answered,
                and_(
                    Action.state == ActionState.COMPLETED,
                    answered.c.action_id == cast(Action.id, String),
                ),
            )
            .where(*wanted.where(Action.created_at, Agency.kind))
            .group_by(Agency.id, Agency.name, Agency.kind, Action.state, answered.c.answer)
        )
    ).all()
    reviewed = db.execute(
        counter.joined(
            select(ImpactReview.outcome, *counter.count("n"))
            .select_from(Action)
            .join(Agency, Agency.id == Action.owner_agency_id)
            .join(Panel, Panel.id == Action.panel_id)
            .join(Case, Case.id == Panel.case_id)
            .outerjoin(ImpactReview, ImpactReview.action_id == Action.id)
            .where(
                Action.state == ActionState.COMPLETED, *wanted.where(Action.created_at, Agency.kind)
            )
            .group_by(ImpactReview.outcome)
        )
    ).all()

    counts: dict[AgencyKey, dict[str, Figure]] = defaultdict(
        lambda: {column: zero() for column in COLUMNS}
    )
    for agency_id, name, kind, state, answer, n, n_vis, late, late_vis in grouped:
        cells = counts[AgencyKey(agency_id, name, kind)]
        counted = Figure(int(n), int(n_vis))
        cells["Actions"] += counted
        cells[ANSWERS[answer_of(state, answer)]] += counted
        if state is ActionState.COMPLETED:
            cells["Completed"] += counted
        cells["Overdue"] += Figure(int(late), int(late_vis))

    by_agency, by_kind_table, by_kind, everything = by_agency_and_kind(
        counts,
        COLUMNS,
        (
            ("actions-by-agency", "Actions by owning agency"),
            ("actions-by-kind", "Actions by kind of owning agency"),
        ),
    )

    probation = by_kind.get(AgencyKind.PROBATION, {}).get("Actions", zero())
    others_parts = [
        cells["Actions"] for kind, cells in by_kind.items() if kind is not AgencyKind.PROBATION
    ]
    others = sum(others_parts, zero())
    all_actions = everything["Actions"]
    outside = Table(
        "actions-outside-probation",
        "Actions owned by agencies other than probation",
        "Owner",
        ["Actions", "Share of all actions"],
        [
            Row("Probation", [probation, Share(probation, all_actions)]),
            Row("Other agencies", [others, Share(others, all_actions)]),
            Row("All agencies", [all_actions, Share(all_actions, all_actions)], total=True),
            Row(BASELINE_LABEL, [Fixed("–"), Fixed(f"{BASELINE_PERCENT:.0f}%", BASELINE_PERCENT)]),
        ],
    )

    outcomes: dict[str, Figure] = {outcome.label: zero() for outcome in ImpactOutcome}
    outcomes[NOT_REVIEWED] = zero()
    for outcome, n, n_vis in reviewed:
        outcomes[outcome.label if outcome else NOT_REVIEWED] += Figure(int(n), int(n_vis))
    completed = everything["Completed"]
    impact = Table(
        "actions-impact",
        "Completed actions: did they change practice? (impact reviews)",
        "Impact review",
        ["Completed actions", "Share"],
        [Row(label, [figure, Share(figure, completed)]) for label, figure in outcomes.items()]
        + [Row("All completed actions", [completed, Share(completed, completed)], total=True)],
    )

    share_chart = Chart(
        "outside-probation-chart",
        "Share of actions owned by agencies other than probation",
        "Horizontal bars: the percentage of actions owned by agencies other than probation, "
        f"against the inspectorate's baseline of {BASELINE_PERCENT:.0f}%. The same figures are "
        "in the table beside it.",
        "bars",
        [
            BarGroup("Actions here", [Bar("Share", Share(others, all_actions))]),
            BarGroup("Inspectorate baseline", [Bar("Share", outside.rows[-1].cells[1])]),
        ],
        outside.key,
        percent=True,
    )
    sheet = Sheet(
        "actions",
        "Actions",
        tables=[by_kind_table, outside, by_agency, impact],
        charts=[
            bars(
                "actions-by-kind-chart",
                "Actions by kind of owning agency",
                "Horizontal bars: how many actions agencies of each kind own. The same figures "
                "are in the table beside it.",
                by_kind_table,
                "Actions",
            ),
            share_chart,
            bars(
                "actions-impact-chart",
                "Completed actions by impact review",
                "Horizontal bars: how many completed actions changed practice, partly changed "
                "it, did not change it, or are not yet reviewed. The same figures are in the "
                "table beside it.",
                impact,
                "Completed actions",
            ),
        ],
        notes=[
            "An action's answer is the owning agency's: agreed, partly agreed or not agreed, "
            "or not yet answered. Completed actions were agreed or partly agreed, and count "
            "under that answer too.",
            "Overdue: not completed (nor not agreed) and past its target date.",
        ],
    )
    return finish(sheet, counter.everything)

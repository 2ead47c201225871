"""Actions across panels: by owning agency and agency kind, by the answer given and where they
stand, how many are overdue, how many are owned outside probation (against the inspectorate's
6% baseline), and what the completed ones changed (impact reviews)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from agencies.models import Agency, AgencyKind, User
from insight.figures import Bar, BarGroup, Chart, Figure, Fixed, Row, Share, Table, bars, zero
from insight.filters import Counter, InsightFilter
from insight.sheets import AgencyKey, Sheet, by_agency_and_kind, finish
from panels.models.actions import OPEN_STATES, Action, ActionState
from panels.models.cases import Case
from panels.models.impact import ImpactOutcome, ImpactReview
from panels.models.panels import Panel

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


def answer_of(state: ActionState, answer: ActionState | None) -> ActionState:
    """The owning agency's answer: its state until it is completed, then the answer it gave
    (`Action.answer`: a completed action was agreed, or partly agreed)."""
    if state is not ActionState.COMPLETED:
        return state
    return answer or ActionState.AGREED


def actions_sheet(db: Session, user: User, wanted: InsightFilter, today: date) -> Sheet:
    counter = Counter(db, user)
    overdue = and_(Action.state.in_(OPEN_STATES), Action.target_date < today)
    # One pass over the actions for both the answers and the impact reviews (an action has at
    # most one): at national size, reading 80,000 actions twice took as long again.
    grouped = db.execute(
        counter.joined(
            select(
                Agency.id,
                Agency.name,
                Agency.kind,
                Action.state,
                Action.answer,
                ImpactReview.outcome,
                *counter.count("n"),
                *counter.count("overdue", overdue),
            )
            .select_from(Action)
            .join(Agency, Agency.id == Action.owner_agency_id)
            .join(Panel, Panel.id == Action.panel_id)
            .join(Case, Case.id == Panel.case_id)
            .outerjoin(ImpactReview, ImpactReview.action_id == Action.id)
            .where(*wanted.where(Action.created_at, Agency.kind))
            .group_by(
                Agency.id,
                Agency.name,
                Agency.kind,
                Action.state,
                Action.answer,
                ImpactReview.outcome,
            )
        )
    ).all()

    counts: dict[AgencyKey, dict[str, Figure]] = defaultdict(
        lambda: {column: zero() for column in COLUMNS}
    )
    outcomes: dict[str, Figure] = {outcome.label: zero() for outcome in ImpactOutcome}
    outcomes[NOT_REVIEWED] = zero()
    for agency_id, name, kind, state, answer, outcome, n, n_vis, late, late_vis in grouped:
        cells = counts[AgencyKey(agency_id, name, kind)]
        counted = Figure(int(n), int(n_vis))
        cells["Actions"] += counted
        cells[ANSWERS[answer_of(state, answer)]] += counted
        if state is ActionState.COMPLETED:
            cells["Completed"] += counted
            outcomes[outcome.label if outcome else NOT_REVIEWED] += counted
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

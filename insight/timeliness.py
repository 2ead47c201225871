"""How long panels take: from the case to the panel opening, the agencies' contributions in,
the action plan agreed and the panel closed, against each panel's own deadlines.

The moments come from where the portal records them: a panel's moves (opened, plan agreed,
closed) from the panel itself, the first time of each (`Panel.opened_at`, `plan_agreed_at`,
`closed_at`, set by `panels.panels.move_to`, as its audited moves say); a contribution's
from its `submitted_at` (its latest submission), counted once it is submitted, resubmitted or
accepted; the case from its `created_at` (when it was recorded). A moment is on time when its
date (UTC) is on or before the panel's deadline for it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from agencies.models import Agency, User
from insight.figures import Average, Figure, Fixed, Row, Table, bars
from insight.filters import Counter, InsightFilter, days_between
from insight.sheets import Sheet, finish
from panels.models.cases import Case
from panels.models.contributions import Contribution, ContributionState
from panels.models.panels import Panel

COLUMNS = [
    "Reached",
    "By the panel's deadline",
    "After the deadline",
    "No deadline set",
    "Waiting, past the deadline",
    "Average days",
]
IN = (ContributionState.SUBMITTED, ContributionState.RESUBMITTED, ContributionState.ACCEPTED)
STAGES = {
    "opened": "Panel opened (days from the case being recorded)",
    "contributions": "Agencies' contributions in (days from the panel opening)",
    "agreed": "Action plan agreed (days from the panel opening)",
    "closed": "Panel closed (days from the panel opening)",
}


def _figures(row: Any, *names: str) -> list[Figure]:
    return [Figure(int(row[name]), int(row[name + "_visible"])) for name in names]


def timeliness_sheet(db: Session, user: User, wanted: InsightFilter, today: date) -> Sheet:
    counter = Counter(db, user)
    opened, agreed, closed = Panel.opened_at, Panel.plan_agreed_at, Panel.closed_at

    def met(moment: Any, deadline: Any, compare: str) -> Any:
        reached = and_(moment.is_not(None), deadline.is_not(None))
        on_day = func.date(moment)
        return and_(reached, on_day <= deadline if compare == "by" else on_day > deadline)

    def average(later: Any, earlier: Any, label: str) -> Any:
        both = and_(later.is_not(None), earlier.is_not(None))
        return func.avg(case((both, days_between(db, later, earlier)))).label(label)

    target = Panel.action_plan_target_date
    on_panels = (
        db.execute(
            counter.joined(
                select(
                    *counter.count("opened", opened.is_not(None)),
                    average(opened, Case.created_at, "opened_days"),
                    *counter.count("agreed", agreed.is_not(None)),
                    *counter.count("agreed_by", met(agreed, target, "by")),
                    *counter.count("agreed_after", met(agreed, target, "after")),
                    *counter.count("agreed_none", and_(agreed.is_not(None), target.is_(None))),
                    *counter.count("agreed_waiting", and_(agreed.is_(None), target < today)),
                    average(agreed, opened, "agreed_days"),
                    *counter.count("closed", closed.is_not(None)),
                    average(closed, opened, "closed_days"),
                )
                .select_from(Panel)
                .join(Case, Case.id == Panel.case_id)
                .where(*wanted.where(Panel.created_at))
            )
        )
        .one()
        ._mapping
    )
    submitted = case((Contribution.state.in_(IN), Contribution.submitted_at))
    deadline = Panel.contribution_deadline
    on_contributions = (
        db.execute(
            counter.joined(
                select(
                    *counter.count("in", submitted.is_not(None)),
                    *counter.count("in_by", met(submitted, deadline, "by")),
                    *counter.count("in_after", met(submitted, deadline, "after")),
                    *counter.count("in_none", and_(submitted.is_not(None), deadline.is_(None))),
                    *counter.count("in_waiting", and_(submitted.is_(None), deadline < today)),
                    average(submitted, opened, "in_days"),
                )
                .select_from(Contribution)
                .join(Agency, Agency.id == Contribution.agency_id)
                .join(Panel, Panel.id == Contribution.panel_id)
                .join(Case, Case.id == Panel.case_id)
                .where(*wanted.where(Panel.created_at, Agency.kind))
            )
        )
        .one()
        ._mapping
    )

    dash = Fixed("–")

    def days(count: Figure, mapping: Any, name: str) -> Average:
        value = mapping[name]
        return Average(count, None if value is None else float(value))

    (opened_n,) = _figures(on_panels, "opened")
    contributions_row = _figures(
        on_contributions, "in", "in_by", "in_after", "in_none", "in_waiting"
    )
    agreed_row = _figures(
        on_panels, "agreed", "agreed_by", "agreed_after", "agreed_none", "agreed_waiting"
    )
    (closed_n,) = _figures(on_panels, "closed")
    table = Table(
        "timeliness",
        "Time taken, against the panels' own deadlines",
        "Stage",
        list(COLUMNS),
        [
            Row(
                STAGES["opened"],
                [opened_n, dash, dash, dash, dash, days(opened_n, on_panels, "opened_days")],
            ),
            Row(
                STAGES["contributions"],
                [*contributions_row, days(contributions_row[0], on_contributions, "in_days")],
            ),
            Row(STAGES["agreed"], [*agreed_row, days(agreed_row[0], on_panels, "agreed_days")]),
            Row(
                STAGES["closed"],
                [closed_n, dash, dash, dash, dash, days(closed_n, on_panels, "closed_days")],
            ),
        ],
    )
    sheet = Sheet(
        "timeliness",
        "Timeliness",
        tables=[table],
        charts=[
            bars(
                "timeliness-chart",
                "Average days to each stage",
                "Horizontal bars: the average number of days to reach each stage. The same "
                "figures are in the table beside it.",
                table,
                "Average days",
            )
        ],
        notes=[
            "Panels set up in the period. A contribution is in once submitted; its date is its "
            "latest submission. The deadlines are each panel's own: the deadline for "
            "contributions and the target date for the action plan.",
        ],
    )
    return finish(sheet, counter.everything)

"""How far learning travels: learning shared with each agency, acknowledged by it, and acted on
(acknowledged with anything but "no action"), by agency and agency kind."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from agencies.models import Agency, User
from insight.figures import Bar, BarGroup, Chart, Figure, zero
from insight.filters import Counter, InsightFilter
from insight.sheets import AgencyKey, Sheet, by_agency_and_kind, finish
from panels.learning import ACKNOWLEDGE_WITHIN
from panels.models.cases import Case
from panels.models.learning import (
    LearningAcknowledgement,
    LearningPoint,
    LearningResponse,
    learning_point_agencies,
)
from panels.models.panels import Panel

COLUMNS = [
    "Shared",
    "Acknowledged",
    "Acted on",
    "No action",
    "Not yet acknowledged",
    f"Not acknowledged after {ACKNOWLEDGE_WITHIN.days} days",
]


def reach_sheet(db: Session, user: User, wanted: InsightFilter, now: datetime) -> Sheet:
    counter = Counter(db, user)
    links = learning_point_agencies
    silent = and_(
        LearningAcknowledgement.id.is_(None),
        LearningPoint.shared_at <= now - ACKNOWLEDGE_WITHIN,
    )
    grouped = db.execute(
        counter.joined(
            select(
                Agency.id,
                Agency.name,
                Agency.kind,
                LearningAcknowledgement.response,
                *counter.count("n"),
                *counter.count("silent", silent),
            )
            .select_from(links)
            .join(LearningPoint, LearningPoint.id == links.c.learning_point_id)
            .join(Agency, Agency.id == links.c.agency_id)
            .join(Panel, Panel.id == LearningPoint.panel_id)
            .join(Case, Case.id == Panel.case_id)
            .outerjoin(
                LearningAcknowledgement,
                and_(
                    LearningAcknowledgement.learning_point_id == LearningPoint.id,
                    LearningAcknowledgement.agency_id == Agency.id,
                ),
            )
            .where(
                LearningPoint.shared_at.is_not(None),
                *wanted.where(LearningPoint.shared_at, Agency.kind),
            )
            .group_by(Agency.id, Agency.name, Agency.kind, LearningAcknowledgement.response)
        )
    ).all()

    counts: dict[AgencyKey, dict[str, Figure]] = defaultdict(
        lambda: {column: zero() for column in COLUMNS}
    )
    for agency_id, name, kind, response, n, n_vis, late, late_vis in grouped:
        cells = counts[AgencyKey(agency_id, name, kind)]
        counted = Figure(int(n), int(n_vis))
        cells["Shared"] += counted
        if response is None:
            cells["Not yet acknowledged"] += counted
        else:
            cells["Acknowledged"] += counted
            cells["No action" if response is LearningResponse.NO_ACTION else "Acted on"] += counted
        cells[COLUMNS[-1]] += Figure(int(late), int(late_vis))

    by_agency, by_kind, _kinds, _everything = by_agency_and_kind(
        counts,
        COLUMNS,
        (
            ("reach-by-agency", "Learning shared, acknowledged and acted on, by agency"),
            ("reach-by-kind", "Learning shared, acknowledged and acted on, by agency kind"),
        ),
    )
    chart = Chart(
        "reach-chart",
        "Learning shared, acknowledged and acted on, by agency kind",
        "Horizontal bars, three for each kind of agency, each labelled: how many times "
        "learning was shared with agencies of that kind, acknowledged, and acted on. The same "
        "figures are in the table beside it.",
        "bars",
        [
            BarGroup(row.label, [Bar(column, row.cells[i]) for i, column in enumerate(COLUMNS[:3])])
            for row in by_kind.rows
        ],
        by_kind.key,
    )
    sheet = Sheet(
        "reach",
        "Learning reach",
        tables=[by_kind, by_agency],
        charts=[chart],
        notes=[
            "Each time a learning point is shared with an agency counts once. Acted on: "
            "acknowledged with what the agency did (briefed teams, changed guidance, training); "
            "no action: acknowledged, saying why nothing was done.",
        ],
    )
    return finish(sheet, counter.everything)

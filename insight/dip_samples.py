"""The inspectorate's dip samples in figures: completed actions sampled in each region, and how
many were found delivered as intended and with their impact evidenced."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from insight.figures import Figure, Row, Share, Table, bars, total_of, zero
from insight.filters import Counter, InsightFilter
from insight.sheets import Sheet, finish
from panels.models.actions import Action
from panels.models.cases import ProbationRegion
from panels.models.dip_samples import DipSample, DipSampleItem
from panels.models.panels import Panel

COUNTS = ["Actions sampled", "Finding recorded", "Delivered as intended", "Impact evidenced"]
SHARES = ["Delivered as intended (share of findings)", "Impact evidenced (share of findings)"]


def dip_samples_sheet(db: Session, user: User, wanted: InsightFilter) -> Sheet:
    counter = Counter(db, user)
    conditions = [wanted.within(DipSample.drawn_at)]
    if wanted.region:
        conditions.append(DipSample.region == wanted.region)
    grouped = db.execute(
        counter.joined(
            select(
                DipSample.region,
                *counter.count("n"),
                *counter.count("recorded", DipSampleItem.recorded_at.is_not(None)),
                *counter.count("delivered", DipSampleItem.delivered_as_intended.is_(True)),
                *counter.count("impact", DipSampleItem.impact_evidenced.is_(True)),
            )
            .select_from(DipSampleItem)
            .join(DipSample, DipSample.id == DipSampleItem.sample_id)
            .join(Action, Action.id == DipSampleItem.action_id)
            .join(Panel, Panel.id == Action.panel_id)
            .where(*conditions)
            .group_by(DipSample.region)
        )
    ).all()
    by_region: dict[ProbationRegion, dict[str, Figure]] = defaultdict(
        lambda: {column: zero() for column in COUNTS}
    )
    for region, *numbers in grouped:
        pairs = zip(numbers[::2], numbers[1::2], strict=True)
        for column, (total, visible) in zip(COUNTS, pairs, strict=True):
            by_region[region][column] += Figure(int(total), int(visible))
    regions = [region for region in ProbationRegion if region in by_region]
    everything = {
        column: total_of(by_region[region][column] for region in regions) for column in COUNTS
    }

    def row(label: str, cells: dict[str, Figure], total: bool = False) -> Row:
        recorded = cells["Finding recorded"]
        return Row(
            label,
            [
                *(cells[column] for column in COUNTS),
                Share(cells["Delivered as intended"], recorded),
                Share(cells["Impact evidenced"], recorded),
            ],
            total=total,
        )

    table = Table(
        "dip-samples",
        "Dip samples: completed actions sampled by the inspectorate",
        "Region",
        [*COUNTS, *SHARES],
        [row(region.label, by_region[region]) for region in regions]
        + [row("All regions", everything, total=True)],
    )
    sheet = Sheet(
        "dip-samples",
        "Dip samples",
        tables=[table],
        charts=[
            bars(
                "dip-samples-chart",
                "Completed actions sampled, by region",
                "Horizontal bars: how many completed actions the inspectorate sampled in each "
                "region. The same figures are in the table beside it.",
                table,
                "Actions sampled",
            )
        ],
        notes=[
            "Samples drawn in the period. A finding is recorded once the inspector has said "
            "whether the action was delivered as intended and whether its impact is evidenced.",
        ],
    )
    return finish(sheet, counter.everything)

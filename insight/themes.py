"""How often each theme recurs: learning points tagged with it, by quarter and by region."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from insight.figures import Figure, Row, Table, bars, total_of, zero
from insight.filters import (
    Counter,
    InsightFilter,
    quarter_label,
    quarters_between,
    year_quarter,
)
from insight.sheets import Sheet, finish
from panels.models.cases import Case, ProbationRegion
from panels.models.learning import LearningPoint, Theme, learning_point_themes
from panels.models.panels import Panel
from portal.urls import path_for

Quarter = tuple[int, int]


def themes_sheet(db: Session, user: User, wanted: InsightFilter) -> Sheet:
    counter = Counter(db, user)
    conditions = wanted.where(LearningPoint.created_at)
    yq = year_quarter(LearningPoint.created_at)
    tagged = db.execute(
        counter.joined(
            select(Theme.id, Theme.name, Case.region, *yq, *counter.count("n"))
            .select_from(learning_point_themes)
            .join(LearningPoint, LearningPoint.id == learning_point_themes.c.learning_point_id)
            .join(Theme, Theme.id == learning_point_themes.c.theme_id)
            .join(Panel, Panel.id == LearningPoint.panel_id)
            .join(Case, Case.id == Panel.case_id)
            .where(*conditions)
            .group_by(Theme.id, Theme.name, Case.region, *yq)
        )
    ).all()
    points = db.execute(
        counter.joined(
            select(*yq, *counter.count("n"))
            .select_from(LearningPoint)
            .join(Panel, Panel.id == LearningPoint.panel_id)
            .join(Case, Case.id == Panel.case_id)
            .where(*conditions)
            .group_by(*yq)
        )
    ).all()

    names: dict[int, str] = {}
    by_quarter: dict[int, dict[Quarter, Figure]] = defaultdict(lambda: defaultdict(zero))
    by_region: dict[int, dict[ProbationRegion, Figure]] = defaultdict(lambda: defaultdict(zero))
    for theme_id, name, region, year, number, n, n_visible in tagged:
        names[theme_id] = name
        counted = Figure(int(n), int(n_visible))
        quarter = (int(year), int(number))
        by_quarter[theme_id][quarter] = by_quarter[theme_id][quarter] + counted
        by_region[theme_id][region] = by_region[theme_id][region] + counted
    points_by_quarter: dict[Quarter, Figure] = defaultdict(zero)
    for year, number, n, n_visible in points:
        points_by_quarter[(int(year), int(number))] = Figure(int(n), int(n_visible))

    quarters = quarters_between(list(points_by_quarter), wanted)
    regions = [region for region in ProbationRegion if any(region in r for r in by_region.values())]
    totals = {theme_id: total_of(by_quarter[theme_id].values()) for theme_id in names}
    order = sorted(names, key=lambda theme_id: (-totals[theme_id].total, names[theme_id]))
    themes = Table("themes", "Learning points by theme", "Theme", ["Learning points"])
    by_quarter_table = Table(
        "themes-by-quarter",
        "Learning points by theme and quarter",
        "Theme",
        [quarter_label(quarter) for quarter in quarters],
    )
    by_region_table = Table(
        "themes-by-region",
        "Learning points by theme and region",
        "Theme",
        [region.label for region in regions],
    )
    for theme_id in order:
        link = path_for(
            "panels.learning_library",
            theme=theme_id,
            region=wanted.region.value if wanted.region else None,
        )
        themes.rows.append(Row(names[theme_id], [totals[theme_id]], href=link))
        quarter_cells = [by_quarter[theme_id].get(quarter, zero()) for quarter in quarters]
        region_cells = [by_region[theme_id].get(region, zero()) for region in regions]
        by_quarter_table.rows.append(Row(names[theme_id], list(quarter_cells), href=link))
        by_region_table.rows.append(Row(names[theme_id], list(region_cells), href=link))

    points_table = Table(
        "learning-by-quarter", "Learning points by quarter", "Quarter", ["Learning points"]
    )
    quarter_points = [points_by_quarter.get(quarter, zero()) for quarter in quarters]
    for quarter, figure in zip(quarters, quarter_points, strict=True):
        points_table.rows.append(Row(quarter_label(quarter), [figure]))
    all_points = total_of(quarter_points)
    points_table.rows.append(Row("All learning points", [all_points], total=True))

    sheet = Sheet(
        "themes",
        "Themes",
        tables=[themes, points_table, by_quarter_table, by_region_table],
        charts=[
            bars(
                "themes-chart",
                "Learning points by theme",
                "Horizontal bars: how many learning points are tagged with each theme, most "
                "frequent first. The same figures are in the table beside it.",
                themes,
                "Learning points",
            ),
            bars(
                "learning-by-quarter-chart",
                "Learning points by quarter",
                "Columns: how many learning points were agreed in each quarter. The same "
                "figures are in the table beside it.",
                points_table,
                "Learning points",
                kind="columns",
            ),
        ],
        notes=[
            "A learning point tagged with several themes counts once under each, so the themes "
            "add up to more than the learning points.",
        ],
    )
    return finish(sheet, counter.everything)

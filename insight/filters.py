"""What the insight pages and the report are filtered by (region, a year or one quarter of it,
agency kind), read from the URL, and the SQL pieces every figure is counted with: the window of
dates, the quarter, and each count twice, over all panels and over those the viewer may see.

The dates are whole quarters or years, never days, and for everyone (one form, one rule):
two windows a day apart would single out that day's few records, which the rounding of
insight.figures is not meant to protect on its own."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    extract,
    func,
    select,
    true,
)
from sqlalchemy.orm import Session

from agencies.access import is_admin
from agencies.models import Agency, AgencyKind, User
from panels.models.cases import Case, ProbationRegion
from panels.models.panels import Invitation, Panel
from panels.queries import visible_panels
from portal.clock import LONDON

QUARTERS = {
    1: "January to March",
    2: "April to June",
    3: "July to September",
    4: "October to December",
}


@dataclass(frozen=True)
class InsightFilter:
    region: ProbationRegion | None = None
    year: int | None = None  # None: every date
    quarter: int | None = None  # 1 to 4, of `year`; None: the whole year
    kind: AgencyKind | None = None

    @classmethod
    def for_year(cls, year: int, region: ProbationRegion | None = None) -> InsightFilter:
        return cls(region, year)

    @property
    def since(self) -> date | None:
        """The first day counted (in the UK), if any."""
        if self.year is None:
            return None
        return date(self.year, 3 * (self.quarter or 1) - 2, 1)

    @property
    def until(self) -> date | None:
        """The last day counted (in the UK), inclusive, if any."""
        if self.year is None:
            return None
        month = 3 * self.quarter if self.quarter else 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def within(self, column: Any) -> ColumnElement[bool]:
        """`column` (a UTC timestamp) falls on a day from `since` to `until`, in the UK."""
        conditions = []
        if self.since:
            conditions.append(column >= _utc_midnight(self.since))
        if self.until:
            conditions.append(column < _utc_midnight(self.until + timedelta(days=1)))
        return and_(true(), *conditions)

    def where(self, moment: Any, kind: Any = None) -> list[ColumnElement[bool]]:
        """The filter as conditions: `moment` within the dates, the case (joined) in the region,
        and the agency kind: that of the `kind` column if given (the agency a row is of), or
        else that of an agency invited to the panel."""
        conditions = [self.within(moment)]
        if self.region:
            conditions.append(Case.region == self.region)
        if self.kind and kind is not None:
            conditions.append(kind == self.kind)
        elif self.kind:
            invited = (
                select(Invitation.panel_id)
                .join(Agency, Agency.id == Invitation.agency_id)
                .where(Agency.kind == self.kind)
            )
            conditions.append(Panel.id.in_(invited))
        return conditions

    def describe(self) -> str:
        """In words, for headings, the CSV and the PDF."""
        where = f"{self.region.label} region" if self.region else "All regions"
        if self.year is None:
            when = "all dates"
        elif self.quarter:
            when = f"{self.year} Q{self.quarter} ({QUARTERS[self.quarter].lower()})"
        else:
            when = str(self.year)
        kind = f", agency kind: {self.kind.label}" if self.kind else ""
        return f"{where}, {when}{kind}"


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LONDON).astimezone(UTC)


class Counter:
    """Builds each count twice in one query: over every row, and over the rows on panels the
    viewer may see. Every query using it joins `panels` and goes through `joined`.

    The panels the viewer may see are found once a query, as a table of their ids joined to
    `panels` (left outer: each panel at most once, since the ids are distinct), and each
    visible count tests that join: not the `visible_panels` test once for every count (up
    to nine in one query). For an administrator, who sees every panel, nothing is joined."""

    def __init__(self, db: Session, user: User) -> None:
        self.everything = is_admin(user)
        self._seen = (
            None
            if self.everything
            else visible_panels(db, user).with_only_columns(Panel.id).subquery("seen_panels")
        )
        self._visible: ColumnElement[bool] = (
            true() if self._seen is None else self._seen.c.id.is_not(None)
        )

    def joined(self, query: Select[Any]) -> Select[Any]:
        """`query` (joining `panels`) with the panels the viewer may see joined to it."""
        if self._seen is None:
            return query
        return query.outerjoin(self._seen, self._seen.c.id == Panel.id)

    def count(self, name: str, condition: ColumnElement[bool] | None = None) -> list[Any]:
        """Two labelled columns, `name` and `name_visible`."""
        where = true() if condition is None else condition
        return [
            func.coalesce(func.sum(case((where, 1), else_=0)), 0).label(name),
            func.coalesce(func.sum(case((and_(where, self._visible), 1), else_=0)), 0).label(
                name + "_visible"
            ),
        ]


def year_quarter(column: Any) -> list[Any]:
    """The UTC year and quarter (1 to 4) of a timestamp, on SQLite and PostgreSQL alike:
    grouped by in the database, so that ten years come back as 40 quarters, not 120 months."""
    month = cast(extract("month", column), Integer)
    return [
        cast(extract("year", column), Integer).label("year"),
        ((month - 1) // 3 + 1).label("quarter"),
    ]


def quarter_of(year: int, month: int) -> tuple[int, int]:
    return (int(year), (int(month) - 1) // 3 + 1)


def quarter_label(quarter: tuple[int, int]) -> str:
    return f"{quarter[0]} Q{quarter[1]}"


def quarters_between(
    found: Sequence[tuple[int, int]], wanted: InsightFilter
) -> list[tuple[int, int]]:
    """Every quarter from the filter's first (or the first found) to its last (or the last
    found), so that a quarter with nothing in it shows as nothing, not as a gap."""
    first = (
        quarter_of(wanted.since.year, wanted.since.month)
        if wanted.since
        else min(found, default=None)
    )
    last = (
        quarter_of(wanted.until.year, wanted.until.month)
        if wanted.until
        else max(found, default=None)
    )
    if first is None or last is None:
        return []
    quarters = []
    year, number = first
    while (year, number) <= last:
        quarters.append((year, number))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return quarters


def days_between(db: Session, later: Any, earlier: Any) -> Any:
    """Days from `earlier` to `later` (timestamps), as a number, in SQLite or PostgreSQL."""
    if db.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return extract("epoch", later - earlier) / 86400.0

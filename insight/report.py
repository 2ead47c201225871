"""The annual learning report's title and its sheets, the same for its page, its CSV and the
PDF a worker makes of it (insight.report_job)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from agencies.models import User
from insight.actions import actions_sheet
from insight.dip_samples import dip_samples_sheet
from insight.filters import InsightFilter
from insight.reach import reach_sheet
from insight.sheets import Sheet
from insight.themes import themes_sheet
from insight.timeliness import timeliness_sheet
from panels.models.cases import ProbationRegion


def report_title(year: int, region: ProbationRegion | None) -> str:
    where = f"{region.label} region" if region else "national"
    return f"Annual learning report {year}: {where}"


def report_args(year: int, region: ProbationRegion | None) -> dict[str, Any]:
    """The report's year and region as its page's URL and its job's payload hold them."""
    return {"year": year, "region": region.value if region else None}


def report_file_name(year: int, region: ProbationRegion | None) -> str:
    """Its CSV's and its PDF's file name, without the extension."""
    return f"learning-report-{year}-{region.value if region else 'national'}"


def report_sheets(
    db: Session,
    user: User,
    wanted: InsightFilter,
    today: date,
    now: datetime,
    progress: Callable[[str], None] = lambda _text: None,
) -> list[Sheet]:
    """The report's sheets as `user` may see them, saying which it is counting as it goes."""
    sheets = []
    steps: list[tuple[str, Callable[[], Sheet]]] = [
        ("themes", lambda: themes_sheet(db, user, wanted)),
        ("actions", lambda: actions_sheet(db, user, wanted, today)),
        ("timeliness", lambda: timeliness_sheet(db, user, wanted, today)),
        ("the reach of shared learning", lambda: reach_sheet(db, user, wanted, now)),
        ("dip samples", lambda: dip_samples_sheet(db, user, wanted)),
    ]
    for what, sheet in steps:
        progress(f"Counting {what}…")
        sheets.append(sheet())
    return sheets

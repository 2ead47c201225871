"""The insight pages (themes, actions, timeliness, learning reach), each with a CSV of its
tables, and the annual learning report as a page, a CSV and a PDF."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from flask import Blueprint, Response, render_template, request

from agencies.signed_in import me
from insight.actions import actions_sheet
from insight.dip_samples import dip_samples_sheet
from insight.figures import Figure
from insight.filters import InsightFilter
from insight.forms import InsightForm, ReportForm
from insight.reach import reach_sheet
from insight.report_pdf import report_pdf
from insight.sheets import Sheet
from insight.themes import themes_sheet
from insight.timeliness import timeliness_sheet
from panels.models.cases import ProbationRegion
from portal import clock, downloads
from portal.db import get_db
from portal.policy import require

blueprint = Blueprint("insight", __name__)

PAGES = {
    "themes": "How often each theme recurs, over time and by region",
    "actions": "Actions by owning agency and kind, their answers, what is overdue, and how "
    "many are owned outside probation",
    "timeliness": "From the case to the panel opening, contributions in, the plan agreed and "
    "the panel closed, against the panels' own deadlines",
    "reach": "Learning shared with each agency, acknowledged and acted on",
}

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _sheet(name: str, wanted: InsightFilter) -> Sheet:
    db, user = get_db(), me()
    if name == "themes":
        return themes_sheet(db, user, wanted)
    if name == "actions":
        return actions_sheet(db, user, wanted, clock.today())
    if name == "timeliness":
        return timeliness_sheet(db, user, wanted, clock.today())
    return reach_sheet(db, user, wanted, clock.now())


def _filters() -> tuple[InsightForm, InsightFilter]:
    form = InsightForm(request.args)
    form.offer(clock.today())
    form.validate()
    return form, form.wanted()


def _query_args() -> dict[str, Any]:
    return {key: request.args.getlist(key) for key in request.args if key != "format"}


@blueprint.get("/insight")
@require("view_insight")
def index() -> Any:
    form, _wanted = _filters()
    return render_template("insight/index.html", form=form, pages=PAGES, query_args=_query_args())


def _page(name: str) -> Any:
    form, wanted = _filters()
    return render_template(
        "insight/sheet.html",
        form=form,
        sheet=_sheet(name, wanted),
        wanted=wanted,
        summary=PAGES[name],
        csv_endpoint=f"insight.{name}_csv",
        query_args=_query_args(),
    )


def _csv_of(name: str) -> Response:
    _form, wanted = _filters()
    return streamed_csv([_sheet(name, wanted)], wanted, f"insight-{name}")


@blueprint.get("/insight/themes")
@require("view_insight")
def themes() -> Any:
    return _page("themes")


@blueprint.get("/insight/themes.csv")
@require("view_insight")
def themes_csv() -> Any:
    return _csv_of("themes")


@blueprint.get("/insight/actions")
@require("view_insight")
def actions() -> Any:
    return _page("actions")


@blueprint.get("/insight/actions.csv")
@require("view_insight")
def actions_csv() -> Any:
    return _csv_of("actions")


@blueprint.get("/insight/timeliness")
@require("view_insight")
def timeliness() -> Any:
    return _page("timeliness")


@blueprint.get("/insight/timeliness.csv")
@require("view_insight")
def timeliness_csv() -> Any:
    return _csv_of("timeliness")


@blueprint.get("/insight/reach")
@require("view_insight")
def reach() -> Any:
    return _page("reach")


@blueprint.get("/insight/reach.csv")
@require("view_insight")
def reach_csv() -> Any:
    return _csv_of("reach")


def _report() -> tuple[ReportForm, int, ProbationRegion | None, list[Sheet]]:
    today = clock.today()
    form = ReportForm(request.args)
    form.offer(today)
    form.validate()
    year, region = form.chosen(today)
    form.year.data = str(year)
    wanted = InsightFilter.for_year(year, region)
    db, user = get_db(), me()
    sheets = [
        themes_sheet(db, user, wanted),
        actions_sheet(db, user, wanted, today),
        timeliness_sheet(db, user, wanted, today),
        reach_sheet(db, user, wanted, clock.now()),
        dip_samples_sheet(db, user, wanted),
    ]
    return form, year, region, sheets


def report_title(year: int, region: ProbationRegion | None) -> str:
    where = f"{region.label} region" if region else "national"
    return f"Annual learning report {year}: {where}"


@blueprint.get("/insight/report")
@require("view_insight")
def report() -> Any:
    form, year, region, sheets = _report()
    return render_template(
        "insight/report.html",
        form=form,
        title=report_title(year, region),
        year=year,
        region=region,
        sheets=sheets,
        query_args={"year": year, "region": region.value if region else None},
    )


@blueprint.get("/insight/report.csv")
@require("view_insight")
def report_csv() -> Any:
    _form, year, region, sheets = _report()
    name = f"learning-report-{year}-{region.value if region else 'national'}"
    return streamed_csv(sheets, InsightFilter.for_year(year, region), name)


@blueprint.get("/insight/report.pdf")
@require("view_insight")
def report_as_pdf() -> Any:
    _form, year, region, sheets = _report()
    title = report_title(year, region)
    body = report_pdf(title, InsightFilter.for_year(year, region), sheets)
    name = f"learning-report-{year}-{region.value if region else 'national'}.pdf"
    return downloads.download(body, name)


def csv_value(cell: Any) -> str:
    """A count as digits (no thousands separator, rounded as the page rounds it), anything else
    as the page shows it."""
    if isinstance(cell, Figure) and cell.value is not None:
        return str(cell.value)
    return str(cell.text)


def defuse(value: str) -> str:
    """A cell a spreadsheet would run as a formula, made text."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_lines(sheets: Sequence[Sheet], wanted: InsightFilter) -> Iterator[str]:
    """Every table, one figure a line: which table, its row and column, and the figure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[str]) -> str:
        writer.writerow([defuse(value) for value in values])
        written = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return written

    # The byte-order mark makes Excel read the accents right.
    yield "\ufeff" + line(["filter", "table", "row", "column", "value"])
    described = wanted.describe()
    for sheet in sheets:
        for table in sheet.tables:
            for row in table.rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    yield line([described, table.caption, row.label, column, csv_value(cell)])


def streamed_csv(sheets: Sequence[Sheet], wanted: InsightFilter, name: str) -> Response:
    """The CSV, sent as it is written: the figures are few, but the tables of a national
    report are many."""
    response = Response(
        (text.encode("utf-8") for text in csv_lines(sheets, wanted)),
        content_type="text/csv; charset=utf-8",
    )
    response.headers.set("Content-Disposition", "attachment", filename=f"{name}.csv")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

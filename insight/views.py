"""The insight pages (themes, actions, timeliness, learning reach), each with a CSV of its
tables, and the annual learning report as a page, a CSV and a PDF (made by a worker: the page's
button queues it, and the person who asked downloads it once made)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from agencies.signed_in import me
from insight import report_job
from insight.actions import actions_sheet
from insight.figures import Figure
from insight.filters import InsightFilter
from insight.forms import InsightForm, ReportForm
from insight.models import ReportPdf
from insight.reach import reach_sheet
from insight.report import report_args, report_file_name, report_sheets, report_title
from insight.sheets import Sheet
from insight.themes import themes_sheet
from insight.timeliness import timeliness_sheet
from panels.models.cases import ProbationRegion
from portal import clock, downloads
from portal.db import get_db
from portal.pages import ButtonForm, Refused, attempt, get_or_404
from portal.policy import ensure, require

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


def _chosen() -> tuple[ReportForm, int, ProbationRegion | None]:
    """The year and region asked for in the URL."""
    today = clock.today()
    form = ReportForm(request.args)
    form.offer(today)
    form.validate()
    year, region = form.chosen(today)
    form.year.data = str(year)
    return form, year, region


def _report() -> tuple[ReportForm, int, ProbationRegion | None, list[Sheet]]:
    form, year, region = _chosen()
    wanted = InsightFilter.for_year(year, region)
    return form, year, region, report_sheets(get_db(), me(), wanted, clock.today(), clock.now())


@blueprint.get("/insight/report")
@require("view_insight")
def report() -> Any:
    form, year, region, sheets = _report()
    return render_template(
        "insight/report.html",
        form=form,
        pdf_form=ButtonForm(),
        title=report_title(year, region),
        year=year,
        region=region,
        sheets=sheets,
        query_args=report_args(year, region),
    )


@blueprint.get("/insight/report.csv")
@require("view_insight")
def report_csv() -> Any:
    _form, year, region, sheets = _report()
    return streamed_csv(
        sheets, InsightFilter.for_year(year, region), report_file_name(year, region)
    )


@blueprint.post("/insight/report/pdf")
@require("view_insight")
def report_as_pdf() -> Any:
    """Queue making the report for the year and region in the URL as a PDF, and follow it."""
    _form, year, region = _chosen()
    if ButtonForm().validate_on_submit():
        job = attempt(None, lambda: report_job.make_pdf_later(get_db(), me(), year, region))
        if not isinstance(job, Refused):
            return redirect(url_for("home.job", job_id=job.id), 303)
    return redirect(url_for(".report", **report_args(year, region)), 303)


def _report_pdf(pdf_id: int) -> ReportPdf:
    report = get_or_404(ReportPdf, pdf_id)
    ensure("download", report)
    return report


@blueprint.get("/insight/report/pdfs/<int:pdf_id>")
def report_pdf(pdf_id: int) -> Any:
    """A PDF the worker made: what it covers, until when it is kept, and the link to it."""
    report = _report_pdf(pdf_id)
    return render_template(
        "insight/report_pdf.html",
        report=report,
        title=report_title(report.year, report.region),
        query_args=report_args(report.year, report.region),
    )


@blueprint.get("/insight/report/pdfs/<int:pdf_id>.pdf")
def report_pdf_file(pdf_id: int) -> Any:
    report = _report_pdf(pdf_id)
    attempt(None, lambda: report_job.open_pdf(get_db(), me(), report))
    response = downloads.download(report.pdf, f"{report_file_name(report.year, report.region)}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


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

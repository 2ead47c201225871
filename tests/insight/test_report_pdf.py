"""The annual report's PDF holds a national report's figures, however many: charts with more
bars than a page holds run on over the pages, and long tables split between pages with their
heading row repeated (the national benchmark's report.pdf failed with reportlab's LayoutError,
a chart taller than a page)."""

from __future__ import annotations

import io
import re

import pypdf

from agencies.models import AgencyKind
from insight.figures import Bar, BarGroup, Chart, Figure, Row, Table, bars
from insight.filters import InsightFilter
from insight.report_pdf import report_pdf
from insight.sheets import Sheet, finish

THEMES = 150
AGENCIES = 400


def national_sheets() -> list[Sheet]:
    themes = Table("themes", "Learning points by theme", "Theme", ["Learning points"])
    by_quarter = Table(
        "themes-by-quarter",
        "Learning points by theme and quarter",
        "Theme",
        [f"2026 Q{n}" for n in range(1, 5)] + [f"Region {n}" for n in range(1, 9)],
    )
    for number in range(THEMES):
        name = f"Theme number {number:03d}"
        themes.rows.append(Row(name, [Figure(1000 + number, 1000 + number)]))
        by_quarter.rows.append(Row(name, [Figure(number + c, number + c) for c in range(12)]))
    theme_sheet = Sheet(
        "themes",
        "Themes",
        tables=[themes, by_quarter],
        charts=[
            bars("themes-chart", "Learning points by theme", "Bars.", themes, "Learning points")
        ],
    )

    columns = ["Shared", "Acknowledged", "Acted on"]
    by_agency = Table("reach-by-agency", "Learning reach by agency", "Agency", columns)
    for number in range(AGENCIES):
        by_agency.rows.append(
            Row(
                f"Agency number {number:03d} ({AgencyKind.POLICE.label})",
                [Figure(2000 + 5 * number, 0), Figure(3, 0), Figure(12, 0)],
            )
        )
    reach_chart = Chart(
        "reach-chart",
        "Learning shared, acknowledged and acted on, by agency",
        "Three bars for each agency.",
        "bars",
        [
            BarGroup(
                row.label,
                [Bar(column, cell) for column, cell in zip(columns, row.cells, strict=True)],
            )
            for row in by_agency.rows
        ],
        by_agency.key,
    )
    # Rounded and suppressed, as a reader who cannot see those panels sees them.
    reach_sheet = finish(Sheet("reach", "Learning reach", [by_agency], [reach_chart]), False)
    return [theme_sheet, reach_sheet]


def test_a_national_report_with_hundreds_of_bars_and_rows_runs_over_many_pages() -> None:
    body = report_pdf("Annual learning report 2026: national", InsightFilter(), national_sheets())

    reader = pypdf.PdfReader(io.BytesIO(body))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    text = " ".join(pages)
    # 150 + 1,200 bars at 26 points each, and 150 + 150 + 400 table rows: far more than a page.
    assert len(pages) > 40
    for number in range(THEMES):
        # In the chart (label, then its figure) and in both tables.
        assert text.count(f"Theme number {number:03d}") >= 3
        assert f"{1000 + number:,}" in text
    for number in range(AGENCIES):
        assert text.count(f"Agency number {number:03d}") >= 4  # three bars and a table row
        assert f"{2000 + 5 * number:,}" in text  # a multiple of 5, as rounded
    assert "fewer than 5" in text and "10" in text  # 3 suppressed, 12 rounded to 10
    # The tables' heading rows are repeated on each page they run on to.
    theme_headings = sum(bool(re.search(r"Theme Learning points", page)) for page in pages)
    agency_headings = sum("Agency Shared Acknowledged Acted on" in page for page in pages)
    assert theme_headings >= 3
    assert agency_headings >= 6

"""The annual learning report as a PDF: the same figures as its page, as headings, tables and
bar charts drawn with reportlab's graphics, on the portal's page decoration (panels.pdf)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table, TableStyle

from insight.figures import Bar, Chart
from insight.figures import Table as FigureTable
from insight.filters import InsightFilter
from insight.sheets import Sheet
from panels.pdf import (
    BOLD_FONT,
    BORDER_COLOUR,
    FONT,
    PAGE_HEIGHT,
    TEXT_COLOUR,
    TEXT_WIDTH,
    build_pdf,
    details_table,
    styles,
    text_paragraph,
)

# Columns of figures that fit across the page beside the rows' labels; a wider table is
# printed in parts, each repeating the labels. A longer table runs on over the pages, its
# heading row repeated at the top of each.
COLUMNS_PER_PART = 5
LABEL_WIDTH = 55 * mm
BAR_COLOUR = colors.HexColor("#1d70b8")
FONT_SIZE = 9


def report_pdf(title: str, wanted: InsightFilter, sheets: Sequence[Sheet]) -> bytes:
    s = styles()
    story: list[Flowable] = [
        details_table(
            [
                ("Covers", wanted.describe()),
                (
                    "Small numbers",
                    "A count on panels you cannot all see is rounded to the nearest 5, and one "
                    "from 1 to 4 is shown as \u201cfewer than 5\u201d; a share or an average "
                    "of a count not shown is \u201cnot shown\u201d.",
                ),
            ]
        )
    ]
    for sheet in sheets:
        story.append(text_paragraph(sheet.title, s.heading))
        for note in sheet.notes:
            story.append(text_paragraph(note, s.secondary))
        for table in sheet.tables:
            story.append(text_paragraph(table.caption, s.subheading))
            if not table.rows:
                story.append(text_paragraph("Nothing to show.", s.body))
                continue
            for chart in sheet.charts_of(table):
                story.extend(_chart(chart))
            story.extend(_parts(table))
            if table.note:
                story.append(text_paragraph(table.note, s.secondary))
    return build_pdf(title, story)


def _parts(table: FigureTable) -> list[Flowable]:
    s = styles()
    parts: list[Flowable] = []
    for start in range(0, max(len(table.columns), 1), COLUMNS_PER_PART):
        columns = range(start, min(start + COLUMNS_PER_PART, len(table.columns)))
        width = (TEXT_WIDTH - LABEL_WIDTH) / max(len(columns), 1)
        data: list[list[Any]] = [
            [text_paragraph(table.row_heading, s.cell_label)]
            + [text_paragraph(table.columns[i], s.cell_label) for i in columns]
        ]
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, BORDER_COLOUR),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("FONTNAME", (1, 1), (-1, -1), FONT),
            ("FONTSIZE", (1, 1), (-1, -1), s.cell.fontSize),
            ("LEADING", (1, 1), (-1, -1), s.cell.leading),
            ("TEXTCOLOR", (1, 1), (-1, -1), TEXT_COLOUR),
        ]
        for number, row in enumerate(table.rows, start=1):
            style = s.cell_label if row.total else s.cell
            if row.total:
                commands.append(("FONTNAME", (1, number), (-1, number), BOLD_FONT))
            data.append(
                [text_paragraph(row.label, style)]
                + [_figure(row.cells[i].text, style, width) for i in columns]
            )
        grid = Table(
            data, colWidths=[LABEL_WIDTH] + [width] * len(columns), hAlign="LEFT", repeatRows=1
        )
        grid.setStyle(TableStyle(commands))
        parts += [grid, Spacer(1, 4 * mm)]
    return parts


def _figure(text: str, style: ParagraphStyle, width: float) -> str | Flowable:
    """A figure as plain text in its cell, drawn in the cell's font by the table: a national
    report has thousands, and a paragraph each took most of the time the PDF took. A text too
    wide for its column ("fewer than 5" in a narrow one) is a paragraph, to wrap."""
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width - 12:
        return text
    return text_paragraph(text, style)


def _chart(chart: Chart) -> list[Flowable]:
    """The chart's title and its bars, the title kept with the first few bars."""
    s = styles()
    bars = [(group.label, bar) for group in chart.groups for bar in group.bars]
    series = len(chart.groups[0].bars) > 1 if chart.groups else False
    # Not kept with the chart as a whole (the label style would): the chart may be longer
    # than a page; the page break before the title keeps it with the first bars instead.
    title = text_paragraph(chart.title, ParagraphStyle("chart-title", s.label, keepWithNext=0))
    return [
        CondPageBreak(
            title.wrap(TEXT_WIDTH, PAGE_HEIGHT)[1] + _BarChart.height_of(min(len(bars), 3))
        ),
        title,
        _BarChart(bars, chart.maximum, series),
        Spacer(1, 3 * mm),
    ]


class _BarChart(Flowable):
    """Horizontal bars, each labelled with its group, its series and its figure in words: as
    tall as its bars, and split where a page ends, so that a chart of any number of bars (a
    national report's themes or agencies) flows over as many pages as it needs."""

    LINE = 13.0  # points: a bar's label on one line, the bar and its figure on the next
    ROOM = TEXT_WIDTH - 60  # the longest bar, leaving room for its figure after it

    def __init__(self, bars: Sequence[tuple[str, Bar]], maximum: float, series: bool) -> None:
        super().__init__()
        self.bars, self.maximum, self.series = list(bars), maximum, series
        self.width, self.height = TEXT_WIDTH, self.height_of(len(self.bars))

    @classmethod
    def height_of(cls, count: int) -> float:
        return cls.LINE * 2 * count + 6

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = int((availHeight - 6) // (2 * self.LINE))
        if fits < 1 or fits >= len(self.bars):
            return []  # nothing fits here (on to the next page), or everything does
        return [
            _BarChart(self.bars[:fits], self.maximum, self.series),
            _BarChart(self.bars[fits:], self.maximum, self.series),
        ]

    def draw(self) -> None:
        line = self.LINE
        drawing = Drawing(self.width, self.height)
        top = self.height - line
        for index, (label, bar) in enumerate(self.bars):
            y = top - index * 2 * line
            text = label + (f" \u2013 {bar.label}" if self.series else "")
            drawing.add(
                String(
                    0,
                    y,
                    _fitted(text, BOLD_FONT, self.width),
                    fontName=BOLD_FONT,
                    fontSize=FONT_SIZE,
                    fillColor=TEXT_COLOUR,
                )
            )
            length = 0.0 if bar.value is None else self.ROOM * bar.value / self.maximum
            if length:
                drawing.add(
                    Rect(0, y - line + 2, length, line - 4, fillColor=BAR_COLOUR, strokeColor=None)
                )
            drawing.add(
                String(
                    length + 4,
                    y - line + 4,
                    bar.text,
                    fontName=FONT,
                    fontSize=FONT_SIZE,
                    fillColor=TEXT_COLOUR,
                )
            )
        drawing.drawOn(self.canv, 0, 0)


def _fitted(text: str, font: str, width: float) -> str:
    """`text`, cut short with an ellipsis if it is wider than `width` (the table beside the
    chart has it in full)."""
    if stringWidth(text, font, FONT_SIZE) <= width:
        return text
    while text and stringWidth(text + "\u2026", font, FONT_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"

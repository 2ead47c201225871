"""The figures of the insight pages and the annual report, and their disclosure control, as
official statistics do it: to anyone who cannot see every panel behind a count, a count from 1
to 4 is shown as "fewer than 5" and any other is rounded to the nearest 5, so that no
difference between two views (a region left out, one date window against another) gives a
hidden count away exactly; shares are worked out from the figures as shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# Counts below this, and above nothing, are not shown to those who cannot see them all; the
# others are rounded to a multiple of it.
THRESHOLD = 5
BASE = 5
FEWER_THAN = "fewer than 5"
# Shown in place of a share or an average of a count that is not shown.
WITHHELD = "not shown"
ROUNDING_NOTE = (
    "Figures on panels you cannot see are rounded to the nearest 5; fewer than 5 is not shown."
)


def rounded(count: int) -> int:
    """`count` to the nearest multiple of 5 (there is never a tie: counts are whole)."""
    return (count + BASE // 2) // BASE * BASE


@dataclass(eq=False)
class Figure:
    """A count over all panels (filtered), and the part of it on panels the viewer may see."""

    total: int
    visible: int
    # Set by `protect`: the viewer may not see every panel behind it, so it is shown rounded.
    protected: bool = False

    @property
    def hidden(self) -> bool:
        """Fewer than 5, on panels the viewer cannot all see: not shown."""
        return self.protected and 0 < self.total < THRESHOLD

    @property
    def value(self) -> int | None:
        """The count as shown: rounded if protected, None when it is not shown."""
        if self.hidden:
            return None
        return rounded(self.total) if self.protected else self.total

    @property
    def text(self) -> str:
        value = self.value
        return FEWER_THAN if value is None else f"{value:,}"

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.total + other.total, self.visible + other.visible)


def zero() -> Figure:
    return Figure(0, 0)


def total_of(figures: Iterable[Figure]) -> Figure:
    found = zero()
    for figure in figures:
        found = found + figure
    return found


def protect(figures: Iterable[Figure], everything_visible: bool) -> None:
    """Mark for rounding each figure the viewer cannot see all of: none for an administrator,
    none wholly on panels the viewer may see (they could count those themselves)."""
    if everything_visible:
        return
    for figure in figures:
        figure.protected = figure.visible < figure.total


@dataclass(eq=False)
class Share:
    """A percentage of the figures as shown (rounded ones rounded); not shown when its count
    or what it is a share of is not shown."""

    part: Figure
    whole: Figure

    @property
    def value(self) -> float | None:
        part, whole = self.part.value, self.whole.value
        if part is None or not whole:
            return None
        return 100 * part / whole

    @property
    def text(self) -> str:
        value = self.value
        if value is not None:
            return f"{value:.0f}%"
        if self.whole.value == 0:
            return "–"
        return WITHHELD


@dataclass(eq=False)
class Average:
    """An average number of days over `count` records; not shown when the count is not. It is
    of durations, not a count: shown as it is beside a rounded count."""

    count: Figure
    days: float | None

    @property
    def value(self) -> float | None:
        if self.count.hidden or self.days is None or not self.count.total:
            return None
        return round(self.days, 1)

    @property
    def text(self) -> str:
        value = self.value
        if value is not None:
            return f"{value:.1f}"
        return WITHHELD if self.count.hidden else "–"


@dataclass(frozen=True)
class Fixed:
    """A figure that is not a count of records: a baseline, a label."""

    text: str
    value: float | None = None


Cell = Figure | Share | Average | Fixed


@dataclass
class Row:
    label: str
    cells: list[Cell]
    href: str | None = None
    total: bool = False  # the sum of the rows above it


@dataclass
class Table:
    """One table of figures, as a page, the CSV and the PDF show it."""

    key: str  # names it in the CSV
    caption: str
    row_heading: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    def cell(self, row: str, column: str) -> Cell:
        found = next(r for r in self.rows if r.label == row)
        return found.cells[self.columns.index(column)]

    def figures(self) -> list[Figure]:
        """Every count in the table, those behind its shares and averages too."""
        found: list[Figure] = []
        for row in self.rows:
            for cell in row.cells:
                if isinstance(cell, Share):
                    found += [cell.part, cell.whole]
                elif isinstance(cell, Average):
                    found.append(cell.count)
                elif isinstance(cell, Figure):
                    found.append(cell)
        return found

    @property
    def note(self) -> str | None:
        """The line under the table saying its figures are rounded, when any is (or is not
        shown)."""
        if any(figure.protected for figure in self.figures()):
            return ROUNDING_NOTE
        return None


@dataclass
class Bar:
    label: str
    cell: Cell

    @property
    def value(self) -> float | None:
        """None when the figure is not shown."""
        return self.cell.value

    @property
    def text(self) -> str:
        return self.cell.text


@dataclass
class BarGroup:
    label: str
    bars: list[Bar]


@dataclass
class Chart:
    """A chart of figures also shown in `table`: horizontal bars, or columns by quarter."""

    key: str
    title: str
    description: str
    kind: str  # "bars" or "columns"
    groups: list[BarGroup]
    table: str  # the key of the table holding the same figures
    percent: bool = False

    @property
    def maximum(self) -> float:
        values = [bar.value for group in self.groups for bar in group.bars if bar.value]
        return max(values, default=0) or 1


def bars(
    key: str, title: str, description: str, table: Table, column: str, *, kind: str = "bars"
) -> Chart:
    """A chart of one column of `table`, a bar for each row but its total."""
    index = table.columns.index(column)
    groups = [
        BarGroup(row.label, [Bar(column, row.cells[index])]) for row in table.rows if not row.total
    ]
    return Chart(key, title, description, kind, groups, table.key)

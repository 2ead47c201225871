"""A page's worth of figures: its tables and the charts drawn from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from agencies.models import AgencyKind
from insight.figures import Chart, Figure, Row, Table, protect, total_of


@dataclass
class Sheet:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    def charts_of(self, table: Table) -> list[Chart]:
        return [chart for chart in self.charts if chart.table == table.key]


def finish(sheet: Sheet, everything_visible: bool) -> Sheet:
    """Round, or leave out, the sheet's figures that the viewer cannot see all of."""
    protect((figure for table in sheet.tables for figure in table.figures()), everything_visible)
    return sheet


@dataclass(frozen=True)
class AgencyKey:
    id: int
    name: str
    kind: AgencyKind


def by_agency_and_kind(
    counts: dict[AgencyKey, dict[str, Figure]],
    columns: list[str],
    tables: tuple[tuple[str, str], tuple[str, str]],
) -> tuple[Table, Table, dict[AgencyKind, dict[str, Figure]], dict[str, Figure]]:
    """A table by agency and one by agency kind, each with an "All" row."""
    (agency_key, agency_caption), (kind_key, kind_caption) = tables
    agencies = sorted(counts, key=lambda key: key.name)
    kinds = [kind for kind in AgencyKind if any(key.kind is kind for key in agencies)]

    def row(label: str, cells: dict[str, Figure], total: bool = False) -> Row:
        return Row(label, [cells[column] for column in columns], total=total)

    agency_table = Table(agency_key, agency_caption, "Agency", list(columns))
    kind_table = Table(kind_key, kind_caption, "Agency kind", list(columns))
    by_kind: dict[AgencyKind, dict[str, Figure]] = {}
    for kind in kinds:
        mine = [counts[key] for key in agencies if key.kind is kind]
        by_kind[kind] = {column: total_of(c[column] for c in mine) for column in columns}
    everything = {column: total_of(counts[key][column] for key in agencies) for column in columns}
    for key in agencies:
        agency_table.rows.append(row(f"{key.name} ({key.kind.label})", counts[key]))
    agency_table.rows.append(row("All agencies", everything, total=True))
    for kind in kinds:
        kind_table.rows.append(row(kind.label, by_kind[kind]))
    kind_table.rows.append(row("All agency kinds", everything, total=True))
    return agency_table, kind_table, by_kind, everything

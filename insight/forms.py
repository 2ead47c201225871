"""The insight pages' filters and the annual report's choice of year and region: GET forms,
so that every view is a link that can be kept and shared. Dates are chosen as a year and, if
wanted, one of its quarters: never a day (see insight.filters)."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from agencies.models import AgencyKind
from insight.filters import QUARTERS, InsightFilter
from panels.forms import choices
from panels.models.cases import ProbationRegion
from portal.pages import Form

# How many years back the year lists go.
YEARS_OFFERED = 6


def years(today: date) -> list[SelectChoice]:
    """This year and the years before it, most recent first."""
    return [
        SelectChoice(str(year), str(year))
        for year in range(today.year, today.year - YEARS_OFFERED, -1)
    ]


def _region(value: str | None) -> ProbationRegion | None:
    return ProbationRegion(value) if value in set(ProbationRegion) else None


def _region_field(everywhere: str) -> SelectField:
    """The region to count in, or `everywhere`."""
    return SelectField(
        "Region",
        widget=GovSelect(),
        choices=choices(ProbationRegion, everywhere),
        validate_choice=False,
    )


class _LinkForm(Form):
    """A GET form, so no CSRF token. A value it does not offer is left out, not an error."""

    class Meta:
        csrf = False


class InsightForm(_LinkForm):
    region = _region_field("All regions")
    year = SelectField("Year", widget=GovSelect(), validate_choice=False)
    quarter = SelectField(
        "Quarter of the year",
        widget=GovSelect(),
        choices=[
            SelectChoice("", "The whole year"),
            *(SelectChoice(str(n), f"Q{n}: {months}") for n, months in QUARTERS.items()),
        ],
        validate_choice=False,
    )
    kind = SelectField(
        "Agency kind",
        widget=GovSelect(),
        choices=choices(AgencyKind, "Every kind"),
        validate_choice=False,
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def offer(self, today: date) -> None:
        self.year.choices = [SelectChoice("", "Any year"), *years(today)]

    def wanted(self) -> InsightFilter:
        """The filter asked for; a quarter counts only with a year."""
        year = int(self.year.data) if self.year.data in years_of(self) else None
        quarter = self.quarter.data if year is not None else None
        kind = self.kind.data
        return InsightFilter(
            region=_region(self.region.data),
            year=year,
            quarter=int(quarter) if quarter in {str(number) for number in QUARTERS} else None,
            kind=AgencyKind(kind) if kind in set(AgencyKind) else None,
        )


def years_of(form: InsightForm | ReportForm) -> set[str]:
    """The years the form offers (not "Any year")."""
    choices: list[SelectChoice] = form.year.choices  # type: ignore[assignment]
    return {choice.value for choice in choices if choice.value}


class ReportForm(_LinkForm):
    year = SelectField("Year", widget=GovSelect(), validate_choice=False)
    region = _region_field("National (all regions)")
    submit = SubmitField("Show the report", widget=GovSubmitInput())

    def offer(self, today: date) -> None:
        self.year.choices = years(today)

    def chosen(self, today: date) -> tuple[int, ProbationRegion | None]:
        """The year asked for (this year when none is, or one not offered), and the region."""
        year = int(self.year.data) if self.year.data in years_of(self) else today.year
        return year, _region(self.region.data)

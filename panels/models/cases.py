"""The SFO case: the Serious Further Offence review a learning panel is convened for, and the
facts recorded about it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import User
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column

if TYPE_CHECKING:
    # A case's panels hang off it: the relationship names them, the import is for the type only.
    from panels.models.panels import Panel


class ProbationRegion(LabelledEnum):
    NORTH_EAST = "north_east"
    NORTH_WEST = "north_west"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire_and_the_humber"
    GREATER_MANCHESTER = "greater_manchester"
    EAST_MIDLANDS = "east_midlands"
    WEST_MIDLANDS = "west_midlands"
    EAST_OF_ENGLAND = "east_of_england"
    LONDON = "london"
    KENT_SURREY_AND_SUSSEX = "kent_surrey_and_sussex"
    SOUTH_CENTRAL = "south_central"
    SOUTH_WEST = "south_west"
    WALES = "wales"

    @staticmethod
    def _labels() -> dict[ProbationRegion, str]:
        return _REGION_LABELS


# The regions' names as HM Prison and Probation Service writes them: title-casing the values
# would give "East Of England".
_REGION_LABELS = {
    ProbationRegion.NORTH_EAST: "North East",
    ProbationRegion.NORTH_WEST: "North West",
    ProbationRegion.YORKSHIRE_AND_THE_HUMBER: "Yorkshire and the Humber",
    ProbationRegion.GREATER_MANCHESTER: "Greater Manchester",
    ProbationRegion.EAST_MIDLANDS: "East Midlands",
    ProbationRegion.WEST_MIDLANDS: "West Midlands",
    ProbationRegion.EAST_OF_ENGLAND: "East of England",
    ProbationRegion.LONDON: "London",
    ProbationRegion.KENT_SURREY_AND_SUSSEX: "Kent, Surrey and Sussex",
    ProbationRegion.SOUTH_CENTRAL: "South Central",
    ProbationRegion.SOUTH_WEST: "South West",
    ProbationRegion.WALES: "Wales",
}


class OffenceCategory(LabelledEnum):
    MURDER = "murder"
    ATTEMPTED_MURDER = "attempted_murder"
    MANSLAUGHTER = "manslaughter"
    RAPE = "rape"
    OTHER_SEXUAL_OFFENCE = "other_sexual_offence"
    ARSON_WITH_INTENT = "arson_with_intent"
    KIDNAPPING = "kidnapping"
    CAUSING_DEATH_BY_DRIVING = "causing_death_by_driving"
    OTHER_VIOLENT_OFFENCE = "other_violent_offence"


class ReviewStatus(LabelledEnum):
    NOTIFIED = "notified"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    QUALITY_ASSURED = "quality_assured"


class QualityRating(LabelledEnum):
    """The composite rating a quality-assured SFO review receives."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"


class MappaCategory(LabelledEnum):
    CATEGORY_1 = "1"
    CATEGORY_2 = "2"
    CATEGORY_3 = "3"
    CATEGORY_4 = "4"

    @staticmethod
    def _labels() -> dict[MappaCategory, str]:
        return {category: f"Category {category.value}" for category in MappaCategory}


class MappaLevel(LabelledEnum):
    LEVEL_1 = "1"
    LEVEL_2 = "2"
    LEVEL_3 = "3"

    @staticmethod
    def _labels() -> dict[MappaLevel, str]:
        return {level: f"Level {level.value}" for level in MappaLevel}


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    region: Mapped[ProbationRegion] = mapped_column(enum_column(ProbationRegion, "region"))
    offence_category: Mapped[OffenceCategory] = mapped_column(
        enum_column(OffenceCategory, "offence_category")
    )
    offence_date: Mapped[date] = mapped_column(Date)
    charge_date: Mapped[date | None] = mapped_column(Date)
    high_profile: Mapped[bool] = mapped_column(Boolean, default=False)
    mappa_category: Mapped[MappaCategory | None] = mapped_column(
        enum_column(MappaCategory, "mappa_category")
    )
    mappa_level: Mapped[MappaLevel | None] = mapped_column(enum_column(MappaLevel, "mappa_level"))
    review_status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus, "review_status"), default=ReviewStatus.NOTIFIED
    )
    quality_rating: Mapped[QualityRating | None] = mapped_column(
        enum_column(QualityRating, "quality_rating")
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Lists of cases are newest first.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)

    created_by: Mapped[User] = relationship()
    panels: Mapped[list[Panel]] = relationship(viewonly=True, order_by="Panel.id")

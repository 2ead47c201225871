"""The learning a panel agrees: points tagged by theme and level, and the agencies they are
shared with; and the managed list of themes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import Agency
from panels.models.panels import Panel
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column


class LearningLevel(LabelledEnum):
    INDIVIDUAL = "individual"
    LOCAL = "local"
    REGIONAL = "regional"
    NATIONAL = "national"
    MULTI_AGENCY = "multi_agency"

    @staticmethod
    def _labels() -> dict[LearningLevel, str]:
        return {level: level.value.capitalize() for level in LearningLevel} | {
            LearningLevel.MULTI_AGENCY: "Multi-agency"
        }


# The managed list of themes is seeded by migration 0002 from the seeds' recurring themes.

learning_point_themes = Table(
    "learning_point_themes",
    Base.metadata,
    Column("learning_point_id", ForeignKey("learning_points.id"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)

learning_point_agencies = Table(
    "learning_point_agencies",
    Base.metadata,
    Column("learning_point_id", ForeignKey("learning_points.id"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id"), primary_key=True),
)


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LearningPoint(Base):
    __tablename__ = "learning_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[LearningLevel] = mapped_column(enum_column(LearningLevel, "learning_level"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    shared_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)

    panel: Mapped[Panel] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=learning_point_themes, lazy="selectin", order_by="Theme.name"
    )
    agencies: Mapped[list[Agency]] = relationship(
        secondary=learning_point_agencies, lazy="selectin", order_by="Agency.name"
    )

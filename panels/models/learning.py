"""The learning a panel agrees: points tagged by theme and level, the agencies they are shared
with, and what each agency says it did with them; and the managed list of themes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import Agency, User
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
    # Learning is counted by theme.
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)

learning_point_agencies = Table(
    "learning_point_agencies",
    Base.metadata,
    Column("learning_point_id", ForeignKey("learning_points.id"), primary_key=True),
    # Learning shared with an agency is looked up by agency.
    Column("agency_id", ForeignKey("agencies.id"), primary_key=True, index=True),
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


class LearningResponse(LabelledEnum):
    """What an agency did with learning shared with it."""

    BRIEFED_TEAMS = "briefed_teams"
    CHANGED_GUIDANCE = "changed_guidance"
    TRAINING = "training"
    NO_ACTION = "no_action"

    @staticmethod
    def _labels() -> dict[LearningResponse, str]:
        return {
            LearningResponse.BRIEFED_TEAMS: "Briefed teams",
            LearningResponse.CHANGED_GUIDANCE: "Changed guidance",
            LearningResponse.TRAINING: "Training",
            LearningResponse.NO_ACTION: "No action",
        }


class LearningAcknowledgement(Base):
    """An agency's lead saying the agency has received shared learning, and what it did: one
    per learning point and agency, changed in place (each change audited)."""

    __tablename__ = "learning_acknowledgements"
    __table_args__ = (UniqueConstraint("learning_point_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learning_point_id: Mapped[int] = mapped_column(ForeignKey("learning_points.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    acknowledged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    response: Mapped[LearningResponse] = mapped_column(
        enum_column(LearningResponse, "learning_response")
    )
    # What was done; for "no action", why not.
    detail: Mapped[str] = mapped_column(Text)
    done_on: Mapped[date] = mapped_column(Date)

    point: Mapped[LearningPoint] = relationship()
    agency: Mapped[Agency] = relationship(lazy="joined")
    acknowledged_by: Mapped[User] = relationship(lazy="joined")


class LearningReminder(Base):
    """That an agency which had not acknowledged learning was reminded of it: once only."""

    __tablename__ = "learning_reminders"

    learning_point_id: Mapped[int] = mapped_column(
        ForeignKey("learning_points.id"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

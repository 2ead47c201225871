"""A panel's sessions: the meetings, their agenda, minutes and decisions, and who attended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import Agency, User
from panels.models.panels import Panel
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column


class Attendance(LabelledEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"


class PanelSession(Base):
    __tablename__ = "panel_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    location: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    panel: Mapped[Panel] = relationship()
    attendees: Mapped[list[SessionAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="SessionAttendee.id"
    )

    __mapper_args__ = {"version_id_col": version}


class SessionAttendee(Base):
    __tablename__ = "session_attendees"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The agency they came for, kept as it was on the day.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    attendance: Mapped[Attendance] = mapped_column(enum_column(Attendance, "attendance"))

    user: Mapped[User] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")

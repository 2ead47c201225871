"""A panel's sessions: the meetings, their agenda items and what was recorded against each as
the meeting went (decisions, open questions, learning, proposed actions), minutes, and who
attended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import Agency, User
from panels.models.actions import Action
from panels.models.contributions import Contribution
from panels.models.learning import LearningPoint
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
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="(AgendaItem.position, AgendaItem.id)",
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


class EntryKind(LabelledEnum):
    """What the chair records against an agenda item during the meeting."""

    DECISION = "decision"
    QUESTION = "question"
    LEARNING = "learning"
    ACTION = "action"

    @staticmethod
    def _labels() -> dict[EntryKind, str]:
        return {
            EntryKind.DECISION: "Decision",
            EntryKind.QUESTION: "Question left open",
            EntryKind.LEARNING: "Learning",
            EntryKind.ACTION: "Proposed action",
        }


class AgendaItem(Base):
    """One item of a session's agenda: an agency's contribution, a question left open at an
    earlier session, or an item the chair added; and notes of what was said about it."""

    __tablename__ = "session_agenda_items"
    __table_args__ = (UniqueConstraint("session_id", "contribution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contributions.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    session: Mapped[PanelSession] = relationship(back_populates="items")
    contribution: Mapped[Contribution | None] = relationship()
    entries: Mapped[list[SessionEntry]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        foreign_keys="SessionEntry.item_id",
        order_by="SessionEntry.id",
    )
    # The open question this item takes up, if it does: at most one.
    taken_up: Mapped[list[SessionEntry]] = relationship(
        foreign_keys="SessionEntry.taken_up_in_id", viewonly=True
    )


class SessionEntry(Base):
    """Something recorded against an agenda item: a decision or a question left open (its
    text), agreed learning or a proposed action (the record made by the learning and action
    operations, linked here so the minutes can say where it came from)."""

    __tablename__ = "session_entries"
    __table_args__ = (UniqueConstraint("taken_up_in_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("session_agenda_items.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "session_entry_kind"))
    text: Mapped[str] = mapped_column(Text, default="")
    learning_point_id: Mapped[int | None] = mapped_column(ForeignKey("learning_points.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    # A question is open until the agenda of a later session takes it up.
    taken_up_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_agenda_items.id", ondelete="SET NULL")
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    item: Mapped[AgendaItem] = relationship(back_populates="entries", foreign_keys=[item_id])
    learning_point: Mapped[LearningPoint | None] = relationship()
    action: Mapped[Action | None] = relationship()

"""The cross-agency action plan: SMART actions, the owning agency's answer, progress updates,
and the states an action goes through."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import Agency, User
from panels.models.panels import Panel
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column


class ActionState(LabelledEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    PARTLY_AGREED = "partly_agreed"
    NOT_AGREED = "not_agreed"
    COMPLETED = "completed"


ACTION_TRANSITIONS: dict[ActionState, frozenset[ActionState]] = {
    ActionState.PROPOSED: frozenset(
        {ActionState.AGREED, ActionState.PARTLY_AGREED, ActionState.NOT_AGREED}
    ),
    ActionState.AGREED: frozenset({ActionState.COMPLETED}),
    ActionState.PARTLY_AGREED: frozenset({ActionState.COMPLETED}),
    ActionState.NOT_AGREED: frozenset(),
    ActionState.COMPLETED: frozenset(),
}

# Answers an owning agency may give; the last two need a stated reason.
RESPONSES = (ActionState.AGREED, ActionState.PARTLY_AGREED, ActionState.NOT_AGREED)
NEEDS_REASON = frozenset({ActionState.PARTLY_AGREED, ActionState.NOT_AGREED})
# Actions still to be done: these become overdue once their target date has passed.
OPEN_STATES = frozenset({ActionState.PROPOSED, ActionState.AGREED, ActionState.PARTLY_AGREED})


class Action(Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    owner_role: Mapped[str] = mapped_column(String(200))
    target_date: Mapped[date] = mapped_column(Date, index=True)
    measure_of_success: Mapped[str] = mapped_column(Text)
    learning_point_id: Mapped[int | None] = mapped_column(ForeignKey("learning_points.id"))
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contributions.id"))
    state: Mapped[ActionState] = mapped_column(
        enum_column(ActionState, "action_state"), default=ActionState.PROPOSED
    )
    response_reason: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    panel: Mapped[Panel] = relationship()
    owner_agency: Mapped[Agency] = relationship(lazy="joined")
    updates: Mapped[list[ActionUpdate]] = relationship(
        cascade="all, delete-orphan", order_by="ActionUpdate.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def is_overdue(self, today: date) -> bool:
        return self.state in OPEN_STATES and self.target_date < today


class ActionUpdate(Base):
    """Progress on an agreed action, with the evidence for it."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    author: Mapped[User] = relationship(lazy="joined")

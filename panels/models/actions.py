"""The cross-agency action plan: SMART actions, the owning agency's answer, progress updates and
the evidence attached to them, and the states an action goes through."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from agencies.models import Agency, User
from panels.models.panels import Panel
from portal import clock, richtext
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
# How much of an action's description stands for it in lists, notices and exports.
SHORT_TEXT_LENGTH = 90


def summarise(text: str, length: int) -> str:
    """`text` on one line, at most `length` characters, cut at a word with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= length:
        return line
    cut = line[: length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"


class Action(Base):
    __tablename__ = "actions"
    # Overdue actions (open, past their target date) are found among tens of thousands; an
    # agency's actions in a state, by when their impact review falls due (its home page).
    __table_args__ = (
        Index("ix_actions_state_target_date", "state", "target_date"),
        Index("ix_actions_owner_state_review_due", "owner_agency_id", "state", "impact_review_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    owner_role: Mapped[str] = mapped_column(String(200))
    target_date: Mapped[date] = mapped_column(Date, index=True)
    measure_of_success: Mapped[str] = mapped_column(Text)
    learning_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_points.id"), index=True
    )
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contributions.id"))
    state: Mapped[ActionState] = mapped_column(
        enum_column(ActionState, "action_state"), default=ActionState.PROPOSED
    )
    # The owning agency's answer (agreed, partly agreed or not agreed: one of RESPONSES), set
    # when it answers and kept once the action is completed, when `state` no longer says it.
    answer: Mapped[ActionState | None] = mapped_column(enum_column(ActionState, "action_answer"))
    response_reason: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When the owning agency reviews whether the completed action changed practice: set at
    # sign-off (panels.models.impact says how long after).
    impact_review_due: Mapped[date | None] = mapped_column(Date, index=True)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    panel: Mapped[Panel] = relationship()
    owner_agency: Mapped[Agency] = relationship(lazy="joined")
    updates: Mapped[list[ActionUpdate]] = relationship(
        cascade="all, delete-orphan", order_by="ActionUpdate.id"
    )
    evidence: Mapped[list[ActionEvidence]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionEvidence.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def is_overdue(self, today: date) -> bool:
        return self.state in OPEN_STATES and self.target_date < today

    @property
    def reference(self) -> str:
        """How an action is referred to on paper and in meetings: 'A3'."""
        return f"A{self.id}"

    @property
    def short_text(self) -> str:
        """What the action is, in a line: its description as plain text, cut at a word."""
        return summarise(richtext.to_plain(self.description or ""), SHORT_TEXT_LENGTH)


class ActionUpdate(Base):
    """Progress on an agreed action, with the evidence for it."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    author: Mapped[User] = relationship(lazy="joined")
    evidence: Mapped[list[ActionEvidence]] = relationship(
        back_populates="update", order_by="ActionEvidence.id"
    )


class EvidenceState(LabelledEnum):
    READING = "reading"
    READ = "read"
    UNREADABLE = "unreadable"

    @staticmethod
    def _labels() -> dict[EvidenceState, str]:
        return {
            EvidenceState.READING: "Being read",
            EvidenceState.READ: "Read",
            EvidenceState.UNREADABLE: "Could not be read",
        }


class ActionEvidence(Base):
    """A document attached to progress on an action (a revised procedure, a training record),
    read by a worker in the same limited process as reviews."""

    __tablename__ = "action_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("action_updates.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    # What the bytes are (portal.downloads.kind_of), never what the uploader's browser claimed.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    # Loaded only when asked for: lists of evidence must not drag megabytes along. Emptied when
    # the file cannot be read: nobody is offered a file the reader refused.
    original: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[EvidenceState] = mapped_column(
        enum_column(EvidenceState, "evidence_state"), default=EvidenceState.READING
    )
    # Why it could not be read, for the person who attached it.
    refusal: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    action: Mapped[Action] = relationship(back_populates="evidence")
    update: Mapped[ActionUpdate] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship(lazy="joined")

"""An agency's contribution to a panel, like a DHR's management review: its sections, its
chronology of significant events, every saved revision, and its states."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import Agency, User
from panels.models.panels import Panel
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column


class ContributionState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"


CONTRIBUTION_TRANSITIONS: dict[ContributionState, frozenset[ContributionState]] = {
    ContributionState.DRAFT: frozenset({ContributionState.SUBMITTED}),
    ContributionState.SUBMITTED: frozenset(
        {ContributionState.RETURNED, ContributionState.ACCEPTED}
    ),
    ContributionState.RETURNED: frozenset({ContributionState.RESUBMITTED}),
    ContributionState.RESUBMITTED: frozenset(
        {ContributionState.RETURNED, ContributionState.ACCEPTED}
    ),
    ContributionState.ACCEPTED: frozenset(),
}

# The structured sections of a contribution, in the order they are written and read.
SECTIONS = {
    "involvement": "The agency's involvement with the person",
    "analysis": "Analysis of key decisions and missed opportunities",
    "good_practice": "Good practice",
    "learning": "Learning for the agency",
    "proposed_actions": "Proposed actions",
}


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("panel_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    state: Mapped[ContributionState] = mapped_column(
        enum_column(ContributionState, "contribution_state"), default=ContributionState.DRAFT
    )
    involvement: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[str] = mapped_column(Text, default="")
    good_practice: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    proposed_actions: Mapped[str] = mapped_column(Text, default="")
    chair_comments: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    panel: Mapped[Panel] = relationship()
    agency: Mapped[Agency] = relationship(lazy="joined")
    updated_by: Mapped[User | None] = relationship()
    chronology: Mapped[list[ChronologyEntry]] = relationship(
        cascade="all, delete-orphan",
        order_by="(ChronologyEntry.event_date, ChronologyEntry.id)",
    )

    __mapper_args__ = {"version_id_col": version}


class ChronologyEntry(Base):
    """A significant event: what happened, what the agency did, and the reviewer's comment."""

    __tablename__ = "chronology_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), index=True)
    event_date: Mapped[date] = mapped_column(Date)
    event: Mapped[str] = mapped_column(Text)
    agency_action: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")


class ContributionRevision(Base):
    """Each saved version of a contribution, so nothing written is ever lost."""

    __tablename__ = "contribution_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

"""The learning panel: opened by a chair for one case, with invited agencies and their people;
its states and the moves allowed between them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agencies.models import Agency, User
from panels.models.cases import Case
from portal import clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column


class PanelState(LabelledEnum):
    DRAFT = "draft"
    OPEN = "open"
    CONTRIBUTIONS_CLOSED = "contributions_closed"
    ACTION_PLAN_AGREED = "action_plan_agreed"
    MONITORING = "monitoring"
    CLOSED = "closed"


PANEL_TRANSITIONS: dict[PanelState, frozenset[PanelState]] = {
    PanelState.DRAFT: frozenset({PanelState.OPEN}),
    PanelState.OPEN: frozenset({PanelState.CONTRIBUTIONS_CLOSED}),
    PanelState.CONTRIBUTIONS_CLOSED: frozenset({PanelState.OPEN, PanelState.ACTION_PLAN_AGREED}),
    PanelState.ACTION_PLAN_AGREED: frozenset({PanelState.MONITORING}),
    PanelState.MONITORING: frozenset({PanelState.CLOSED}),
    PanelState.CLOSED: frozenset(),
}


# Panel states in which each kind of work may be done.
CONTRIBUTING = frozenset({PanelState.OPEN})
REVIEWING = frozenset({PanelState.OPEN, PanelState.CONTRIBUTIONS_CLOSED})
PLANNING = REVIEWING
DELIVERING = frozenset({PanelState.ACTION_PLAN_AGREED, PanelState.MONITORING})
LIVE = frozenset(PanelState) - {PanelState.CLOSED}


class PanelRole(LabelledEnum):
    CHAIR = "chair"
    REPRESENTATIVE = "representative"
    OBSERVER = "observer"

    @staticmethod
    def _labels() -> dict[PanelRole, str]:
        return {
            PanelRole.CHAIR: "Chair",
            PanelRole.REPRESENTATIVE: "Agency representative",
            PanelRole.OBSERVER: "Observer",
        }


class Panel(Base):
    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[PanelState] = mapped_column(
        enum_column(PanelState, "panel_state"), default=PanelState.DRAFT
    )
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    contribution_deadline: Mapped[date | None] = mapped_column(Date)
    action_plan_target_date: Mapped[date | None] = mapped_column(Date)
    # Lists of panels are newest first.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    # The first time the panel was opened, its action plan agreed, and it was closed: set by
    # the move (panels.panels.move_to) and never changed after, so the insight pages' timeliness
    # reads them here, not from the audit log's moves.
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    plan_agreed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Optimistic locking: a save based on an older version is refused, not applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship(lazy="joined")
    chair: Mapped[User] = relationship(lazy="joined")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="Invitation.id"
    )
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelMember.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self) -> str:
        return f"Panel for case {self.case.reference}"


class Invitation(Base):
    """An agency invited to take part in a panel."""

    __tablename__ = "panel_invitations"
    __table_args__ = (UniqueConstraint("panel_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    # When the agency's leads were told: invitations to a draft panel wait for it to open.
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    panel: Mapped[Panel] = relationship(back_populates="invitations")
    agency: Mapped[Agency] = relationship(lazy="joined")


class PanelMember(Base):
    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[PanelRole] = mapped_column(enum_column(PanelRole, "panel_role"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)

    panel: Mapped[Panel] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")

"""Learning panels: opened by a chair for one case, with invited agencies and their people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Select,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from agencies.models import Agency, Role, User, UserStatus
from panels.cases import Case
from portal import audit, richtext
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column, utcnow
from portal.errors import DomainError, EditConflict
from portal.policy import authorise


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
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[PanelState] = mapped_column(
        enum_column(PanelState, "panel_state"), default=PanelState.DRAFT
    )
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    contribution_deadline: Mapped[date | None] = mapped_column(Date)
    action_plan_target_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
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
    invited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
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
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


# Operations ---------------------------------------------------------------------------------


def open_panel(
    db: Session,
    actor: User,
    case: Case,
    *,
    terms_of_reference: str,
    contribution_deadline: date | None,
    action_plan_target_date: date | None,
) -> Panel:
    """A new panel in draft, chaired by `actor`."""
    authorise(
        actor, "open_panel", case, "Only a panel chair who can see this case can open a panel."
    )
    panel = Panel(
        case=case,
        chair_id=actor.id,
        terms_of_reference=richtext.clean(terms_of_reference),
        contribution_deadline=contribution_deadline,
        action_plan_target_date=action_plan_target_date,
    )
    panel.members.append(PanelMember(user_id=actor.id, role=PanelRole.CHAIR))
    db.add(panel)
    db.flush()
    audit.record(db, actor.id, "panel.opened", "panel", panel.id, case=case.reference)
    return panel


def update_panel(
    db: Session,
    actor: User,
    panel: Panel,
    *,
    version: int,
    terms_of_reference: str,
    contribution_deadline: date | None,
    action_plan_target_date: date | None,
) -> None:
    authorise(actor, "manage", panel, "Only the panel's chair can change it.")
    check_version(panel.version, version)
    panel.terms_of_reference = richtext.clean(terms_of_reference)
    panel.contribution_deadline = contribution_deadline
    panel.action_plan_target_date = action_plan_target_date
    audit.record(db, actor.id, "panel.updated", "panel", panel.id)


def check_version(current: int, seen: int) -> None:
    if current != seen:
        raise EditConflict(current)


def invite_agency(db: Session, actor: User, panel: Panel, agency: Agency) -> Invitation:
    """Invite an agency; it gets a draft contribution, and its leads are told once it is open."""
    from panels.contributions import Contribution

    authorise(actor, "manage", panel, "Only the panel's chair can invite agencies.")
    if not agency.active:
        raise DomainError(f"{agency.name} no longer uses the portal.")
    if any(invitation.agency_id == agency.id for invitation in panel.invitations):
        raise DomainError(f"{agency.name} is already invited.")
    invitation = Invitation(agency=agency)
    panel.invitations.append(invitation)
    db.add(Contribution(panel=panel, agency_id=agency.id))
    db.flush()
    audit.record(db, actor.id, "panel.agency_invited", "panel", panel.id, agency=agency.name)
    if panel.state is not PanelState.DRAFT:
        _tell_invited(db, panel, invitation)
    return invitation


def _tell_invited(db: Session, panel: Panel, invitation: Invitation) -> None:
    from panels import notify

    notify.tell(
        db,
        notify.agency_leads(db, invitation.agency_id),
        f"{invitation.agency.name} is invited to the learning panel for case "
        f"{panel.case.reference}. Please name your agency's representatives.",
        f"/panels/{panel.id}",
        "Invitation to a multi-agency learning panel",
    )
    invitation.notified_at = utcnow()


def add_member(db: Session, actor: User, panel: Panel, person: User, role: PanelRole) -> None:
    """Name a representative of an invited agency, or (chair only) an observer."""
    authorise(actor, "nominate", panel, "You cannot name people for this panel.")
    if person.status is not UserStatus.APPROVED:
        raise DomainError(f"{person.name}'s account is not approved.")
    if any(member.user_id == person.id for member in panel.members):
        raise DomainError(f"{person.name} is already on this panel.")
    if role is PanelRole.REPRESENTATIVE:
        if not any(invitation.agency_id == person.agency_id for invitation in panel.invitations):
            raise DomainError(f"{person.agency.name} is not invited to this panel.")
        if panel.chair_id != actor.id and person.agency_id != actor.agency_id:
            raise DomainError("An agency lead can only name people of their own agency.")
    elif role is PanelRole.OBSERVER:
        if panel.chair_id != actor.id:
            raise DomainError("Only the panel's chair can add observers.")
        if not person.has_role(Role.OBSERVER):
            raise DomainError(f"{person.name} does not have the observer role.")
    else:
        raise DomainError("A panel has one chair.")
    panel.members.append(PanelMember(user_id=person.id, role=role))
    db.flush()
    audit.record(
        db, actor.id, "panel.member_added", "panel", panel.id, user_id=person.id, role=role.value
    )


def remove_member(db: Session, actor: User, panel: Panel, member: PanelMember) -> None:
    authorise(actor, "manage", panel, "Only the panel's chair can remove people.")
    if member.role is PanelRole.CHAIR:
        raise DomainError("The chair cannot be removed from their own panel.")
    panel.members.remove(member)
    audit.record(db, actor.id, "panel.member_removed", "panel", panel.id, user_id=member.user_id)


def move_to(db: Session, actor: User, panel: Panel, state: PanelState) -> None:
    """Move the panel along its life, if the transition is allowed and its conditions hold."""
    from panels.actions import ActionState

    authorise(actor, "manage", panel, "Only the panel's chair can move the panel on.")
    if state not in PANEL_TRANSITIONS[panel.state]:
        raise DomainError(
            f"A panel that is {panel.state.label.lower()} cannot become {state.label.lower()}."
        )
    action_states = [action.state for action in actions_of(db, panel)]
    if state is PanelState.OPEN and not panel.invitations:
        raise DomainError("Invite at least one agency before opening the panel.")
    if state is PanelState.ACTION_PLAN_AGREED:
        if not action_states:
            raise DomainError("Add the actions of the plan before agreeing it.")
        if ActionState.PROPOSED in action_states:
            raise DomainError(
                "Every owning agency must answer its actions before the plan is agreed."
            )
    if state is PanelState.CLOSED and any(
        s in (ActionState.AGREED, ActionState.PARTLY_AGREED) for s in action_states
    ):
        raise DomainError("Sign off every agreed action before closing the panel.")
    previous = panel.state
    panel.state = state
    if previous is PanelState.DRAFT:
        for invitation in panel.invitations:
            if invitation.notified_at is None:
                _tell_invited(db, panel, invitation)
    audit.record(
        db, actor.id, "panel.state_changed", "panel", panel.id, old=previous.value, new=state.value
    )


def actions_of(db: Session, panel: Panel) -> list[Any]:
    from panels.actions import Action

    return list(db.scalars(select(Action).where(Action.panel_id == panel.id)))


def visible_panels(db: Session, user: User) -> Select[Panel]:
    """Panels `user` sits on, or whose agency is invited if they lead it; all for an admin."""
    query = select(Panel)
    if user.has_role(Role.ADMINISTRATOR):
        return query
    mine = select(PanelMember.panel_id).where(PanelMember.user_id == user.id)
    conditions = [Panel.id.in_(mine)]
    if user.has_role(Role.AGENCY_LEAD):
        invited = select(Invitation.panel_id).where(Invitation.agency_id == user.agency_id)
        conditions.append(Panel.id.in_(invited))
    return query.where(or_(*conditions))


@dataclass
class Progress:
    """A panel at a glance: who has contributed, actions by state, how many are overdue."""

    invited: int = 0
    contributed: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def progress(db: Session, panel_ids: list[int], today: date) -> dict[int, Progress]:
    """Progress of many panels in three queries, however many panels there are."""
    from panels.actions import OPEN_STATES, Action
    from panels.contributions import Contribution, ContributionState

    found = {panel_id: Progress() for panel_id in panel_ids}
    submitted = (
        ContributionState.SUBMITTED,
        ContributionState.RESUBMITTED,
        ContributionState.ACCEPTED,
    )
    for panel_id, state, count in db.execute(
        select(Contribution.panel_id, Contribution.state, func.count())
        .where(Contribution.panel_id.in_(panel_ids))
        .group_by(Contribution.panel_id, Contribution.state)
    ):
        found[panel_id].invited += count
        if state in submitted:
            found[panel_id].contributed += count
    for panel_id, action_state, count in db.execute(
        select(Action.panel_id, Action.state, func.count())
        .where(Action.panel_id.in_(panel_ids))
        .group_by(Action.panel_id, Action.state)
    ):
        found[panel_id].actions[action_state.label] = count
    for panel_id, count in db.execute(
        select(Action.panel_id, func.count())
        .where(
            Action.panel_id.in_(panel_ids),
            Action.state.in_(OPEN_STATES),
            Action.target_date < today,
        )
        .group_by(Action.panel_id)
    ):
        found[panel_id].overdue = count
    return found

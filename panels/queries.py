"""Read queries that span the panels area's domains: what someone may see, and a panel's
progress, actions and learning at a glance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import CompoundSelect, Select, func, select, union
from sqlalchemy.orm import Session, joinedload, lazyload, object_session

from agencies.models import Role, User, UserStatus
from panels.access import why_not_nameable
from panels.models.actions import OPEN_STATES, Action, ActionState
from panels.models.cases import Case
from panels.models.contributions import Contribution, ContributionState
from panels.models.learning import LearningPoint, learning_point_agencies
from panels.models.panels import Invitation, Panel, PanelMember, PanelRole
from panels.models.sessions import PanelSession


def visible_panels(db: Session, user: User) -> Select[Panel]:
    """Panels `user` sits on, or whose agency is invited if they lead it; all for an admin."""
    query = select(Panel)
    if user.has_role(Role.ADMINISTRATOR):
        return query
    return query.where(Panel.id.in_(_panel_ids(user)))


def _panel_ids(user: User) -> Select[int] | CompoundSelect[int]:
    """The ids of the panels `user` (not an administrator) may see."""
    ids: Select[int] | CompoundSelect[int] = select(PanelMember.panel_id).where(
        PanelMember.user_id == user.id
    )
    if user.has_role(Role.AGENCY_LEAD):
        # One set of ids rather than conditions joined by OR: each part is then found through
        # its index, instead of every panel being tested against both (national data: 10,000).
        invited = select(Invitation.panel_id).where(Invitation.agency_id == user.agency_id)
        ids = union(ids, invited)
    return ids


def visible_cases(db: Session, user: User) -> Select[Case]:
    """The cases `user` may see: their own, those of the panels they may see, and, for a
    disclosure lead, those whose panels are chaired in their agency."""
    query = select(Case)
    if user.has_role(Role.ADMINISTRATOR):
        return query
    parts = [
        select(Case.id).where(Case.created_by_id == user.id),
        visible_panels(db, user).with_only_columns(Panel.case_id),
    ]
    if user.has_role(Role.DISCLOSURE_LEAD):
        parts.append(
            select(Panel.case_id)
            .join(User, User.id == Panel.chair_id)
            .where(User.agency_id == user.agency_id)
        )
    return query.where(Case.id.in_(union(*parts)))


def visible_learning(db: Session, user: User) -> list[Select[LearningPoint]]:
    """The learning `user` may see, in parts whose union is all of it: learning of the panels
    they may see, and learning shared with their agency; for an administrator, one part,
    everything.

    Parts rather than one condition: each is found through its own index (the panels' points,
    the agency's shares), filtered and sorted as rows, where a condition on every point (an OR,
    or its id looked up in a set of ids) tests or looks up each point once more (national data:
    50,000 points, 4,000 for an agency's lead)."""
    if user.has_role(Role.ADMINISTRATOR):
        return [select(LearningPoint)]
    of_panels = select(LearningPoint).where(LearningPoint.panel_id.in_(_panel_ids(user)))
    shared_with_agency = (
        select(LearningPoint)
        .join(
            learning_point_agencies,
            learning_point_agencies.c.learning_point_id == LearningPoint.id,
        )
        .where(
            learning_point_agencies.c.agency_id == user.agency_id,
            LearningPoint.shared_at.is_not(None),
        )
    )
    return [of_panels, shared_with_agency]


def overdue_for(db: Session, user: User, today: date) -> Select[Action]:
    """Overdue actions of the panels `user` may see."""
    panels = visible_panels(db, user).with_only_columns(Panel.id)
    return (
        select(Action)
        .where(
            Action.panel_id.in_(panels),
            Action.state.in_(OPEN_STATES),
            Action.target_date < today,
        )
        .order_by(Action.target_date)
    )


def upcoming_for(db: Session, user: User, now: datetime, limit: int = 5) -> list[PanelSession]:
    """The next sessions of the panels `user` sits on, each with its panel and case; not the
    panel's chair, whom a list of sessions does not show and who would bring two tables more."""
    return list(
        db.scalars(
            select(PanelSession)
            .join(PanelMember, PanelMember.panel_id == PanelSession.panel_id)
            .where(PanelMember.user_id == user.id, PanelSession.starts_at >= now)
            .order_by(PanelSession.starts_at)
            .limit(limit)
            .options(
                joinedload(PanelSession.panel).options(
                    joinedload(Panel.case), lazyload(Panel.chair)
                )
            )
        ).unique()
    )


def actions_of(db: Session, panel: Panel) -> list[Action]:
    return list(db.scalars(select(Action).where(Action.panel_id == panel.id)))


@dataclass
class Outstanding:
    """A panel's actions that closing it would leave undone, as the chair is told before."""

    # Still to be done (agreed wholly or in part, or not answered): the panel cannot close.
    open: list[Action]
    overdue: list[Action]
    not_agreed: list[Action]

    def __bool__(self) -> bool:
        return bool(self.open or self.overdue or self.not_agreed)


def outstanding(db: Session, panel: Panel, today: date) -> Outstanding:
    plan = db.scalars(
        select(Action).where(Action.panel_id == panel.id).order_by(Action.target_date, Action.id)
    ).all()
    return Outstanding(
        open=[action for action in plan if action.state in OPEN_STATES],
        overdue=[action for action in plan if action.is_overdue(today)],
        not_agreed=[action for action in plan if action.state is ActionState.NOT_AGREED],
    )


def actions_from(db: Session, point: LearningPoint) -> list[Action]:
    """The actions the panel set to act on a learning point."""
    return list(
        db.scalars(
            select(Action)
            .where(Action.learning_point_id == point.id)
            .order_by(Action.target_date, Action.id)
        )
    )


def learning_points_of(panel: Panel) -> list[LearningPoint]:
    session = object_session(panel)
    assert session is not None
    return list(session.scalars(select(LearningPoint).where(LearningPoint.panel_id == panel.id)))


@dataclass
class Progress:
    """A panel at a glance: who has contributed, actions by state, how many are overdue."""

    invited: int = 0
    contributed: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def progress(db: Session, panel_ids: list[int], today: date) -> dict[int, Progress]:
    """Progress of many panels in two queries, however many panels there are."""
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
    for panel_id, action_state, count, late in db.execute(
        select(
            Action.panel_id,
            Action.state,
            func.count(),
            func.count().filter(Action.target_date < today),
        )
        .where(Action.panel_id.in_(panel_ids))
        .group_by(Action.panel_id, Action.state)
    ):
        found[panel_id].actions[action_state.label] = count
        if action_state in OPEN_STATES:
            found[panel_id].overdue += late
    return found


def candidates(db: Session, actor: User, panel: Panel, role: PanelRole) -> list[User]:
    """Approved people `actor` could name to `panel` in `role`, who are not on it yet."""
    on_panel = {member.user_id for member in panel.members}
    query = select(User).where(User.status == UserStatus.APPROVED).order_by(User.name)
    if role is PanelRole.REPRESENTATIVE:
        invited = {invitation.agency_id for invitation in panel.invitations}
        query = query.where(User.agency_id.in_(invited))
    return [
        person
        for person in db.scalars(query)
        if person.id not in on_panel and why_not_nameable(actor, panel, person, role) is None
    ]

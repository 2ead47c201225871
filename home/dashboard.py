"""What waits for someone on their home page, from panels and extracts alike, in a fixed
number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from agencies.models import Role, User
from extracts.extracts import awaiting_approval_by, issued_to
from extracts.models import Extract, ExtractIssue
from panels.learning import shared_with
from panels.models.actions import Action, ActionState
from panels.models.contributions import Contribution, ContributionState
from panels.models.learning import LearningPoint
from panels.models.panels import (
    CONTRIBUTING,
    DELIVERING,
    Invitation,
    Panel,
    PanelMember,
    PanelRole,
)
from panels.models.sessions import PanelSession
from panels.queries import Progress, overdue_for, progress, upcoming_for
from portal import notices
from portal.notices import Notice

SHOWN = 10


@dataclass
class Home:
    contributions_due: list[Contribution] = field(default_factory=list)
    actions_to_answer: list[Action] = field(default_factory=list)
    actions_to_update: list[Action] = field(default_factory=list)
    overdue: list[Action] = field(default_factory=list)
    sessions: list[PanelSession] = field(default_factory=list)
    shared_learning: list[LearningPoint] = field(default_factory=list)
    chaired: list[Panel] = field(default_factory=list)
    progress: dict[int, Progress] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    extracts_to_approve: list[Extract] = field(default_factory=list)
    extracts_issued_to_me: list[ExtractIssue] = field(default_factory=list)


def home_for(db: Session, user: User, today: date, now: datetime) -> Home:
    home = Home(
        contributions_due=_contributions_due(db, user),
        actions_to_answer=_my_agency_actions(db, user, [ActionState.PROPOSED]),
        actions_to_update=_my_agency_actions(
            db, user, [ActionState.AGREED, ActionState.PARTLY_AGREED], DELIVERING
        ),
        overdue=list(
            db.scalars(overdue_for(db, user, today).options(_with_case()).limit(SHOWN)).unique()
        ),
        sessions=upcoming_for(db, user, now),
        shared_learning=list(db.scalars(shared_with(user.agency_id).limit(5)).unique()),
        chaired=list(
            db.scalars(
                select(Panel)
                .where(Panel.chair_id == user.id)
                .order_by(Panel.created_at.desc())
                .limit(SHOWN)
            ).unique()
        ),
        notices=notices.unread(db, user.id),
        extracts_to_approve=awaiting_approval_by(db, user),
        extracts_issued_to_me=issued_to(db, user),
    )
    home.progress = progress(db, [panel.id for panel in home.chaired], today)
    return home


def _with_case():  # type: ignore[no-untyped-def]
    return joinedload(Action.panel).joinedload(Panel.case)


def _panels_i_sit_on_for(user: User) -> Select[int]:
    """Panels where `user` is their agency's representative."""
    return select(PanelMember.panel_id).where(
        PanelMember.user_id == user.id, PanelMember.role == PanelRole.REPRESENTATIVE
    )


def _panels_i_represent(user: User) -> Select[int]:
    """Panels where `user` answers for their agency: as its representative, or as its lead."""
    as_representative = _panels_i_sit_on_for(user)
    if not user.has_role(Role.AGENCY_LEAD):
        return as_representative
    as_lead = select(Invitation.panel_id).where(Invitation.agency_id == user.agency_id)
    return as_representative.union(as_lead)  # type: ignore[return-value]


def _contributions_due(db: Session, user: User) -> list[Contribution]:
    return list(
        db.scalars(
            select(Contribution)
            .join(Panel, Panel.id == Contribution.panel_id)
            .where(
                Contribution.panel_id.in_(_panels_i_sit_on_for(user)),
                Contribution.agency_id == user.agency_id,
                Contribution.state.in_([ContributionState.DRAFT, ContributionState.RETURNED]),
                Panel.state.in_(CONTRIBUTING),
            )
            .options(joinedload(Contribution.panel).joinedload(Panel.case))
            .order_by(Panel.contribution_deadline)
            .limit(SHOWN)
        ).unique()
    )


def _my_agency_actions(
    db: Session,
    user: User,
    states: list[ActionState],
    panel_states: frozenset[str] | None = None,
) -> list[Action]:
    query = (
        select(Action)
        .join(Panel, Panel.id == Action.panel_id)
        .where(
            Action.owner_agency_id == user.agency_id,
            Action.state.in_(states),
            Action.panel_id.in_(_panels_i_represent(user)),
        )
        .options(_with_case())
        .order_by(Action.target_date)
        .limit(SHOWN)
    )
    if panel_states is not None:
        query = query.where(Panel.state.in_(panel_states))
    return list(db.scalars(query).unique())

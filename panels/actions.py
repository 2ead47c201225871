"""The cross-agency action plan: SMART actions, each agency's response, progress, sign-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Select, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from agencies.models import Agency, User
from panels.learning import LearningPoint
from panels.panels import PLANNING, Panel, check_version
from portal import audit, richtext
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column, utcnow
from portal.errors import DomainError
from portal.policy import authorise


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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


# Operations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFields:
    description: str
    owner_agency_id: int
    owner_role: str
    target_date: date
    measure_of_success: str
    learning_point_id: int | None = None
    contribution_id: int | None = None


def propose(db: Session, actor: User, panel: Panel, fields: ActionFields) -> Action:
    """Add a SMART action to the plan; its owning agency is asked to answer it."""
    from panels import notify

    authorise(actor, "manage", panel, "Only the panel's chair can add actions.")
    if panel.state not in PLANNING:
        raise DomainError("Actions are added while the panel is open or reviewing contributions.")
    action = Action(panel=panel)
    _fill(panel, action, fields)
    db.add(action)
    db.flush()
    audit.record(db, actor.id, "action.proposed", "action", action.id, owner=action.owner_agency_id)
    notify.tell(
        db,
        notify.agency_people(db, panel, action.owner_agency_id),
        f"An action for {action.owner_agency.name} has been proposed by the panel for case "
        f"{panel.case.reference}: please answer it.",
        f"/actions/{action.id}",
        "An action has been assigned to your agency",
    )
    return action


def revise(db: Session, actor: User, action: Action, version: int, fields: ActionFields) -> None:
    authorise(actor, "edit", action, "An action can be changed by the chair until it is answered.")
    check_version(action.version, version)
    _fill(action.panel, action, fields)
    audit.record(db, actor.id, "action.revised", "action", action.id)


def _fill(panel: Panel, action: Action, fields: ActionFields) -> None:
    invited = {invitation.agency_id: invitation.agency for invitation in panel.invitations}
    if fields.owner_agency_id not in invited:
        raise DomainError("The owning agency must be one invited to the panel.")
    if fields.learning_point_id and fields.learning_point_id not in {
        point.id for point in learning_points_of(panel)
    }:
        raise DomainError("Link the action to learning of this panel.")
    action.description = richtext.clean(fields.description)
    action.owner_agency = invited[fields.owner_agency_id]
    action.owner_role = fields.owner_role.strip()
    action.target_date = fields.target_date
    action.measure_of_success = richtext.clean(fields.measure_of_success)
    action.learning_point_id = fields.learning_point_id
    action.contribution_id = fields.contribution_id


def learning_points_of(panel: Panel) -> list[LearningPoint]:
    from sqlalchemy.orm import object_session

    session = object_session(panel)
    assert session is not None
    return list(session.scalars(select(LearningPoint).where(LearningPoint.panel_id == panel.id)))


def respond(db: Session, actor: User, action: Action, answer: ActionState, reason: str) -> None:
    """The owning agency's answer: Agreed, Partly agreed (with why) or Not agreed (with why)."""
    authorise(actor, "respond", action, "Only the owning agency can answer this action.")
    if answer not in RESPONSES:
        raise DomainError("Answer Agreed, Partly agreed or Not agreed.")
    if answer in NEEDS_REASON and not reason.strip():
        raise DomainError(f"Say why the action is {answer.label.lower()}.")
    action.state = answer
    action.response_reason = richtext.clean(reason)
    action.responded_by_id, action.responded_at = actor.id, utcnow()
    audit.record(
        db,
        actor.id,
        "action.answered",
        "action",
        action.id,
        answer=answer.value,
        reason=richtext.to_plain(action.response_reason),
    )


def report_progress(db: Session, actor: User, action: Action, text: str) -> ActionUpdate:
    authorise(actor, "report_progress", action, "Only the owning agency can report progress.")
    if not text.strip():
        raise DomainError("Describe the progress made and its evidence.")
    update = ActionUpdate(author_id=actor.id, text=richtext.clean(text))
    action.updates.append(update)
    db.flush()
    audit.record(db, actor.id, "action.progress_reported", "action", action.id, update=update.id)
    return update


def sign_off(db: Session, actor: User, action: Action) -> None:
    authorise(actor, "sign_off", action, "Only the chair can sign off an agreed action.")
    if not action.updates:
        raise DomainError("An action is signed off on the evidence of its progress: none yet.")
    action.state, action.completed_at = ActionState.COMPLETED, utcnow()
    audit.record(db, actor.id, "action.signed_off", "action", action.id)


def plan_of(panel_id: int) -> Select[Action]:
    return (
        select(Action)
        .where(Action.panel_id == panel_id)
        .order_by(Action.target_date, Action.id)
        .options(selectinload(Action.updates))
    )


def overdue_for(db: Session, user: User, today: date) -> Select[Action]:
    """Overdue actions of the panels `user` may see."""
    from panels.panels import visible_panels

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


def remind_overdue(db: Session, today: date) -> int:
    """Tell each owning agency, once, about its actions that have become overdue."""
    from panels import notify

    due = db.scalars(
        select(Action).where(
            Action.state.in_(OPEN_STATES),
            Action.target_date < today,
            Action.overdue_notified_at.is_(None),
        )
    ).all()
    for action in due:
        notify.tell(
            db,
            notify.agency_people(db, action.panel, action.owner_agency_id),
            f"An action for {action.owner_agency.name} from the panel for case "
            f"{action.panel.case.reference} was due on {action.target_date:%d/%m/%Y} "
            "and is overdue.",
            f"/actions/{action.id}",
            "An action is overdue",
        )
        action.overdue_notified_at = utcnow()
        audit.record(db, None, "action.overdue_reminded", "action", action.id)
    return len(due)

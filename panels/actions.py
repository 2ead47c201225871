"""Operations on the action plan: proposing and revising actions, the owning agency's answer,
progress on them, sign-off, and reminders of overdue ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from agencies.models import User
from panels import notify
from panels.models.actions import (
    ACTION_TRANSITIONS,
    NEEDS_REASON,
    OPEN_STATES,
    RESPONSES,
    Action,
    ActionState,
    ActionUpdate,
)
from panels.models.impact import impact_review_due_after
from panels.models.panels import Panel
from panels.panels import check_version
from panels.queries import learning_points_of
from portal import audit, clock, richtext, state_machine
from portal.clock import LONDON
from portal.errors import DomainError
from portal.policy import authorise
from portal.templating import format_date
from portal.urls import path_for


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
    authorise(
        actor,
        "propose_action",
        panel,
        "Actions are added by the panel's chair while the panel is open or reviewing "
        "contributions.",
    )
    action = Action(panel=panel)
    _fill(panel, action, fields)
    db.add(action)
    db.flush()
    audit.record(db, actor.id, "action.proposed", "action", action.id, owner=action.owner_agency_id)
    notify.tell(
        db,
        notify.agency_people(db, panel, action.owner_agency_id),
        f"Action {action.reference} for {action.owner_agency.name} has been proposed by the "
        f"panel for case {panel.case.reference}, due {format_date(action.target_date)}: "
        "please answer it.",
        path_for("panels.action_detail", action_id=action.id),
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


def respond(db: Session, actor: User, action: Action, answer: ActionState, reason: str) -> None:
    """The owning agency's answer: Agreed, Partly agreed (with why) or Not agreed (with why)."""
    authorise(actor, "respond", action, "Only the owning agency can answer this action.")
    if answer not in RESPONSES:
        raise DomainError("Answer Agreed, Partly agreed or Not agreed.")
    if answer in NEEDS_REASON and not reason.strip():
        raise DomainError(f"Say why the action is {answer.label.lower()}.")
    action.response_reason = richtext.clean(reason)
    action.responded_by_id, action.responded_at = actor.id, clock.now()
    # Kept apart from the state, which becomes "completed" at sign-off: the insight pages count
    # completed actions under the answer they were given.
    action.answer = answer
    state_machine.move(
        db,
        actor.id,
        action,
        answer,
        ACTION_TRANSITIONS,
        noun="action",
        event="action.answered",
        reason=richtext.to_plain(action.response_reason),
    )
    panel = action.panel
    notify.tell(
        db,
        [panel.chair],
        f"{action.owner_agency.name} has answered action {action.reference} for case "
        f"{panel.case.reference}: {answer.label.lower()}.",
        path_for("panels.action_detail", action_id=action.id),
        f"{action.owner_agency.name} has answered an action",
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
    action.completed_at = clock.now()
    action.impact_review_due = impact_review_due_after(
        action.completed_at.astimezone(LONDON).date()
    )
    state_machine.move(
        db,
        actor.id,
        action,
        ActionState.COMPLETED,
        ACTION_TRANSITIONS,
        noun="action",
        event="action.signed_off",
        impact_review_due=action.impact_review_due.isoformat(),
    )


def plan_of(panel_id: int) -> Select[Action]:
    return (
        select(Action)
        .where(Action.panel_id == panel_id)
        .order_by(Action.target_date, Action.id)
        .options(selectinload(Action.updates), selectinload(Action.evidence))
    )


def remind_overdue(db: Session, today: date) -> int:
    """Tell each owning agency, once, about its actions that have become overdue."""
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
            f"Action {action.reference} for {action.owner_agency.name} from the panel for case "
            f"{action.panel.case.reference} was due on {format_date(action.target_date)} "
            "and is overdue.",
            path_for("panels.action_detail", action_id=action.id),
            "An action is overdue",
        )
        action.overdue_notified_at = clock.now()
        audit.record(db, None, "action.overdue_reminded", "action", action.id)
    return len(due)


def export_plan(db: Session, actor: User, panel: Panel, kind: str) -> Select[Action]:
    """The query of the action plan for a download, the download written to the audit log.

    Run it once this is committed: the download reads it a batch at a time as it is sent."""
    authorise(actor, "view", panel, "You cannot see this panel's action plan.")
    audit.record(db, actor.id, "action_plan.exported", "panel", panel.id, format=kind)
    return plan_of(panel.id)

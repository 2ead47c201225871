"""Operations on learning panels: opening one for a case, inviting agencies, naming its people,
and moving it through its life."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from agencies.models import Agency, User, UserStatus
from panels import notify
from panels.access import why_not_nameable
from panels.models.actions import ActionState
from panels.models.cases import Case
from panels.models.contributions import Contribution
from panels.models.panels import (
    PANEL_TRANSITIONS,
    Invitation,
    Panel,
    PanelMember,
    PanelRole,
    PanelState,
)
from panels.queries import actions_of, outstanding
from portal import audit, clock, richtext, state_machine
from portal.errors import DomainError, EditConflict
from portal.policy import authorise
from portal.urls import path_for


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
    notify.tell(
        db,
        notify.agency_leads(db, invitation.agency_id),
        f"{invitation.agency.name} is invited to the learning panel for case "
        f"{panel.case.reference}. Please name your agency's representatives.",
        path_for("panels.panel_detail", panel_id=panel.id),
        "Invitation to a multi-agency learning panel",
    )
    invitation.notified_at = clock.now()


def add_member(db: Session, actor: User, panel: Panel, person: User, role: PanelRole) -> None:
    """Name a representative of an invited agency, or (chair only) an observer."""
    authorise(actor, "nominate", panel, "You cannot name people for this panel.")
    if person.status is not UserStatus.APPROVED:
        raise DomainError(f"{person.name}'s account is not approved.")
    if any(member.user_id == person.id for member in panel.members):
        raise DomainError(f"{person.name} is already on this panel.")
    refusal = why_not_nameable(actor, panel, person, role)
    if refusal:
        raise DomainError(refusal)
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
    authorise(actor, "manage", panel, "Only the panel's chair can move the panel on.")
    if not state_machine.allowed(PANEL_TRANSITIONS, panel.state, state):
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
    if state is PanelState.CLOSED and outstanding(db, panel, clock.today()).open:
        raise DomainError("Sign off every agreed action before closing the panel.")
    previous = state_machine.move(db, actor.id, panel, state, PANEL_TRANSITIONS, noun="panel")
    _mark_first(panel, state)
    if previous is PanelState.DRAFT:
        for invitation in panel.invitations:
            if invitation.notified_at is None:
                _tell_invited(db, panel, invitation)


def _mark_first(panel: Panel, state: PanelState) -> None:
    """Keep on the panel the first time it was opened, had its plan agreed and was closed: the
    insight pages' timeliness counts from them. A panel opened again (contributions reopened)
    keeps its first opening."""
    now = clock.now()
    if state is PanelState.OPEN and panel.opened_at is None:
        panel.opened_at = now
    elif state is PanelState.ACTION_PLAN_AGREED and panel.plan_agreed_at is None:
        panel.plan_agreed_at = now
    elif state is PanelState.CLOSED and panel.closed_at is None:
        panel.closed_at = now

"""Access rules for cases, panels and everything a panel holds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from agencies.access import is_admin
from agencies.models import AgencyKind, Role, User, UserStatus
from panels.models.actions import ACTION_TRANSITIONS, RESPONSES, Action, ActionState
from panels.models.cases import Case
from panels.models.contributions import Contribution, ContributionState
from panels.models.dip_samples import DipSample, DipSampleItem
from panels.models.learning import LearningPoint
from panels.models.panels import (
    CONTRIBUTING,
    DELIVERING,
    LIVE,
    PLANNING,
    REVIEWING,
    Panel,
    PanelMember,
    PanelRole,
)
from panels.models.sessions import PanelSession
from portal.policy import rule
from portal.state_machine import allowed


def member_role(user: User, panel: Panel) -> PanelRole | None:
    for member in panel.members:
        if member.user_id == user.id:
            return member.role
    return None


def is_chair(user: User, panel: Panel) -> bool:
    return panel.chair_id == user.id


def represents(user: User, panel: Panel, agency_id: int) -> bool:
    """A representative of that agency on this panel, or that agency's lead if it is invited."""
    if user.agency_id != agency_id:
        return False
    if member_role(user, panel) is PanelRole.REPRESENTATIVE:
        return True
    invited = any(invitation.agency_id == agency_id for invitation in panel.invitations)
    return invited and user.has_role(Role.AGENCY_LEAD)


def leads_invited_agency(user: User, panel: Panel) -> bool:
    return user.has_role(Role.AGENCY_LEAD) and any(
        invitation.agency_id == user.agency_id for invitation in panel.invitations
    )


def is_inspector(user: User) -> bool:
    """An approved person of an inspectorate holding the observer or the panel chair role: who
    draws dip samples of completed actions and records findings on them."""
    return (
        user.status is UserStatus.APPROVED
        and user.agency.kind is AgencyKind.INSPECTORATE
        and (user.has_role(Role.OBSERVER) or user.has_role(Role.PANEL_CHAIR))
    )


def _sampled_by_my_agency(user: User, action: Action) -> bool:
    """Whether `action` is in a dip sample drawn by someone of `user`'s agency."""
    session = object_session(action)
    if session is None:
        return False
    drawn_here = (
        select(DipSampleItem.id)
        .join(DipSample, DipSample.id == DipSampleItem.sample_id)
        .join(User, User.id == DipSample.drawn_by_id)
        .where(DipSampleItem.action_id == action.id, User.agency_id == user.agency_id)
        .limit(1)
    )
    return session.scalar(drawn_here) is not None


def prepares_extracts(user: User, case: Case) -> bool:
    """The chair of one of the case's panels, or a disclosure lead of the same agency as one.

    They may see the case for that reason alone; the extracts area asks the same question of
    everything it holds about a case, so the one answer lives here, beside the case's rules.
    """
    chairs = [panel.chair for panel in case.panels]
    if any(chair.id == user.id for chair in chairs):
        return True
    return user.has_role(Role.DISCLOSURE_LEAD) and any(
        chair.agency_id == user.agency_id for chair in chairs
    )


@rule("list_panels")
def _list_panels(user: User, _: None) -> bool:
    return True


# Roles whose holders see panels, and cases, whether or not they are named to one.
_SEES_PANELS = frozenset({Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.OBSERVER, Role.AGENCY_LEAD})
# A disclosure lead sees the cases whose extracts they prepare, not their panels.
_SEES_CASES = _SEES_PANELS | {Role.DISCLOSURE_LEAD}


def _named_to_a_panel(user: User) -> bool:
    session = object_session(user)
    if session is None:
        return False
    named = select(PanelMember.id).where(PanelMember.user_id == user.id).limit(1)
    return session.scalar(named) is not None


@rule("browse_panels")
def _browse_panels(user: User, _: None) -> bool:
    """Whether lists of panels are worth offering (the navigation): not to someone whose list
    is always empty, such as a practitioner named to no panel."""
    return is_admin(user) or any(map(user.has_role, _SEES_PANELS)) or _named_to_a_panel(user)


@rule("browse_cases")
def _browse_cases(user: User, _: None) -> bool:
    """As for panels; a disclosure lead sees the cases of the extracts they prepare, too."""
    return is_admin(user) or any(map(user.has_role, _SEES_CASES)) or _named_to_a_panel(user)


@rule("create_case")
def _create_case(user: User, _: None) -> bool:
    return is_admin(user) or user.has_role(Role.PANEL_CHAIR)


@rule("view", Case)
def _view_case(user: User, case: Case) -> bool:
    return (
        is_admin(user)
        or case.created_by_id == user.id
        or any(_view_panel(user, panel) for panel in case.panels)
        or prepares_extracts(user, case)
    )


@rule("edit", Case)
def _edit_case(user: User, case: Case) -> bool:
    return is_admin(user) or case.created_by_id == user.id


@rule("open_panel", Case)
def _open_panel(user: User, case: Case) -> bool:
    return user.has_role(Role.PANEL_CHAIR) and _view_case(user, case)


@rule("view", Panel)
def _view_panel(user: User, panel: Panel) -> bool:
    return (
        is_admin(user) or member_role(user, panel) is not None or leads_invited_agency(user, panel)
    )


@rule("manage", Panel)
def _manage_panel(user: User, panel: Panel) -> bool:
    return is_chair(user, panel) and panel.state in LIVE


@rule("nominate", Panel)
def _nominate(user: User, panel: Panel) -> bool:
    """Name representatives: the chair for any invited agency, a lead for their own."""
    return panel.state in LIVE and (is_chair(user, panel) or leads_invited_agency(user, panel))


@rule("view", Contribution)
def _view_contribution(user: User, contribution: Contribution) -> bool:
    panel = contribution.panel
    if contribution.state is ContributionState.DRAFT:
        # A draft belongs to its agency alone, not even the chair sees it.
        return member_role(user, panel) is PanelRole.REPRESENTATIVE and (
            user.agency_id == contribution.agency_id
        )
    return _view_panel(user, panel)


@rule("edit", Contribution)
def _edit_contribution(user: User, contribution: Contribution) -> bool:
    return (
        contribution.state in (ContributionState.DRAFT, ContributionState.RETURNED)
        and contribution.panel.state in CONTRIBUTING
        and member_role(user, contribution.panel) is PanelRole.REPRESENTATIVE
        and user.agency_id == contribution.agency_id
    )


@rule("review", Contribution)
def _review_contribution(user: User, contribution: Contribution) -> bool:
    return (
        contribution.state in (ContributionState.SUBMITTED, ContributionState.RESUBMITTED)
        and contribution.panel.state in REVIEWING
        and is_chair(user, contribution.panel)
    )


@rule("view", PanelSession)
def _view_session(user: User, session: PanelSession) -> bool:
    return _view_panel(user, session.panel)


@rule("view_minutes", PanelSession)
def _view_minutes(user: User, session: PanelSession) -> bool:
    if is_chair(user, session.panel):
        return True
    return session.minutes_published_at is not None and _view_panel(user, session.panel)


@rule("manage", PanelSession)
def _manage_session(user: User, session: PanelSession) -> bool:
    return _manage_panel(user, session.panel)


@rule("view", LearningPoint)
def _view_learning(user: User, point: LearningPoint) -> bool:
    shared_with_me = point.shared_at is not None and any(
        agency.id == user.agency_id for agency in point.agencies
    )
    return shared_with_me or _view_panel(user, point.panel)


@rule("manage", LearningPoint)
def _manage_learning(user: User, point: LearningPoint) -> bool:
    return point.shared_at is None and _manage_panel(user, point.panel)


@rule("share", LearningPoint)
def _share_learning(user: User, point: LearningPoint) -> bool:
    return point.shared_at is None and bool(point.agencies) and _manage_panel(user, point.panel)


@rule("acknowledge", LearningPoint)
def _acknowledge_learning(user: User, point: LearningPoint) -> bool:
    """The lead of an agency the learning was shared with, for their own agency alone."""
    return (
        point.shared_at is not None
        and user.has_role(Role.AGENCY_LEAD)
        and any(agency.id == user.agency_id for agency in point.agencies)
    )


@rule("follow_up", LearningPoint)
def _follow_up_learning(user: User, point: LearningPoint) -> bool:
    """Who sees which agencies have acknowledged shared learning: the chair, the inspectorate
    (observers who can see the learning), the administrator."""
    return point.shared_at is not None and (
        is_admin(user)
        or is_chair(user, point.panel)
        or (user.has_role(Role.OBSERVER) and _view_learning(user, point))
    )


@rule("view", Action)
def _view_action(user: User, action: Action) -> bool:
    """Whoever can see its panel; and an inspector, in full, once their agency has sampled it
    (the rest of the panel stays closed to them)."""
    return _view_panel(user, action.panel) or (
        is_inspector(user) and _sampled_by_my_agency(user, action)
    )


@rule("propose_action", Panel)
def _propose_action(user: User, panel: Panel) -> bool:
    return panel.state in PLANNING and _manage_panel(user, panel)


@rule("edit", Action)
def _edit_action(user: User, action: Action) -> bool:
    return action.state is ActionState.PROPOSED and _manage_panel(user, action.panel)


def _may_answer(action: Action) -> bool:
    return any(allowed(ACTION_TRANSITIONS, action.state, answer) for answer in RESPONSES)


def _may_complete(action: Action) -> bool:
    return allowed(ACTION_TRANSITIONS, action.state, ActionState.COMPLETED)


@rule("respond", Action)
def _respond(user: User, action: Action) -> bool:
    return (
        _may_answer(action)
        and action.panel.state in LIVE
        and represents(user, action.panel, action.owner_agency_id)
    )


@rule("report_progress", Action)
def _report_progress(user: User, action: Action) -> bool:
    return (
        _may_complete(action)
        and action.panel.state in DELIVERING
        and represents(user, action.panel, action.owner_agency_id)
    )


@rule("sign_off", Action)
def _sign_off(user: User, action: Action) -> bool:
    return (
        _may_complete(action) and action.panel.state in DELIVERING and is_chair(user, action.panel)
    )


@rule("record_impact", Action)
def _record_impact(user: User, action: Action) -> bool:
    """Once the action is completed, whoever may report progress on it for the owning agency:
    its representatives on the panel and its lead. The panel may have closed since: impact shows
    months after sign-off."""
    return action.state is ActionState.COMPLETED and represents(
        user, action.panel, action.owner_agency_id
    )


# Dip samples: inspectors draw them and record findings; administrators may read them (every
# agency's), to support the inspectorate, but neither draw nor record.


@rule("browse_dip_samples")
def _browse_dip_samples(user: User, _: None) -> bool:
    return is_inspector(user) or is_admin(user)


@rule("draw_dip_sample")
def _draw_dip_sample(user: User, _: None) -> bool:
    return is_inspector(user)


def _of_my_agency(user: User, sample: DipSample) -> bool:
    return sample.drawn_by.agency_id == user.agency_id


@rule("view", DipSample)
def _view_dip_sample(user: User, sample: DipSample) -> bool:
    return is_admin(user) or (is_inspector(user) and _of_my_agency(user, sample))


@rule("record_finding", DipSampleItem)
def _record_finding(user: User, item: DipSampleItem) -> bool:
    """Any inspector of the agency that drew the sample: inspectors share the work."""
    return is_inspector(user) and _of_my_agency(user, item.sample)


def why_not_nameable(user: User, panel: Panel, person: User, role: PanelRole) -> str | None:
    """None if `user` may name `person` to `panel` in `role`; otherwise why not. A
    representative is of an invited agency (a lead names only their own agency's people); an
    observer, named by the chair alone, has the observer role."""
    if role is PanelRole.REPRESENTATIVE:
        if not any(invitation.agency_id == person.agency_id for invitation in panel.invitations):
            return f"{person.agency.name} is not invited to this panel."
        if panel.chair_id != user.id and person.agency_id != user.agency_id:
            return "An agency lead can only name people of their own agency."
        return None
    if role is PanelRole.OBSERVER:
        if panel.chair_id != user.id:
            return "Only the panel's chair can add observers."
        if not person.has_role(Role.OBSERVER):
            return f"{person.name} does not have the observer role."
        return None
    return "A panel has one chair."

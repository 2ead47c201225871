"""Access rules for cases, panels and everything a panel holds."""

from __future__ import annotations

from agencies.access import is_admin
from agencies.models import Role, User
from panels.actions import Action, ActionState
from panels.cases import Case
from panels.contributions import Contribution, ContributionState
from panels.extracts import Extract, ExtractIssue, ExtractState
from panels.learning import LearningPoint
from panels.panels import CONTRIBUTING, DELIVERING, LIVE, REVIEWING, Panel, PanelRole
from panels.reviews import ReviewDocument
from panels.sessions import PanelSession
from portal.db import utcnow
from portal.policy import rule


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


@rule("list_panels")
def _list_panels(user: User, _: None) -> bool:
    return True


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


@rule("view", Action)
def _view_action(user: User, action: Action) -> bool:
    return _view_panel(user, action.panel)


@rule("edit", Action)
def _edit_action(user: User, action: Action) -> bool:
    return action.state is ActionState.PROPOSED and _manage_panel(user, action.panel)


@rule("respond", Action)
def _respond(user: User, action: Action) -> bool:
    return (
        action.state is ActionState.PROPOSED
        and action.panel.state in LIVE
        and represents(user, action.panel, action.owner_agency_id)
    )


@rule("report_progress", Action)
def _report_progress(user: User, action: Action) -> bool:
    return (
        action.state in (ActionState.AGREED, ActionState.PARTLY_AGREED)
        and action.panel.state in DELIVERING
        and represents(user, action.panel, action.owner_agency_id)
    )


@rule("sign_off", Action)
def _sign_off(user: User, action: Action) -> bool:
    return (
        action.state in (ActionState.AGREED, ActionState.PARTLY_AGREED)
        and action.panel.state in DELIVERING
        and is_chair(user, action.panel)
    )


# Reviews and redacted extracts ----------------------------------------------------------


def prepares_extracts(user: User, case: Case) -> bool:
    """The chair of one of the case's panels, or a disclosure lead of the same agency as one."""
    chairs = [panel.chair for panel in case.panels]
    if any(chair.id == user.id for chair in chairs):
        return True
    return user.has_role(Role.DISCLOSURE_LEAD) and any(
        chair.agency_id == user.agency_id for chair in chairs
    )


@rule("manage_review", Case)
def _manage_review(user: User, case: Case) -> bool:
    return prepares_extracts(user, case)


@rule("view_original", ReviewDocument)
def _view_original(user: User, document: ReviewDocument) -> bool:
    return prepares_extracts(user, document.case)


@rule("prepare", Extract)
def _prepare(user: User, extract: Extract) -> bool:
    return extract.state is ExtractState.DRAFT and prepares_extracts(user, extract.case)


@rule("view", Extract)
def _view_extract(user: User, extract: Extract) -> bool:
    return prepares_extracts(user, extract.case)


@rule("approve", Extract)
def _approve(user: User, extract: Extract) -> bool:
    """A second person: never the one who prepared it."""
    return (
        extract.state is ExtractState.AWAITING_APPROVAL
        and extract.prepared_by_id != user.id
        and prepares_extracts(user, extract.case)
    )


@rule("issue", Extract)
def _issue(user: User, extract: Extract) -> bool:
    return extract.state is ExtractState.APPROVED and prepares_extracts(user, extract.case)


@rule("read", ExtractIssue)
def _read_issue(user: User, issue: ExtractIssue) -> bool:
    if prepares_extracts(user, issue.extract.case):
        return True
    return issue.recipient_id == user.id and issue.is_open(utcnow())


@rule("control", ExtractIssue)
def _control_issue(user: User, issue: ExtractIssue) -> bool:
    return prepares_extracts(user, issue.extract.case)


@rule("comment", ExtractIssue)
def _comment(user: User, issue: ExtractIssue) -> bool:
    return issue.recipient_id == user.id and issue.is_open(utcnow())

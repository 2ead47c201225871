"""Every model of the portal, imported in one place so the metadata knows every table."""

from agencies.models import Agency, IdentityProvider, RoleGrant, User
from panels.actions import Action, ActionUpdate
from panels.cases import Case
from panels.contributions import ChronologyEntry, Contribution, ContributionRevision
from panels.extracts import Extract, ExtractIssue, ExtractRedaction, FactualComment
from panels.learning import LearningPoint, Theme
from panels.panels import Invitation, Panel, PanelMember
from panels.reviews import CaseParty, ReviewDocument
from panels.sessions import PanelSession, SessionAttendee
from portal.audit import AuditEvent
from portal.notices import Notice
from portal.oidc import LogoutTokenUse, SignInAttempt
from portal.outbox import OutboxEmail
from portal.rate_limit import RateLimitWindow
from portal.sign_in_sessions import SignInSession

__all__ = [
    "Action",
    "ActionUpdate",
    "Agency",
    "AuditEvent",
    "Case",
    "CaseParty",
    "ChronologyEntry",
    "Contribution",
    "ContributionRevision",
    "Extract",
    "ExtractIssue",
    "ExtractRedaction",
    "FactualComment",
    "Invitation",
    "LearningPoint",
    "LogoutTokenUse",
    "Notice",
    "OutboxEmail",
    "Panel",
    "PanelMember",
    "PanelSession",
    "ReviewDocument",
    "SessionAttendee",
    "Theme",
    "IdentityProvider",
    "RateLimitWindow",
    "RoleGrant",
    "SignInAttempt",
    "SignInSession",
    "User",
]

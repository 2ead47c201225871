"""Every table of the portal, imported in one place so the metadata (and Alembic) knows them all.

A wiring module: it imports the model modules of every area (agencies, panels, extracts,
insight) and the core's own tables; nothing but the migrations' environment needs it.
"""

from agencies.models import Agency, IdentityProvider, RoleGrant, User
from extracts.models import (
    CaseParty,
    Extract,
    ExtractIssue,
    ExtractRedaction,
    FactualComment,
    ReviewDocument,
)
from insight.models import ReportPdf
from panels.models.actions import Action, ActionEvidence, ActionUpdate
from panels.models.cases import Case
from panels.models.contributions import ChronologyEntry, Contribution, ContributionRevision
from panels.models.dip_samples import DipSample, DipSampleItem
from panels.models.impact import ImpactReview
from panels.models.learning import (
    LearningAcknowledgement,
    LearningPoint,
    LearningReminder,
    Theme,
)
from panels.models.panels import Invitation, Panel, PanelMember
from panels.models.sessions import AgendaItem, PanelSession, SessionAttendee, SessionEntry
from portal.audit import AuditEvent
from portal.jobs import Job
from portal.notices import Notice
from portal.oidc import LogoutTokenUse, SignInAttempt
from portal.outbox import OutboxEmail
from portal.rate_limit import RateLimitWindow
from portal.sign_in_sessions import SignInSession

__all__ = [
    "Action",
    "ActionEvidence",
    "ActionUpdate",
    "Agency",
    "AgendaItem",
    "AuditEvent",
    "Case",
    "CaseParty",
    "ChronologyEntry",
    "Contribution",
    "ContributionRevision",
    "DipSample",
    "DipSampleItem",
    "Extract",
    "ExtractIssue",
    "ExtractRedaction",
    "FactualComment",
    "ImpactReview",
    "Invitation",
    "Job",
    "LearningAcknowledgement",
    "LearningPoint",
    "LearningReminder",
    "LogoutTokenUse",
    "Notice",
    "OutboxEmail",
    "Panel",
    "PanelMember",
    "PanelSession",
    "ReviewDocument",
    "SessionAttendee",
    "SessionEntry",
    "Theme",
    "IdentityProvider",
    "RateLimitWindow",
    "ReportPdf",
    "RoleGrant",
    "SignInAttempt",
    "SignInSession",
    "User",
]

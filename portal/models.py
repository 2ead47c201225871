"""Every model of the portal, imported in one place so the metadata knows every table."""

from agencies.models import Agency, IdentityProvider, RoleGrant, User
from portal.audit import AuditEvent
from portal.oidc import SignInAttempt
from portal.rate_limit import RateLimitWindow
from portal.sign_in_sessions import SignInSession

__all__ = [
    "Agency",
    "AuditEvent",
    "IdentityProvider",
    "RateLimitWindow",
    "RoleGrant",
    "SignInAttempt",
    "SignInSession",
    "User",
]

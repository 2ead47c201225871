"""Who may see the insight pages and the annual learning report: panel chairs, agency leads,
observers (the inspectorate among them) and administrators; nobody else.

Each sees figures over every panel, but a small count on panels they cannot all see is shown
as "fewer than 5" (insight.figures). The annual report is a year of the same figures, so it has
the same readers: chairs as well as the inspectorate and agency leads, since it shows them
nothing the insight pages do not.
"""

from __future__ import annotations

from agencies.access import is_admin
from agencies.models import Role, User
from portal.policy import rule

READERS = frozenset({Role.PANEL_CHAIR, Role.AGENCY_LEAD, Role.OBSERVER})


@rule("view_insight")
def _view_insight(user: User, _: None) -> bool:
    return is_admin(user) or any(map(user.has_role, READERS))

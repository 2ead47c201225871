"""Who may see the insight pages and the annual learning report: panel chairs, agency leads,
observers (the inspectorate among them) and administrators; nobody else.

Each sees figures over every panel, but a small count on panels they cannot all see is shown
as "fewer than 5" (insight.figures). The annual report is a year of the same figures, so it has
the same readers: chairs as well as the inspectorate and agency leads, since it shows them
nothing the insight pages do not. The PDF of a report, made by a worker with the figures as
one person sees them, is theirs alone.
"""

from __future__ import annotations

from agencies.access import is_admin
from agencies.models import Role, User
from insight.models import ReportPdf
from portal import clock
from portal.policy import rule

READERS = frozenset({Role.PANEL_CHAIR, Role.AGENCY_LEAD, Role.OBSERVER})


@rule("view_insight")
def _view_insight(user: User, _: None) -> bool:
    return is_admin(user) or any(map(user.has_role, READERS))


@rule("download", ReportPdf)
def _download_report_pdf(user: User, report: ReportPdf) -> bool:
    """Only the person a report's PDF was made for, while it is kept and they may still read
    the report: its figures are rounded as they see them."""
    return (
        report.requested_by_id == user.id
        and report.is_open(clock.now())
        and _view_insight(user, None)
    )

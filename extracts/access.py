"""Access rules for a case's review, its parties and its redacted extracts.

Those who prepare a case's extracts (`panels.access.prepares_extracts`) may do everything here
that the extract's state allows; an extract issued to someone is theirs to read while it is open.
"""

from __future__ import annotations

from agencies.models import User
from extracts.models import Extract, ExtractIssue, ExtractState, ReviewDocument
from panels.access import prepares_extracts
from panels.models.cases import Case
from portal import clock
from portal.policy import rule


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
def _read_issue(user: User, extract_issue: ExtractIssue) -> bool:
    if prepares_extracts(user, extract_issue.extract.case):
        return True
    return extract_issue.recipient_id == user.id and extract_issue.is_open(clock.now())


@rule("control", ExtractIssue)
def _control_issue(user: User, extract_issue: ExtractIssue) -> bool:
    return prepares_extracts(user, extract_issue.extract.case)


@rule("comment", ExtractIssue)
def _comment(user: User, extract_issue: ExtractIssue) -> bool:
    return extract_issue.recipient_id == user.id and extract_issue.is_open(clock.now())

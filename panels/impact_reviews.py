"""Impact reviews of completed actions: the owning agency records, with evidence, whether the
action changed practice, from its sign-off on (due some months after); the chair is told."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from panels import notify
from panels.models.actions import Action
from panels.models.impact import ImpactOutcome, ImpactReview
from panels.panels import check_version
from portal import audit, clock, richtext
from portal.errors import DomainError, EditConflict
from portal.policy import authorise
from portal.templating import format_date
from portal.urls import path_for

# An impact review this close to its date is work waiting on the owning agency's home page.
DUE_SOON_DAYS = 30


def review_of(db: Session, action: Action) -> ImpactReview | None:
    return db.scalar(select(ImpactReview).where(ImpactReview.action_id == action.id))


def reviews_of(db: Session, action_ids: Iterable[int]) -> dict[int, ImpactReview]:
    """The impact reviews of many actions in one query, by action id."""
    wanted = set(action_ids)
    if not wanted:
        return {}
    found = db.scalars(select(ImpactReview).where(ImpactReview.action_id.in_(wanted)))
    return {review.action_id: review for review in found}


@dataclass(frozen=True)
class ReviewStatus:
    """Where an action stands with its impact review, in words for its page."""

    text: str
    overdue: bool = False


def status_of(action: Action, review: ImpactReview | None, today: date) -> ReviewStatus | None:
    """None for an action that has no impact review to come (not completed)."""
    if review is not None:
        return ReviewStatus(
            f"{review.outcome.label}: recorded by {review.recorded_by.name} on "
            f"{format_date(review.recorded_at)}"
        )
    if action.impact_review_due is None:
        return None
    if action.impact_review_due < today:
        return ReviewStatus(
            f"Impact review overdue: it was due {format_date(action.impact_review_due)}",
            overdue=True,
        )
    return ReviewStatus(f"Impact review due {format_date(action.impact_review_due)}")


def record(
    db: Session,
    actor: User,
    action: Action,
    *,
    outcome: ImpactOutcome,
    evidence: str,
    version: int = 0,
) -> ImpactReview:
    """The owning agency says whether the completed action changed practice, and what shows it;
    a second time changes what it said. It may be recorded before the review is due. `version`:
    that of the review the editor started from (0: there was none)."""
    authorise(
        actor,
        "record_impact",
        action,
        "Only the owning agency can review the impact of an action, once it is completed.",
    )
    cleaned = richtext.clean(evidence)
    if not richtext.to_plain(cleaned).strip():
        raise DomainError("Say what shows whether practice changed.")
    review = review_of(db, action)
    if review is None and version:
        raise EditConflict(0)  # a version of a review that does not exist: start afresh
    if review is not None:
        check_version(review.version, version)
    changed = review is not None
    if review is None:
        review = ImpactReview(action_id=action.id)
        db.add(review)
    review.outcome = outcome
    review.evidence = cleaned
    review.recorded_by_id = actor.id
    review.recorded_at = clock.now()
    db.flush()
    audit.record(
        db,
        actor.id,
        "action.impact_review_changed" if changed else "action.impact_reviewed",
        "action",
        action.id,
        outcome=outcome.value,
        review=review.id,
    )
    panel = action.panel
    notify.tell(
        db,
        [panel.chair],
        f"{action.owner_agency.name} has {'changed its' if changed else 'recorded the'} impact "
        f"review of action {action.reference} for case {panel.case.reference}: "
        f"{outcome.label.lower()}.",
        path_for("panels.action_detail", action_id=action.id),
        "The impact of an action has been reviewed",
    )
    return review

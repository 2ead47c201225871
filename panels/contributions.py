"""Operations on agencies' contributions: saving the sections and chronology, submitting (the
chair is told), and the chair returning or accepting them."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from agencies.models import User
from panels import notify
from panels.models.contributions import (
    CONTRIBUTION_TRANSITIONS,
    SECTIONS,
    ChronologyEntry,
    Contribution,
    ContributionRevision,
    ContributionState,
)
from panels.panels import check_version
from portal import audit, clock, richtext, state_machine
from portal.errors import DomainError
from portal.policy import authorise
from portal.urls import path_for


def sections_of(contribution: Contribution) -> dict[str, str]:
    return {name: getattr(contribution, name) for name in SECTIONS}


def save(
    db: Session, actor: User, contribution: Contribution, version: int, sections: dict[str, str]
) -> None:
    """Save the agency's sections; a save based on an older version is refused, not applied."""
    authorise(actor, "edit", contribution, "You cannot change this contribution now.")
    check_version(contribution.version, version)
    for name in SECTIONS:
        setattr(contribution, name, richtext.clean(sections.get(name, "")))
    contribution.updated_at = clock.now()
    contribution.updated_by_id = actor.id
    db.flush()  # the version goes up here
    db.add(
        ContributionRevision(
            contribution_id=contribution.id,
            version=contribution.version,
            sections=sections_of(contribution),
            saved_by_id=actor.id,
        )
    )
    audit.record(
        db,
        actor.id,
        "contribution.saved",
        "contribution",
        contribution.id,
        version=contribution.version,
    )


def add_event(
    db: Session,
    actor: User,
    contribution: Contribution,
    *,
    event_date: date,
    event: str,
    agency_action: str,
    comment: str,
) -> ChronologyEntry:
    authorise(actor, "edit", contribution, "You cannot change this contribution now.")
    entry = ChronologyEntry(
        event_date=event_date,
        event=event.strip(),
        agency_action=agency_action.strip(),
        comment=comment.strip(),
    )
    contribution.chronology.append(entry)
    contribution.updated_at, contribution.updated_by_id = clock.now(), actor.id
    db.flush()
    audit.record(
        db, actor.id, "contribution.event_added", "contribution", contribution.id, entry=entry.id
    )
    return entry


def remove_event(db: Session, actor: User, contribution: Contribution, entry_id: int) -> None:
    authorise(actor, "edit", contribution, "You cannot change this contribution now.")
    entry = next((e for e in contribution.chronology if e.id == entry_id), None)
    if entry is None:
        raise DomainError("That event is not in this chronology.")
    contribution.chronology.remove(entry)
    audit.record(
        db,
        actor.id,
        "contribution.event_removed",
        "contribution",
        contribution.id,
        entry=entry_id,
        event_date=entry.event_date.isoformat(),
        event=entry.event,
    )


def submit(db: Session, actor: User, contribution: Contribution) -> None:
    authorise(actor, "edit", contribution, "You cannot submit this contribution now.")
    if not contribution.involvement.strip():
        raise DomainError("Describe your agency's involvement before submitting.")
    new = (
        ContributionState.RESUBMITTED
        if contribution.state is ContributionState.RETURNED
        else ContributionState.SUBMITTED
    )
    _move(db, actor, contribution, new)
    contribution.submitted_at = clock.now()
    panel = contribution.panel
    again = " again" if new is ContributionState.RESUBMITTED else ""
    notify.tell(
        db,
        [panel.chair],
        f"{contribution.agency.name} has submitted its contribution to the panel for case "
        f"{panel.case.reference}{again}: please accept it or return it with comments.",
        path_for("panels.contribution_detail", contribution_id=contribution.id),
        "A contribution is waiting for your review",
    )


def return_to_agency(db: Session, actor: User, contribution: Contribution, comments: str) -> None:
    """The chair sends the contribution back with comments; its agency is told."""
    authorise(actor, "review", contribution, "Only the chair can return a submitted contribution.")
    if not comments.strip():
        raise DomainError("Say what the agency should change.")
    contribution.chair_comments = richtext.clean(comments)
    _move(db, actor, contribution, ContributionState.RETURNED)
    notify.tell(
        db,
        notify.agency_people(db, contribution.panel, contribution.agency_id),
        f"The chair has returned {contribution.agency.name}'s contribution to the panel for "
        f"case {contribution.panel.case.reference} with comments.",
        path_for("panels.contribution_detail", contribution_id=contribution.id),
        "Your contribution has been returned with comments",
    )


def accept(db: Session, actor: User, contribution: Contribution) -> None:
    authorise(actor, "review", contribution, "Only the chair can accept a submitted contribution.")
    _move(db, actor, contribution, ContributionState.ACCEPTED)


def _move(db: Session, actor: User, contribution: Contribution, state: ContributionState) -> None:
    state_machine.move(
        db, actor.id, contribution, state, CONTRIBUTION_TRANSITIONS, noun="contribution"
    )

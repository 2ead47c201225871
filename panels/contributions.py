"""Agency contributions: each invited agency's own findings, like a DHR's management review."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from agencies.models import Agency, User
from panels.panels import check_version
from portal import audit, richtext
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column, utcnow
from portal.errors import DomainError
from portal.policy import authorise

if TYPE_CHECKING:
    from panels.panels import Panel


class ContributionState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"


CONTRIBUTION_TRANSITIONS: dict[ContributionState, frozenset[ContributionState]] = {
    ContributionState.DRAFT: frozenset({ContributionState.SUBMITTED}),
    ContributionState.SUBMITTED: frozenset(
        {ContributionState.RETURNED, ContributionState.ACCEPTED}
    ),
    ContributionState.RETURNED: frozenset({ContributionState.RESUBMITTED}),
    ContributionState.RESUBMITTED: frozenset(
        {ContributionState.RETURNED, ContributionState.ACCEPTED}
    ),
    ContributionState.ACCEPTED: frozenset(),
}

# The structured sections of a contribution, in the order they are written and read.
SECTIONS = {
    "involvement": "The agency's involvement with the person",
    "analysis": "Analysis of key decisions and missed opportunities",
    "good_practice": "Good practice",
    "learning": "Learning for the agency",
    "proposed_actions": "Proposed actions",
}


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("panel_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    state: Mapped[ContributionState] = mapped_column(
        enum_column(ContributionState, "contribution_state"), default=ContributionState.DRAFT
    )
    involvement: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[str] = mapped_column(Text, default="")
    good_practice: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    proposed_actions: Mapped[str] = mapped_column(Text, default="")
    chair_comments: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    panel: Mapped[Panel] = relationship()
    agency: Mapped[Agency] = relationship(lazy="joined")
    updated_by: Mapped[User | None] = relationship()
    chronology: Mapped[list[ChronologyEntry]] = relationship(
        cascade="all, delete-orphan",
        order_by="(ChronologyEntry.event_date, ChronologyEntry.id)",
    )

    __mapper_args__ = {"version_id_col": version}


class ChronologyEntry(Base):
    """A significant event: what happened, what the agency did, and the reviewer's comment."""

    __tablename__ = "chronology_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), index=True)
    event_date: Mapped[date] = mapped_column(Date)
    event: Mapped[str] = mapped_column(Text)
    agency_action: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")


class ContributionRevision(Base):
    """Each saved version of a contribution, so nothing written is ever lost."""

    __tablename__ = "contribution_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# Operations ---------------------------------------------------------------------------------


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
    contribution.updated_at = utcnow()
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
    contribution.updated_at, contribution.updated_by_id = utcnow(), actor.id
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
    contribution.submitted_at = utcnow()


def return_to_agency(db: Session, actor: User, contribution: Contribution, comments: str) -> None:
    """The chair sends the contribution back with comments; its agency is told."""
    from panels import notify

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
        f"/contributions/{contribution.id}",
        "Your contribution has been returned with comments",
    )


def accept(db: Session, actor: User, contribution: Contribution) -> None:
    authorise(actor, "review", contribution, "Only the chair can accept a submitted contribution.")
    _move(db, actor, contribution, ContributionState.ACCEPTED)


def _move(db: Session, actor: User, contribution: Contribution, state: ContributionState) -> None:
    if state not in CONTRIBUTION_TRANSITIONS[contribution.state]:
        raise DomainError(
            f"A contribution that is {contribution.state.label.lower()} cannot be "
            f"{state.label.lower()}."
        )
    previous = contribution.state
    contribution.state = state
    audit.record(
        db,
        actor.id,
        "contribution.state_changed",
        "contribution",
        contribution.id,
        old=previous.value,
        new=state.value,
    )

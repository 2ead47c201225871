"""Operations on panel sessions: scheduling, attendance, running the meeting item by item
(the agenda, and decisions, open questions, learning and proposed actions recorded against each
item), the minutes assembled from what was recorded, and publishing them."""

from __future__ import annotations

import dataclasses
import html
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import User
from panels import actions, learning, notify
from panels.actions import ActionFields
from panels.models.contributions import Contribution, ContributionState
from panels.models.learning import LearningLevel
from panels.models.panels import Panel
from panels.models.sessions import (
    AgendaItem,
    Attendance,
    EntryKind,
    PanelSession,
    SessionAttendee,
    SessionEntry,
)
from panels.panels import check_version
from portal import audit, clock, richtext
from portal.errors import DomainError
from portal.policy import authorise
from portal.templating import format_date
from portal.urls import path_for

RUN_REFUSED = "Only the panel's chair can run its sessions."
# How much of an open question stands for it as the title of the agenda item taking it up.
QUESTION_TITLE_LENGTH = 200


def schedule(
    db: Session,
    actor: User,
    panel: Panel,
    *,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    online_link: str,
    agenda: str,
) -> PanelSession:
    authorise(actor, "manage", panel, "Only the panel's chair can schedule sessions.")
    _check_place(location, online_link)
    session = PanelSession(
        panel=panel,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        online_link=online_link.strip(),
        agenda=richtext.clean(agenda),
    )
    db.add(session)
    db.flush()
    audit.record(
        db,
        actor.id,
        "session.scheduled",
        "panel_session",
        session.id,
        starts_at=starts_at.isoformat(),
    )
    return session


def reschedule(
    db: Session,
    actor: User,
    session: PanelSession,
    *,
    version: int,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    online_link: str,
    agenda: str,
) -> None:
    authorise(actor, "manage", session, "Only the panel's chair can change sessions.")
    check_version(session.version, version)
    _check_place(location, online_link)
    session.starts_at, session.duration_minutes = starts_at, duration_minutes
    session.location, session.online_link = location.strip(), online_link.strip()
    session.agenda = richtext.clean(agenda)
    audit.record(db, actor.id, "session.updated", "panel_session", session.id)


def _check_place(location: str, online_link: str) -> None:
    if not location.strip() and not online_link.strip():
        raise DomainError("Give a place to meet, an online meeting link, or both.")


def record_attendance(
    db: Session, actor: User, session: PanelSession, attendance: dict[int, Attendance]
) -> None:
    """Attendance of the panel's members, each counted for the agency they belong to."""
    authorise(actor, "manage", session, "Only the panel's chair can record attendance.")
    members = {member.user_id: member.user for member in session.panel.members}
    unknown = set(attendance) - set(members)
    if unknown:
        raise DomainError("Attendance can only be recorded for the panel's members.")
    existing = {attendee.user_id: attendee for attendee in session.attendees}
    for user_id, status in attendance.items():
        if user_id in existing:
            existing[user_id].attendance = status
        else:
            session.attendees.append(
                SessionAttendee(
                    user_id=user_id, agency_id=members[user_id].agency_id, attendance=status
                )
            )
    audit.record(
        db,
        actor.id,
        "session.attendance_recorded",
        "panel_session",
        session.id,
        attendance={str(user): status.value for user, status in attendance.items()},
    )


def save_minutes(
    db: Session, actor: User, session: PanelSession, *, version: int, minutes: str, decisions: str
) -> None:
    authorise(actor, "manage", session, "Only the panel's chair can write the minutes.")
    check_version(session.version, version)
    session.minutes = richtext.clean(minutes)
    session.decisions = richtext.clean(decisions)
    audit.record(db, actor.id, "session.minutes_saved", "panel_session", session.id)


def publish_minutes(db: Session, actor: User, session: PanelSession) -> None:
    """Members can read the minutes from now on, and are told so."""
    authorise(actor, "manage", session, "Only the panel's chair can publish the minutes.")
    if not session.minutes.strip():
        raise DomainError("Write the minutes before publishing them.")
    first_time = session.minutes_published_at is None
    session.minutes_published_at = clock.now()
    audit.record(db, actor.id, "session.minutes_published", "panel_session", session.id)
    if first_time:
        notify.tell(
            db,
            [m.user for m in session.panel.members if m.user_id != actor.id],
            f"The minutes of the panel session for case {session.panel.case.reference} "
            "have been published.",
            path_for("panels.session_detail", session_id=session.id),
            "Learning panel minutes published",
        )


# Running the session: its agenda, and what is recorded against each item as the meeting goes.


def agenda_contributions(db: Session, session: PanelSession) -> list[Contribution]:
    """The agencies' contributions the panel can discuss: every one sent to the chair (drafts
    belong to their agency alone)."""
    return list(
        db.scalars(
            select(Contribution)
            .where(
                Contribution.panel_id == session.panel_id,
                Contribution.state != ContributionState.DRAFT,
            )
            .order_by(Contribution.id)
        )
    )


def open_questions(db: Session, session: PanelSession) -> list[SessionEntry]:
    """Questions left open at the panel's earlier sessions that no agenda has taken up yet."""
    return list(
        db.scalars(
            select(SessionEntry)
            .join(AgendaItem, AgendaItem.id == SessionEntry.item_id)
            .join(PanelSession, PanelSession.id == AgendaItem.session_id)
            .where(
                PanelSession.panel_id == session.panel_id,
                PanelSession.id != session.id,
                PanelSession.starts_at < session.starts_at,
                SessionEntry.kind == EntryKind.QUESTION,
                SessionEntry.taken_up_in_id.is_(None),
            )
            .order_by(PanelSession.starts_at, SessionEntry.id)
        )
    )


def not_yet_on_agenda(
    db: Session, session: PanelSession
) -> tuple[list[Contribution], list[SessionEntry]]:
    """The contributions and open questions that building the agenda would add."""
    on_agenda = {item.contribution_id for item in session.items}
    waiting = [c for c in agenda_contributions(db, session) if c.id not in on_agenda]
    return sorted(waiting, key=lambda c: c.agency.name), open_questions(db, session)


def build_agenda(db: Session, actor: User, session: PanelSession) -> list[AgendaItem]:
    """Add an item for each agency's contribution and each open question not yet on the
    agenda; pressed again when another contribution arrives, it adds only what is new."""
    authorise(actor, "manage", session, RUN_REFUSED)
    contributions, questions = not_yet_on_agenda(db, session)
    if not contributions and not questions:
        raise DomainError(
            "Every contribution sent to the chair and every question left open at an earlier "
            "session is already on the agenda."
        )
    added = [
        _new_item(session, f"{contribution.agency.name}'s contribution", contribution)
        for contribution in contributions
    ]
    for question in questions:
        item = _new_item(session, _question_title(question), None)
        added.append(item)
        db.flush()
        question.taken_up_in_id = item.id
    db.flush()
    audit.record(
        db,
        actor.id,
        "session.agenda_built",
        "panel_session",
        session.id,
        items=[item.id for item in added],
        contributions=[c.id for c in contributions],
        questions=[q.id for q in questions],
    )
    return added


def _question_title(question: SessionEntry) -> str:
    words = " ".join(richtext.to_plain(question.text).split())
    if len(words) > QUESTION_TITLE_LENGTH:
        words = words[: QUESTION_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return f"Open question: {words}"


def _new_item(session: PanelSession, title: str, contribution: Contribution | None) -> AgendaItem:
    last = max((item.position for item in session.items), default=0)
    item = AgendaItem(title=title, contribution=contribution, position=last + 1, notes="")
    session.items.append(item)
    return item


def add_item(db: Session, actor: User, session: PanelSession, title: str) -> AgendaItem:
    """An item the chair adds: introductions, the terms of reference, any other business."""
    authorise(actor, "manage", session, RUN_REFUSED)
    title = " ".join(title.split())
    if not title:
        raise DomainError("Give the agenda item a title.")
    item = _new_item(session, title, None)
    db.flush()
    audit.record(
        db, actor.id, "session.agenda_item_added", "panel_session", session.id, item=item.id
    )
    return item


def remove_item(db: Session, actor: User, item: AgendaItem) -> None:
    """Take an item off the agenda, if nothing has been recorded against it; a question it took
    up is open again, for the next agenda."""
    session = item.session
    authorise(actor, "manage", session, RUN_REFUSED)
    if item.entries or item.notes:
        raise DomainError(
            "This item has notes or records against it, so it stays on the agenda and in the "
            "minutes."
        )
    for question in item.taken_up:
        question.taken_up_in_id = None
    session.items.remove(item)
    db.flush()
    audit.record(
        db,
        actor.id,
        "session.agenda_item_removed",
        "panel_session",
        session.id,
        item=item.id,
        title=item.title,
    )


def move_item(db: Session, actor: User, item: AgendaItem, *, earlier: bool) -> None:
    """Move an item one place earlier or later on the agenda."""
    session = item.session
    authorise(actor, "manage", session, RUN_REFUSED)
    items = list(session.items)
    here = items.index(item)
    there = here - 1 if earlier else here + 1
    if not 0 <= there < len(items):
        raise DomainError(f"This item is already {'first' if earlier else 'last'}.")
    items[here], items[there] = items[there], items[here]
    for position, each in enumerate(items, start=1):
        each.position = position
    audit.record(
        db,
        actor.id,
        "session.agenda_reordered",
        "panel_session",
        session.id,
        items=[each.id for each in items],
    )


def save_notes(db: Session, actor: User, item: AgendaItem, notes: str) -> None:
    """What was said about the item, in the chair's words: it goes into the minutes."""
    authorise(actor, "manage", item.session, RUN_REFUSED)
    item.notes = richtext.clean(notes)
    audit.record(
        db, actor.id, "session.item_notes_saved", "panel_session", item.session_id, item=item.id
    )


def record_entry(
    db: Session, actor: User, item: AgendaItem, kind: EntryKind, text: str
) -> SessionEntry:
    """A decision taken, or a question left open (for a later session's agenda), on the item."""
    authorise(actor, "manage", item.session, RUN_REFUSED)
    if kind not in (EntryKind.DECISION, EntryKind.QUESTION):
        raise DomainError("Record learning and actions with their own forms.")
    if not text.strip():
        raise DomainError(
            "Write the decision." if kind is EntryKind.DECISION else "Write the question."
        )
    return _add_entry(
        db, actor, item, kind, f"session.{kind.value}_recorded", text=richtext.clean(text)
    )


def record_learning(
    db: Session,
    actor: User,
    item: AgendaItem,
    *,
    title: str,
    description: str,
    level: LearningLevel,
    theme_ids: list[int],
    agency_ids: list[int],
) -> SessionEntry:
    """Agreed learning, recorded as the learning pages record it, against the item."""
    authorise(actor, "manage", item.session, RUN_REFUSED)
    point = learning.record(
        db,
        actor,
        item.session.panel,
        title=title,
        description=description,
        level=level,
        theme_ids=theme_ids,
        agency_ids=agency_ids,
    )
    return _add_entry(
        db,
        actor,
        item,
        EntryKind.LEARNING,
        "session.learning_recorded",
        learning_point_id=point.id,
        learning_point=point.id,
    )


def propose_action(
    db: Session, actor: User, item: AgendaItem, fields: ActionFields
) -> SessionEntry:
    """An action proposed as the action plan's pages propose it (its agency is asked to answer),
    against the item; an item for an agency's contribution links the action to it."""
    authorise(actor, "manage", item.session, RUN_REFUSED)
    if fields.contribution_id is None and item.contribution_id is not None:
        fields = dataclasses.replace(fields, contribution_id=item.contribution_id)
    action = actions.propose(db, actor, item.session.panel, fields)
    return _add_entry(
        db,
        actor,
        item,
        EntryKind.ACTION,
        "session.action_proposed",
        action_id=action.id,
        proposed=action.id,
    )


def _add_entry(
    db: Session,
    actor: User,
    item: AgendaItem,
    kind: EntryKind,
    event: str,
    *,
    text: str = "",
    learning_point_id: int | None = None,
    action_id: int | None = None,
    **details: Any,
) -> SessionEntry:
    """Record an entry against the item, and `event` (with `details`) in the audit log."""
    entry = SessionEntry(
        kind=kind,
        text=text,
        learning_point_id=learning_point_id,
        action_id=action_id,
        recorded_by_id=actor.id,
        recorded_at=clock.now(),
    )
    item.entries.append(entry)
    db.flush()
    _audit_entry(db, actor, event, item, entry, **details)
    return entry


def _audit_entry(
    db: Session, actor: User, event: str, item: AgendaItem, entry: SessionEntry, **details: Any
) -> None:
    audit.record(
        db,
        actor.id,
        event,
        "panel_session",
        item.session_id,
        item=item.id,
        entry=entry.id,
        **details,
    )


def remove_entry(db: Session, actor: User, entry: SessionEntry) -> None:
    """Take back a decision or question recorded by mistake. Learning and actions are records of
    their own, changed on their own pages, so they stay."""
    item = entry.item
    authorise(actor, "manage", item.session, RUN_REFUSED)
    if entry.kind not in (EntryKind.DECISION, EntryKind.QUESTION):
        raise DomainError(
            "Learning and actions stay once recorded: change them on their own pages."
        )
    if entry.taken_up_in_id is not None:
        raise DomainError("This question is on a later session's agenda, so it stays.")
    item.entries.remove(entry)
    db.flush()
    _audit_entry(
        db,
        actor,
        f"session.{entry.kind.value}_removed",
        item,
        entry,
        text=richtext.to_plain(entry.text),
    )


def assemble_minutes(db: Session, actor: User, session: PanelSession) -> None:
    """The minutes draft, and the list of decisions, from what was recorded against each item:
    the chair edits them, then publishes them."""
    authorise(actor, "manage", session, RUN_REFUSED)
    if session.minutes_published_at is not None:
        raise DomainError(
            "These minutes are published: change them with Edit the minutes, so members are "
            "not shown a new draft."
        )
    if not session.items:
        raise DomainError("Build the agenda and record the meeting before assembling minutes.")
    minutes: list[str] = []
    decisions: list[str] = []
    for number, item in enumerate(session.items, start=1):
        title = f"{number}. {item.title}"
        minutes.append(f"<p><strong>{_escape(title)}</strong></p>")
        minutes.append(item.notes)
        lines = [_minute_line(entry) for entry in item.entries]
        if lines:
            minutes.append("<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")
        elif not item.notes:
            minutes.append("<p>Nothing recorded.</p>")
        decisions += [
            f"<li>{_escape(item.title)}: {_plain(entry.text)}</li>"
            for entry in item.entries
            if entry.kind is EntryKind.DECISION
        ]
    session.minutes = richtext.clean("".join(minutes))
    session.decisions = richtext.clean(f"<ol>{''.join(decisions)}</ol>") if decisions else ""
    audit.record(
        db,
        actor.id,
        "session.minutes_assembled",
        "panel_session",
        session.id,
        items=len(session.items),
        decisions=len(decisions),
    )


def _minute_line(entry: SessionEntry) -> str:
    if entry.kind is EntryKind.LEARNING and entry.learning_point is not None:
        point = entry.learning_point
        return f"Learning agreed ({point.level.label.lower()} level): {_escape(point.title)}"
    if entry.kind is EntryKind.ACTION and entry.action is not None:
        action = entry.action
        return (
            f"Action A{action.id} proposed for {_escape(action.owner_agency.name)} "
            f"({_escape(action.owner_role)}, by {format_date(action.target_date)}): "
            f"{_plain(action.description)}"
        )
    return f"{entry.kind.label}: {_plain(entry.text)}"


def _plain(markup: str) -> str:
    """Cleaned rich text on one line, escaped again, for a line of the minutes."""
    return _escape(" ".join(richtext.to_plain(markup).split()))


def _escape(text: str) -> str:
    return html.escape(text, quote=False)

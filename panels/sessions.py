"""Operations on panel sessions: scheduling, attendance, minutes and publishing them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from agencies.models import User
from panels import notify
from panels.models.panels import Panel
from panels.models.sessions import Attendance, PanelSession, SessionAttendee
from panels.panels import check_version
from portal import audit, clock, richtext
from portal.errors import DomainError
from portal.policy import authorise
from portal.urls import path_for


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

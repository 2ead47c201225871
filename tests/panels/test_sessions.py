"""Panel sessions: scheduling, attendance by agency, minutes and their publication."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import queries, sessions
from panels.models.sessions import Attendance, PanelSession
from portal.errors import DomainError
from portal.notices import Notice
from portal.policy import can
from tests.support.world import World

pytestmark = pytest.mark.usefixtures("app_context")


def schedule(db: Session, world: World) -> PanelSession:
    return sessions.schedule(
        db,
        world["chair"],
        world.panel,
        starts_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
        duration_minutes=120,
        location="Civic Centre",
        online_link="",
        agenda="Chronologies",
    )


def test_a_session_needs_a_place_or_a_link(db: Session, world: World) -> None:
    with pytest.raises(DomainError, match="place to meet"):
        sessions.schedule(
            db,
            world["chair"],
            world.panel,
            starts_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
            duration_minutes=60,
            location=" ",
            online_link="",
            agenda="",
        )


def test_only_the_chair_schedules(db: Session, world: World) -> None:
    with pytest.raises(DomainError):
        sessions.schedule(
            db,
            world["police_rep"],
            world.panel,
            starts_at=datetime(2026, 12, 3, tzinfo=UTC),
            duration_minutes=60,
            location="Here",
            online_link="",
            agenda="",
        )


def test_attendance_is_kept_with_the_agency_people_came_for(db: Session, world: World) -> None:
    session = schedule(db, world)
    sessions.record_attendance(
        db,
        world["chair"],
        session,
        {world["police_rep"].id: Attendance.PRESENT, world["observer"].id: Attendance.APOLOGIES},
    )
    db.flush()
    recorded = {a.user_id: (a.agency_id, a.attendance) for a in session.attendees}
    assert recorded[world["police_rep"].id] == (world.agencies["police"].id, Attendance.PRESENT)
    with pytest.raises(DomainError, match="members"):
        sessions.record_attendance(
            db, world["chair"], session, {world["outsider"].id: Attendance.PRESENT}
        )


def test_minutes_are_seen_by_members_once_published_and_they_are_told(
    db: Session, world: World
) -> None:
    session = schedule(db, world)
    with pytest.raises(DomainError, match="Write the minutes"):
        sessions.publish_minutes(db, world["chair"], session)
    sessions.save_minutes(
        db,
        world["chair"],
        session,
        version=session.version,
        minutes="Agreed learning.",
        decisions="Meet again.",
    )
    assert can(world["chair"], "view_minutes", session)
    assert not can(world["police_rep"], "view_minutes", session)
    sessions.publish_minutes(db, world["chair"], session)
    db.flush()
    assert can(world["police_rep"], "view_minutes", session)
    assert not can(world["outsider"], "view_minutes", session)
    told = set(db.scalars(select(Notice.user_id).where(Notice.link == f"/sessions/{session.id}")))
    assert told == {world["probation_rep"].id, world["police_rep"].id, world["observer"].id}


def test_upcoming_sessions_are_those_of_my_panels(db: Session, world: World) -> None:
    schedule(db, world)
    db.flush()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    assert len(queries.upcoming_for(db, world["police_rep"], now)) == 1
    assert queries.upcoming_for(db, world["other_member"], now) == []
    assert queries.upcoming_for(db, world["police_rep"], datetime(2027, 1, 1, tzinfo=UTC)) == []

"""Shared learning is received, not just sent: agency leads acknowledge it and say what they did;
the chair and the inspectorate see who has and who has not; those who have not are reminded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.models import User
from panels import learning
from panels.models.learning import (
    LearningAcknowledgement,
    LearningLevel,
    LearningPoint,
    LearningReminder,
    LearningResponse,
)
from portal import clock, jobs
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.notices import Notice
from portal.policy import can
from tests.conftest import csrf_token
from tests.support.people import signed_in_as
from tests.support.work import run_jobs
from tests.support.world import World

# Tests that make requests set up their records in an app context of their own, closed before
# the requests (which would otherwise share it); the rest run inside one throughout.
in_app_context = pytest.mark.usefixtures("app_context")

TITLE = "Call-outs were not shared"


def shared(db: Session, world: World, *agencies: str) -> LearningPoint:
    point = learning.record(
        db,
        world["chair"],
        world.panel,  # type: ignore[arg-type]
        title=TITLE,
        description="What was learnt.",
        level=LearningLevel.MULTI_AGENCY,
        theme_ids=[learning.active_themes(db)[0].id],
        agency_ids=[world.agencies[a].id for a in agencies],
    )
    learning.share(db, world["chair"], point)
    db.commit()
    return point


def acknowledge(
    db: Session,
    actor: User,
    point: LearningPoint,
    response: LearningResponse = LearningResponse.BRIEFED_TEAMS,
    detail: str = "Every public protection team was briefed.",
) -> LearningAcknowledgement:
    return learning.acknowledge(
        db, actor, point, response=response, detail=detail, done_on=date(2026, 1, 5)
    )


def notices_of(db: Session, user: User) -> list[str]:
    return list(db.scalars(select(Notice.text).where(Notice.user_id == user.id)))


@in_app_context
def test_the_agency_lead_acknowledges_and_the_chair_is_told(db: Session, world: World) -> None:
    point = shared(db, world, "police")
    assert can(world["police_lead"], "acknowledge", point)
    ack = acknowledge(db, world["police_lead"], point)
    db.commit()
    assert (ack.agency_id, ack.acknowledged_by_id) == (
        world.agencies["police"].id,
        world["police_lead"].id,
    )
    assert ack.response is LearningResponse.BRIEFED_TEAMS and ack.done_on == date(2026, 1, 5)
    assert any("has acknowledged" in text for text in notices_of(db, world["chair"]))
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "learning.acknowledged"))
    assert event is not None and event.details["response"] == "briefed_teams"


@in_app_context
@pytest.mark.parametrize("who", ["police_rep", "chair", "admin", "observer", "police_lead"])
def test_only_the_lead_of_an_agency_it_was_shared_with_may_acknowledge(
    db: Session, world: World, who: str
) -> None:
    # Shared with probation only: police's lead leads another agency.
    point = shared(db, world, "probation")
    assert not can(world[who], "acknowledge", point)
    with pytest.raises(DomainError, match="Only the lead"):
        acknowledge(db, world[who], point)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(LearningAcknowledgement)) == 0


@in_app_context
def test_learning_not_yet_shared_cannot_be_acknowledged(db: Session, world: World) -> None:
    point = learning.record(
        db,
        world["chair"],
        world.panel,  # type: ignore[arg-type]
        title=TITLE,
        description="",
        level=LearningLevel.LOCAL,
        theme_ids=[learning.active_themes(db)[0].id],
        agency_ids=[world.agencies["police"].id],
    )
    with pytest.raises(DomainError):
        acknowledge(db, world["police_lead"], point)


@in_app_context
def test_no_action_needs_a_reason_and_the_date_cannot_be_in_the_future(
    db: Session, world: World
) -> None:
    point = shared(db, world, "police")
    with pytest.raises(DomainError, match="why your agency is taking no action"):
        acknowledge(db, world["police_lead"], point, LearningResponse.NO_ACTION, "  ")
    with pytest.raises(DomainError, match="today or in the past"):
        learning.acknowledge(
            db,
            world["police_lead"],
            point,
            response=LearningResponse.TRAINING,
            detail="Training.",
            done_on=clock.today() + timedelta(days=1),
        )


@in_app_context
def test_the_lead_changes_what_they_said_in_the_same_record(db: Session, world: World) -> None:
    point = shared(db, world, "police")
    first = acknowledge(db, world["police_lead"], point)
    db.commit()
    second = acknowledge(
        db,
        world["police_lead"],
        point,
        LearningResponse.NO_ACTION,
        "Our guidance already covers it.",
    )
    db.commit()
    assert second.id == first.id
    assert db.scalar(select(func.count()).select_from(LearningAcknowledgement)) == 1
    assert second.response is LearningResponse.NO_ACTION
    assert second.detail == "Our guidance already covers it."
    changed = select(AuditEvent).where(AuditEvent.action == "learning.acknowledgement_changed")
    assert db.scalar(changed) is not None


def test_the_chair_sees_which_agencies_have_acknowledged(
    app: Flask, db: Session, world: World
) -> None:
    with app.app_context():
        point = shared(db, world, "police", "probation")
        acknowledge(db, world["police_lead"], point)
        db.commit()
    rows = {row.agency_name: row for row in learning.follow_up(db, point, clock.today())}
    police, probation = world.agencies["police"].name, world.agencies["probation"].name
    assert rows[police].acknowledgement is not None
    assert rows[probation].acknowledgement is None and rows[probation].days_since_shared == 0

    page = signed_in_as(app.test_client(), db, world["chair"]).get(f"/learning/{point.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Briefed teams" in text and "Every public protection team was briefed." in text
    assert "Not yet acknowledged: shared 0 days ago" in text
    # The lead does not see the other agencies' answers, but may change their own.
    lead_page = signed_in_as(app.test_client(), db, world["police_lead"]).get(
        f"/learning/{point.id}"
    )
    lead_text = lead_page.get_data(as_text=True)
    assert "Not yet acknowledged" not in lead_text
    assert "Say what your agency did with it" in lead_text


def test_the_lead_acknowledges_through_the_form(app: Flask, db: Session, world: World) -> None:
    with app.app_context():
        point = shared(db, world, "police")
    client = signed_in_as(app.test_client(), db, world["police_lead"])
    url = f"/learning/{point.id}/acknowledge"
    assert "Acknowledge this learning" in client.get(url).get_data(as_text=True)
    missing = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert "Choose what your agency did" in missing.get_data(as_text=True)
    done = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "response": "changed_guidance",
            "detail": "The call-out guidance now says to tell probation.",
            "done_on": ["3", "2", "2026"],
        },
    )
    assert done.status_code == 302
    ack = db.scalar(select(LearningAcknowledgement))
    assert ack is not None and ack.response is LearningResponse.CHANGED_GUIDANCE
    assert ack.done_on == date(2026, 2, 3)
    assert "Change what your agency did" in client.get(url).get_data(as_text=True)


@in_app_context
def test_agencies_are_reminded_once_28_days_after_sharing(db: Session, world: World) -> None:
    point = shared(db, world, "police", "probation")
    assert point.shared_at is not None
    acknowledge(db, world["police_lead"], point)
    db.commit()
    shared_at = point.shared_at
    assert learning.remind_unacknowledged(db, shared_at + timedelta(days=27)) == 0
    assert learning.remind_unacknowledged(db, shared_at + timedelta(days=28)) == 1
    db.commit()
    reminded = db.scalars(select(LearningReminder)).all()
    # Police acknowledged: only probation is reminded, and only once.
    assert [r.agency_id for r in reminded] == [world.agencies["probation"].id]
    assert learning.remind_unacknowledged(db, shared_at + timedelta(days=40)) == 0
    assert not any("not been acknowledged" in t for t in notices_of(db, world["police_lead"]))


@in_app_context
def test_the_daily_job_reminds_the_leads_of_agencies_that_have_not_acknowledged(
    app: Flask, db: Session, world: World
) -> None:
    point = shared(db, world, "police")
    point.shared_at = clock.now() - timedelta(days=27)
    db.commit()
    jobs.queue_periodic(db)
    run_jobs(app)
    assert not any("not been acknowledged" in t for t in notices_of(db, world["police_lead"]))

    point.shared_at = clock.now() - timedelta(days=29)
    db.commit()
    jobs.queue_periodic(db, clock.now() + timedelta(days=1))
    run_jobs(app, clock.now() + timedelta(days=1))
    jobs.queue_periodic(db, clock.now() + timedelta(days=2))
    run_jobs(app, clock.now() + timedelta(days=2))
    reminders = [t for t in notices_of(db, world["police_lead"]) if "not been acknowledged" in t]
    assert len(reminders) == 1

"""Actions judged by their effect: a completed action's impact review falls due six months after
sign-off, the owning agency records (with evidence) whether it changed practice, the chair is
told, and the action's page says where the review stands."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from panels import impact_reviews, panels
from panels.models.actions import Action
from panels.models.impact import ImpactOutcome, ImpactReview, impact_review_due_after
from panels.models.panels import PanelState
from portal import clock, migrate
from portal.audit import AuditEvent
from portal.clock import LONDON
from portal.errors import DomainError
from portal.notices import Notice
from portal.policy import can
from portal.templating import format_date
from tests.conftest import csrf_token
from tests.support.inspectorate import impact_recorded, plan_delivered, version_in, version_on
from tests.support.people import signed_in_as
from tests.support.world import World

in_app_context = pytest.mark.usefixtures("app_context")


def delivered(app: Flask, db: Session, world: World, completed: int = 1) -> list[Action]:
    """On `panel`: police's action and probation's, agreed; the first `completed` signed off."""
    assert world.panel is not None
    with app.test_request_context():
        return plan_delivered(
            db,
            world,
            world.panel,
            [("police", "police_rep"), ("probation", "probation_rep")],
            completed=completed,
        )


def six_months_after(day: date) -> date:
    """Computed here apart from the portal's own: the same day six months on, or that month's
    last day."""
    month = day.month + 6
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_the_review_date_is_six_calendar_months_on_or_the_months_last_day() -> None:
    assert impact_review_due_after(date(2026, 3, 3)) == date(2026, 9, 3)
    assert impact_review_due_after(date(2026, 11, 15)) == date(2027, 5, 15)
    assert impact_review_due_after(date(2026, 8, 31)) == date(2027, 2, 28)
    assert impact_review_due_after(date(2027, 8, 31)) == date(2028, 2, 29)
    assert impact_review_due_after(date(2026, 12, 31)) == date(2027, 6, 30)
    for day in (date(2026, 1, 31) + timedelta(days=n) for n in range(0, 400, 7)):
        assert impact_review_due_after(day) == six_months_after(day)


def test_sign_off_sets_the_impact_review_date(app: Flask, db: Session, world: World) -> None:
    done, open_ = delivered(app, db, world)
    assert done.completed_at is not None
    completed_on = done.completed_at.astimezone(LONDON).date()
    assert done.impact_review_due == six_months_after(completed_on)
    assert open_.impact_review_due is None
    signed = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "action.signed_off", AuditEvent.object_id == str(done.id)
        )
    ).one()
    assert signed.details["impact_review_due"] == done.impact_review_due.isoformat()


def test_the_owning_agency_records_the_impact_and_changes_it_and_the_chair_is_told(
    app: Flask, db: Session, world: World
) -> None:
    done, _ = delivered(app, db, world)
    url = f"/actions/{done.id}/impact"
    rep = signed_in_as(app.test_client(), db, world["police_rep"])
    form = rep.get(url).get_data(as_text=True)
    assert "Did action A" in form and "Changed practice" in form and "Impact review due" in form
    sent = rep.post(
        url,
        data={
            "csrf_token": csrf_token(rep, url),
            "outcome": "changed",
            "evidence": "An audit of twenty cases: <script>x()</script>all shared in a day.",
        },
    )
    assert sent.status_code == 302 and sent.headers["Location"] == f"/actions/{done.id}"
    db.expire_all()
    review = db.scalars(select(ImpactReview)).one()
    assert (review.action_id, review.outcome) == (done.id, ImpactOutcome.CHANGED)
    assert review.recorded_by_id == world["police_rep"].id
    assert "<script>" not in review.evidence and "all shared in a day." in review.evidence
    told = db.scalars(select(Notice).where(Notice.user_id == world["chair"].id)).all()
    assert any(
        notice.link == f"/actions/{done.id}" and "recorded the impact review" in notice.text
        for notice in told
    )

    lead = signed_in_as(app.test_client(), db, world["police_lead"])
    again = lead.get(url).get_data(as_text=True)
    assert "Change the impact review" in again and "all shared in a day." in again
    lead.post(
        url,
        data={
            "csrf_token": csrf_token(lead, url),
            "version": version_on(lead, url),
            "outcome": "partly_changed",
            "evidence": "Shared in a day in fourteen of twenty cases.",
        },
    )
    db.expire_all()
    changed = db.scalars(select(ImpactReview)).one()
    assert changed.id == review.id
    assert changed.outcome is ImpactOutcome.PARTLY_CHANGED
    assert changed.recorded_by_id == world["police_lead"].id
    events = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "action", AuditEvent.object_id == str(done.id))
        .order_by(AuditEvent.id)
    ).all()
    assert events[-2:] == ["action.impact_reviewed", "action.impact_review_changed"]


def test_a_review_saved_by_someone_else_meanwhile_is_not_overwritten_unseen(
    app: Flask, db: Session, world: World
) -> None:
    done, _ = delivered(app, db, world)
    url = f"/actions/{done.id}/impact"
    rep = signed_in_as(app.test_client(), db, world["police_rep"])
    token, started_from = csrf_token(rep, url), version_on(rep, url)
    assert started_from == ""
    # The lead records the review while the representative is still writing theirs.
    impact_recorded(app, db, world["police_lead"], done, ImpactOutcome.CHANGED, "Lead's audit.")
    mine = {"csrf_token": token, "outcome": "not_changed", "evidence": "Rep's view."}
    refused = rep.post(url, data={**mine, "version": started_from})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Someone else saved changes" in page
    assert "Rep&#39;s view." in page and "changed practice" in page
    db.expire_all()
    review = db.scalars(select(ImpactReview)).one()
    assert (review.outcome, review.recorded_by_id) == (
        ImpactOutcome.CHANGED,
        world["police_lead"].id,
    )
    # Having seen it, saving again replaces it: the refused page carries the lead's save.
    assert version_in(page) == str(review.version) == "1"
    again = rep.post(url, data={**mine, "version": version_in(page)})
    assert again.status_code == 302
    db.expire_all()
    assert db.scalars(select(ImpactReview)).one().outcome is ImpactOutcome.NOT_CHANGED


def test_only_the_owning_agency_and_only_once_the_action_is_completed(
    app: Flask, db: Session, world: World
) -> None:
    done, not_done = delivered(app, db, world)
    for who in ("police_rep", "police_lead"):
        assert can(world[who], "record_impact", done), who
    for who in ("chair", "probation_rep", "observer", "admin", "other_member", "outsider"):
        assert not can(world[who], "record_impact", done), who
    # Probation's own action, agreed but not yet signed off.
    assert not can(world["probation_rep"], "record_impact", not_done)
    with app.app_context(), pytest.raises(DomainError, match="owning agency"):
        impact_reviews.record(
            db, world["chair"], done, outcome=ImpactOutcome.CHANGED, evidence="It did."
        )
    assert db.scalar(select(func.count()).select_from(ImpactReview)) == 0


@in_app_context
def test_what_shows_it_is_required(app: Flask, db: Session, world: World) -> None:
    (done, _) = delivered(app, db, world)
    for empty in ("", "   ", "<p> </p>"):
        with pytest.raises(DomainError, match="what shows"):
            impact_reviews.record(
                db, world["police_rep"], done, outcome=ImpactOutcome.NOT_CHANGED, evidence=empty
            )


@in_app_context
def test_impact_is_recorded_after_the_panel_has_closed(
    app: Flask, db: Session, world: World
) -> None:
    done, other = delivered(app, db, world, completed=2)
    assert world.panel is not None
    panels.move_to(db, world["chair"], world.panel, PanelState.MONITORING)
    panels.move_to(db, world["chair"], world.panel, PanelState.CLOSED)
    db.commit()
    review = impact_reviews.record(
        db, world["probation_rep"], other, outcome=ImpactOutcome.NOT_CHANGED, evidence="None."
    )
    db.commit()
    assert review.action_id == other.id
    assert impact_reviews.reviews_of(db, [done.id, other.id]) == {other.id: review}


def test_the_action_page_says_when_the_review_is_due_then_that_it_is_overdue_then_shows_it(
    app: Flask, db: Session, world: World
) -> None:
    done, not_done = delivered(app, db, world)
    chair = signed_in_as(app.test_client(), db, world["chair"])
    assert done.impact_review_due is not None
    page = chair.get(f"/actions/{done.id}").get_data(as_text=True)
    assert f"Impact review due {format_date(done.impact_review_due)}" in page
    assert "Record the impact on practice" not in page  # the chair does not record it
    assert "Impact on practice" not in chair.get(f"/actions/{not_done.id}").get_data(as_text=True)

    late = clock.today() - timedelta(days=3)
    db.get(Action, done.id).impact_review_due = late  # type: ignore[union-attr]
    db.commit()
    page = chair.get(f"/actions/{done.id}").get_data(as_text=True)
    assert "Overdue" in page and f"it was due {format_date(late)}" in page

    rep = signed_in_as(app.test_client(), db, world["police_rep"])
    assert "Record the impact on practice" in rep.get(f"/actions/{done.id}").get_data(as_text=True)
    impact_recorded(
        app,
        db,
        world["police_rep"],
        done,
        ImpactOutcome.PARTLY_CHANGED,
        "Half the districts changed their practice.",
    )
    page = chair.get(f"/actions/{done.id}").get_data(as_text=True)
    assert "Partly changed practice" in page
    assert "Half the districts changed their practice." in page
    assert "overdue" not in page.lower().split("impact on practice")[1].split("progress")[0]


def test_actions_signed_off_before_the_migration_get_their_review_date_from_it(
    app: Flask, db: Session, world: World, database_url: str
) -> None:
    done, not_done = delivered(app, db, world)
    expected = done.impact_review_due
    db.close()
    app.extensions["db_engine"].dispose()
    migrate.downgrade(database_url, "0012")
    migrate.upgrade(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            due = dict(
                connection.execute(
                    text("SELECT id, impact_review_due FROM actions WHERE id IN (:a, :b)"),
                    {"a": done.id, "b": not_done.id},
                ).all()
            )
    finally:
        engine.dispose()
    assert {key: _as_date(value) for key, value in due.items()} == {
        done.id: expected,
        not_done.id: None,
    }


def _as_date(value: object) -> date | None:
    """SQLite gives a date back as text through a plain connection."""
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]

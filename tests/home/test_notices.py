"""Notices on the home page: those that no longer hold clear themselves, those about work on
the to-do list are shown as that work, and "Dismiss all" dismisses only the person's own."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from home.dashboard import fresh_notices, home_for
from panels import actions, contributions, learning, notify
from panels.models.actions import Action, ActionState
from panels.models.contributions import Contribution
from panels.models.learning import LearningLevel
from portal import clock
from portal.notices import Notice
from portal.urls import path_for
from tests.conftest import csrf_token
from tests.support.actions import propose_action
from tests.support.people import signed_in_as
from tests.support.world import World


def propose_for_police(app: Flask, db: Session, world: World) -> Action:
    return propose_action(
        app,
        db,
        world,
        "police",
        "Share arrest records with probation within a day.",
        target_date=date(2027, 1, 31),
        measure_of_success="An audit of twenty cases finds every one shared.",
    )


def fresh_texts(app: Flask, db: Session, who: int) -> list[str]:
    with app.test_request_context():
        return [notice.text for notice in fresh_notices(db, who)]


def unread_count(db: Session, user_id: int) -> int:
    db.rollback()  # read what the requests committed
    return (
        db.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        )
        or 0
    )


def test_a_notice_clears_itself_once_what_it_is_about_has_changed_again(
    app: Flask, db: Session, world: World
) -> None:
    action = propose_for_police(app, db, world)
    asked = "please answer it"
    # The change a notice tells of (the action proposed) does not clear it.
    for who in ("police_rep", "police_lead"):
        assert any(asked in text for text in fresh_texts(app, db, world[who].id)), who

    with app.test_request_context():
        actions.respond(db, world["police_lead"], action, ActionState.AGREED, "")
        db.commit()
    for who in ("police_rep", "police_lead"):
        assert not any(asked in text for text in fresh_texts(app, db, world[who].id)), who
    # It is still there, unread, for "Dismiss all"; it is only no longer shown.
    assert unread_count(db, world["police_rep"].id) >= 1
    # The chair is told of the answer, and nothing has changed the action since.
    assert any("has answered action" in text for text in fresh_texts(app, db, world["chair"].id))


def share_with_police(app: Flask, db: Session, world: World) -> None:
    assert world.panel is not None
    with app.test_request_context():
        point = learning.record(
            db,
            world["chair"],
            world.panel,
            title="Arrests must prompt a review of risk",
            description="",
            level=LearningLevel.LOCAL,
            theme_ids=[learning.active_themes(db)[0].id],
            agency_ids=[world.agencies["police"].id],
        )
        learning.share(db, world["chair"], point)
        db.commit()


def tell_of_a_case(app: Flask, db: Session, world: World) -> None:
    """A notice that no work on the police lead's to-do list covers."""
    assert world.panel is not None
    with app.test_request_context():
        notify.tell(
            db,
            [world["police_lead"]],
            "The case has been updated.",
            path_for("panels.case_detail", case_id=world.panel.case_id),
            "A case was updated",
        )
        db.commit()


def test_notices_about_records_nobody_has_changed_since_stay(
    app: Flask, db: Session, world: World
) -> None:
    assert world.panel is not None
    share_with_police(app, db, world)
    with app.test_request_context():
        contribution = db.scalars(
            select(Contribution).where(
                Contribution.panel_id == world.panel.id,
                Contribution.agency_id == world.agencies["probation"].id,
            )
        ).one()
        contributions.save(
            db, world["probation_rep"], contribution, contribution.version, {"involvement": "Yes"}
        )
        contributions.submit(db, world["probation_rep"], contribution)
        db.commit()
    assert any("Arrests must prompt" in t for t in fresh_texts(app, db, world["police_lead"].id))
    submitted = "Northshire Probation has submitted its contribution"
    assert any(submitted in text for text in fresh_texts(app, db, world["chair"].id))
    with app.test_request_context():
        contributions.accept(db, world["chair"], contribution)
        db.commit()
    assert not any(submitted in text for text in fresh_texts(app, db, world["chair"].id))


def test_a_notice_about_work_on_the_list_is_shown_as_that_work(
    app: Flask, db: Session, world: World
) -> None:
    action = propose_for_police(app, db, world)
    with app.test_request_context():
        home = home_for(db, world["police_rep"], clock.today(), clock.now())
    assert f"/actions/{action.id}" in {item.href for item in home.todo}
    assert f"/actions/{action.id}" not in {notice.link for notice in home.notices}
    page = signed_in_as(app.test_client(), db, world["police_rep"]).get("/")
    html = page.get_data(as_text=True)
    assert f"Answer action A{action.id}" in html
    assert "please answer it" not in html


def test_dismiss_all_dismisses_every_one_of_the_persons_notices_and_no_one_elses(
    app: Flask, db: Session, world: World
) -> None:
    propose_for_police(app, db, world)
    share_with_police(app, db, world)
    tell_of_a_case(app, db, world)
    lead, rep = world["police_lead"].id, world["police_rep"].id
    # The invitations of both panels, the action and the learning (all shown as the work they
    # ask for), and the case (shown as a notice).
    assert unread_count(db, lead) == 5
    rep_before = unread_count(db, rep)
    assert rep_before >= 1

    client = signed_in_as(app.test_client(), db, world["police_lead"])
    page = client.get("/").get_data(as_text=True)
    assert "Dismiss all notices" in page
    response = client.post("/notices/read", data={"csrf_token": csrf_token(client, "/")})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert unread_count(db, lead) == 0
    assert unread_count(db, rep) == rep_before
    page = client.get("/").get_data(as_text=True)
    assert "New for you" not in page and "Dismiss all notices" not in page


def test_dismiss_all_is_refused_without_the_forms_token_or_a_signed_in_person(
    app: Flask, db: Session, world: World
) -> None:
    propose_for_police(app, db, world)
    lead = world["police_lead"].id
    before = unread_count(db, lead)
    anonymous = app.test_client().post("/notices/read")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/sign-in?next=")
    forged = signed_in_as(app.test_client(), db, world["police_lead"]).post("/notices/read")
    assert forged.status_code == 400
    assert unread_count(db, lead) == before

"""Actions shown with their words wherever they are listed (code, short text, owning agency, due
date, status), the chair told when an action is answered, and closing a panel that still has
overdue or not agreed actions made a considered step."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import actions, learning, panels
from panels.models.actions import Action, ActionState, summarise
from panels.models.learning import LearningLevel
from panels.models.panels import Panel, PanelState
from portal.notices import Notice
from portal.outbox import OutboxEmail
from portal.templating import format_date
from tests.conftest import csrf_token
from tests.support.actions import agreed_action, propose_action
from tests.support.people import signed_in_as
from tests.support.world import World

SHARE = "Share arrest records with probation within one working day of the arrest."
BRIEF = (
    "Brief every offender manager in the Northshire teams on the domestic abuse enquiries "
    "they must make of the police before each licence recall decision is taken."
)


def propose(
    app: Flask,
    db: Session,
    world: World,
    agency: str,
    description: str,
    due: int = 30,
    learning_point_id: int | None = None,
) -> Action:
    return propose_action(
        app,
        db,
        world,
        agency,
        f"<p>{description}</p>",
        target_date=date.today() + timedelta(days=due),
        measure_of_success="<p>Seen in a sample of cases.</p>",
        learning_point_id=learning_point_id,
    )


def in_words(action: Action) -> list[str]:
    """What an action's line must hold, as the page's HTML shows it."""
    return [
        f"A{action.id}: {escape(action.short_text)}",
        str(escape(action.owner_agency.name)),
        format_date(action.target_date),
        action.state.label,
    ]


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_short_text_is_the_description_in_one_line_cut_at_a_word() -> None:
    assert summarise("  Share   records\nwithin a day. ", 90) == "Share records within a day."
    assert summarise(BRIEF, 40) == "Brief every offender manager in the…"
    assert len(summarise(BRIEF, 40)) <= 40
    assert summarise("x" * 50, 10) == "x" * 9 + "…"
    action = Action(id=3, description="<p>Check <strong>records</strong> &amp; <em>notes</em></p>")
    assert (action.reference, action.short_text) == ("A3", "Check records & notes")


def test_every_page_listing_actions_shows_them_in_words(
    app: Flask, db: Session, world: World
) -> None:
    with app.test_request_context():
        point = learning.record(
            db,
            world["chair"],
            world.panel,
            title="Arrests were not shared",
            description="",
            level=LearningLevel.MULTI_AGENCY,
            theme_ids=[learning.active_themes(db)[0].id],
            agency_ids=[world.agencies["police"].id],
        )
        db.commit()
    share = propose(app, db, world, "police", SHARE, learning_point_id=point.id)
    brief = propose(app, db, world, "probation", BRIEF, due=45)
    chair = signed_in_as(app.test_client(), db, world["chair"])
    police = signed_in_as(app.test_client(), db, world["police_rep"])

    listings = {
        "panel": page(chair, f"/panels/{world.panel.id}"),
        "action plan": page(chair, f"/panels/{world.panel.id}/actions"),
    }
    for name, shown in listings.items():
        for action in (share, brief):
            for words in in_words(action):
                assert words in shown, (name, words)
    # The long one is cut short in lists, and whole on its own page.
    assert BRIEF not in listings["panel"]
    assert BRIEF in page(chair, f"/actions/{brief.id}")

    learning_page = page(chair, f"/learning/{point.id}")
    assert all(words in learning_page for words in in_words(share))
    assert f"A{brief.id}:" not in learning_page

    for url in (f"/actions/{share.id}", f"/actions/{share.id}/respond"):
        shown = page(police, url)
        assert re.search(rf"<title>[^<]*A{share.id}: {SHARE}", shown), url
        for words in in_words(share)[1:]:
            assert words in shown, (url, words)


def test_the_chair_is_told_by_notice_and_email_when_an_action_is_answered(
    app: Flask, db: Session, world: World
) -> None:
    action = propose(app, db, world, "police", SHARE)
    police = signed_in_as(app.test_client(), db, world["police_lead"])
    url = f"/actions/{action.id}/respond"
    response = police.post(
        url,
        data={
            "csrf_token": csrf_token(police, url),
            "answer": "not_agreed",
            "reason": "Not within this year's budget.",
        },
    )
    assert response.status_code == 302

    db.rollback()
    chair = world["chair"]
    told = db.scalars(select(Notice).where(Notice.user_id == chair.id)).all()
    assert [(notice.text, notice.link) for notice in told] == [
        (
            f"{world.agencies['police'].name} has answered action A{action.id} for case "
            f"{world.panel.case.reference}: not agreed.",
            f"/actions/{action.id}",
        )
    ]
    emails = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == chair.email)).all()
    assert [email.subject for email in emails] == [
        f"{world.agencies['police'].name} has answered an action"
    ]
    assert f"/actions/{action.id}" in emails[0].body
    # The action's own words stay in the portal: an email names the action, not what it says.
    assert SHARE not in emails[0].body


def _monitoring(app: Flask, db: Session, world: World, *answers: ActionState) -> list[Action]:
    """The panel monitoring its plan: one police action per answer, the first overdue."""
    plan = [
        propose(app, db, world, "police", f"{SHARE} ({number})", due=-2 if number == 0 else 30)
        for number in range(len(answers))
    ]
    with app.test_request_context():
        for action, answer in zip(plan, answers, strict=True):
            reason = "" if answer is ActionState.AGREED else "Not within this year's budget."
            actions.respond(db, world["police_rep"], action, answer, reason)
        for state in (
            PanelState.CONTRIBUTIONS_CLOSED,
            PanelState.ACTION_PLAN_AGREED,
            PanelState.MONITORING,
        ):
            panels.move_to(db, world["chair"], world.panel, state)
        db.commit()
    return plan


def _close_button(shown: str, panel: Panel) -> str:
    found = re.search(rf'<a href="/panels/{panel.id}/state\?value=closed"[^>]*>', shown)
    assert found, "no button to close the panel"
    return found.group(0)


def _sign_off(app: Flask, db: Session, world: World, action: Action) -> None:
    with app.test_request_context():
        actions.report_progress(db, world["police_rep"], action, "Done, and audited.")
        actions.sign_off(db, world["chair"], action)
        db.commit()


def test_closing_with_overdue_and_not_agreed_actions_is_not_the_next_step_and_says_why(
    app: Flask, db: Session, world: World
) -> None:
    overdue, not_agreed = _monitoring(app, db, world, ActionState.AGREED, ActionState.NOT_AGREED)
    chair = signed_in_as(app.test_client(), db, world["chair"])
    panel_page = page(chair, f"/panels/{world.panel.id}")
    assert "govuk-button--secondary" in _close_button(panel_page, world.panel)

    confirmation = page(chair, f"/panels/{world.panel.id}/state?value=closed")
    assert (
        "1 action is not signed off as complete; 1 action is overdue; 1 action was not agreed "
        "by the agency that owns it." in confirmation
    )
    for action in (overdue, not_agreed):
        assert all(words in confirmation for words in in_words(action))
    assert "Overdue" in confirmation
    # Closing would be refused while an agreed action is not signed off: no button offers it.
    assert "You cannot close the panel yet." in confirmation
    assert 'name="value"' not in confirmation

    _sign_off(app, db, world, overdue)
    panel_page = page(chair, f"/panels/{world.panel.id}")
    assert "govuk-button--secondary" in _close_button(panel_page, world.panel)
    confirmation = page(chair, f"/panels/{world.panel.id}/state?value=closed")
    assert "1 action was not agreed by the agency that owns it." in confirmation
    assert "is overdue" not in confirmation and "not signed off" not in confirmation
    assert "govuk-button--warning" in confirmation and 'name="value"' in confirmation
    response = chair.post(
        f"/panels/{world.panel.id}/state",
        data={"csrf_token": csrf_token(chair, "/sign-out"), "value": "closed"},
    )
    assert response.status_code == 302
    db.rollback()
    db.refresh(world.panel)
    assert world.panel.state is PanelState.CLOSED


def test_closing_with_every_action_signed_off_is_the_plain_next_step(
    app: Flask, db: Session, world: World
) -> None:
    (action,) = _monitoring(app, db, world, ActionState.AGREED)
    _sign_off(app, db, world, action)
    chair = signed_in_as(app.test_client(), db, world["chair"])
    button = _close_button(page(chair, f"/panels/{world.panel.id}"), world.panel)
    assert "govuk-button--secondary" not in button
    confirmation = page(chair, f"/panels/{world.panel.id}/state?value=closed")
    assert "not signed off" not in confirmation and "not agreed" not in confirmation
    assert 'name="value"' in confirmation


def test_the_action_plan_page_holds_what_its_pdf_holds(
    app: Flask, db: Session, world: World
) -> None:
    description = "Review how the police share call-out histories with probation."
    action = agreed_action(app, db, world, "police", description, "A protocol signed by both.")
    with app.test_request_context():
        actions.report_progress(
            db, world["police_rep"], action, "The protocol is drafted and with legal."
        )
        db.commit()
    assert world.panel is not None
    page = signed_in_as(app.test_client(), db, world["chair"]).get(
        f"/panels/{world.panel.id}/actions"
    )
    html = page.get_data(as_text=True)
    for held in (
        description,
        "A protocol signed by both.",
        "The protocol is drafted and with legal.",
        f"Reported by {world['police_rep'].name}",
        "1 update in all",
    ):
        assert held in html, held

"""The action plan: SMART actions, each agency's answer, progress, sign-off, overdue reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import actions, panels, queries
from panels.actions import ActionFields
from panels.models.actions import ACTION_TRANSITIONS, Action, ActionState
from panels.models.panels import PanelState
from portal.errors import DomainError
from portal.notices import Notice
from tests.support.postgres import free_port
from tests.support.work import run_jobs
from tests.support.world import World

pytestmark = pytest.mark.usefixtures("app_context")


def propose(db: Session, world: World, agency: str = "police", due: int = 30) -> Action:
    return actions.propose(
        db,
        world["chair"],
        world.panel,
        ActionFields(
            description="Share every call-out within a day.",
            owner_agency_id=world.agencies[agency].id,
            owner_role="Head of Public Protection",
            target_date=date.today() + timedelta(days=due),
            measure_of_success="Seen in a sample of cases.",
        ),
    )


def test_answers_lead_to_delivery_or_end_there() -> None:
    assert ACTION_TRANSITIONS[ActionState.PROPOSED] == {
        ActionState.AGREED,
        ActionState.PARTLY_AGREED,
        ActionState.NOT_AGREED,
    }
    assert ACTION_TRANSITIONS[ActionState.NOT_AGREED] == frozenset()
    assert ACTION_TRANSITIONS[ActionState.AGREED] == {ActionState.COMPLETED}


def test_the_owning_agency_is_told_and_only_it_answers(db: Session, world: World) -> None:
    action = propose(db, world)
    db.flush()
    told = set(db.scalars(select(Notice.user_id).where(Notice.link == f"/actions/{action.id}")))
    assert told == {world["police_rep"].id, world["police_lead"].id}
    for who in ("probation_rep", "chair", "other_member", "outsider"):
        with pytest.raises(DomainError):
            actions.respond(db, world[who], action, ActionState.AGREED, "")
    actions.respond(db, world["police_lead"], action, ActionState.AGREED, "")
    assert action.state is ActionState.AGREED


@pytest.mark.parametrize("answer", [ActionState.PARTLY_AGREED, ActionState.NOT_AGREED])
def test_partly_and_not_agreed_need_a_reason(
    db: Session, world: World, answer: ActionState
) -> None:
    action = propose(db, world)
    with pytest.raises(DomainError, match="Say why"):
        actions.respond(db, world["police_rep"], action, answer, "   ")
    assert action.state is ActionState.PROPOSED
    actions.respond(db, world["police_rep"], action, answer, "Policy reasons.")
    assert (action.state, action.response_reason) == (answer, "<p>Policy reasons.</p>")


def test_the_action_keeps_its_answer_once_completed(db: Session, world: World) -> None:
    partly, refused, agreed = propose(db, world), propose(db, world), propose(db, world)
    assert partly.answer is None
    actions.respond(db, world["police_rep"], partly, ActionState.PARTLY_AGREED, "Part of it.")
    actions.respond(db, world["police_rep"], refused, ActionState.NOT_AGREED, "Not ours.")
    actions.respond(db, world["police_rep"], agreed, ActionState.AGREED, "")
    panels.move_to(db, world["chair"], world.panel, PanelState.CONTRIBUTIONS_CLOSED)
    panels.move_to(db, world["chair"], world.panel, PanelState.ACTION_PLAN_AGREED)
    actions.report_progress(db, world["police_rep"], partly, "Done, the part agreed.")
    actions.sign_off(db, world["chair"], partly)
    db.commit()
    db.expire_all()
    assert (partly.state, partly.answer) == (ActionState.COMPLETED, ActionState.PARTLY_AGREED)
    assert (refused.state, refused.answer) == (ActionState.NOT_AGREED, ActionState.NOT_AGREED)
    assert (agreed.state, agreed.answer) == (ActionState.AGREED, ActionState.AGREED)


def test_the_owner_must_be_an_invited_agency(db: Session, world: World) -> None:
    with pytest.raises(DomainError, match="invited"):
        propose(db, world, agency="childrens")


def _deliver(db: Session, world: World, action: Action) -> None:
    actions.respond(db, world["police_rep"], action, ActionState.AGREED, "")
    panels.move_to(db, world["chair"], world.panel, PanelState.CONTRIBUTIONS_CLOSED)
    panels.move_to(db, world["chair"], world.panel, PanelState.ACTION_PLAN_AGREED)


def test_progress_then_sign_off(db: Session, world: World) -> None:
    action = propose(db, world)
    _deliver(db, world, action)
    with pytest.raises(DomainError, match="evidence"):
        actions.sign_off(db, world["chair"], action)
    with pytest.raises(DomainError):
        actions.report_progress(db, world["probation_rep"], action, "Not ours")
    actions.report_progress(db, world["police_rep"], action, "Daily extract in place.")
    with pytest.raises(DomainError):
        actions.sign_off(db, world["police_rep"], action)
    actions.sign_off(db, world["chair"], action)
    assert action.state is ActionState.COMPLETED
    assert not action.is_overdue(date.today() + timedelta(days=365))


def test_overdue_actions_are_flagged_and_reminded_once(db: Session, world: World) -> None:
    late = propose(db, world, due=-1)
    on_time = propose(db, world, due=10)
    db.flush()
    assert late.is_overdue(date.today()) and not on_time.is_overdue(date.today())
    overdue = db.scalars(queries.overdue_for(db, world["observer"], date.today())).all()
    assert overdue == [late]
    assert db.scalars(queries.overdue_for(db, world["outsider"], date.today())).all() == []
    assert actions.remind_overdue(db, date.today()) == 1
    assert actions.remind_overdue(db, date.today()) == 0
    db.flush()
    reminded = db.scalars(select(Notice.text).where(Notice.user_id == world["police_rep"].id)).all()
    assert any("is overdue" in text for text in reminded)


def test_overdue_reminders_go_out_by_email(app: Flask, db: Session, world: World) -> None:
    """From the daily command to a real SMTP server on loopback."""
    propose(db, world, due=-3)
    db.commit()

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], str]] = []

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        runner = app.test_cli_runner()
        assert "of 1 overdue" in runner.invoke(args=["remind-overdue"]).output
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        run_jobs(app)
    finally:
        smtp.stop()
    overdue_mail = [m for m in inbox.messages if "An action is overdue" in m[1]]
    assert {to for recipients, _ in overdue_mail for to in recipients} == {
        world["police_rep"].email,
        world["police_lead"].email,
    }

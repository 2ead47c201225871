"""Panels: their life as a state machine, who may be invited and named, who is told."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import actions, panels
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.panels import PANEL_TRANSITIONS, PanelRole, PanelState
from portal import clock
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.notices import Notice
from portal.outbox import OutboxEmail
from tests.support.world import World, a_case

pytestmark = pytest.mark.usefixtures("app_context")


def test_transition_table_is_the_panel_life_in_order() -> None:
    life = [
        PanelState.DRAFT,
        PanelState.OPEN,
        PanelState.CONTRIBUTIONS_CLOSED,
        PanelState.ACTION_PLAN_AGREED,
        PanelState.MONITORING,
        PanelState.CLOSED,
    ]
    for here, there in zip(life, life[1:], strict=False):
        assert there in PANEL_TRANSITIONS[here]
    assert PANEL_TRANSITIONS[PanelState.CLOSED] == frozenset()
    # The only way back is to reopen contributions before the plan is agreed.
    backwards = {
        (here, there)
        for here, targets in PANEL_TRANSITIONS.items()
        for there in targets
        if life.index(there) < life.index(here)
    }
    assert backwards == {(PanelState.CONTRIBUTIONS_CLOSED, PanelState.OPEN)}


@pytest.mark.parametrize(
    "target", [PanelState.MONITORING, PanelState.CLOSED, PanelState.ACTION_PLAN_AGREED]
)
def test_a_panel_cannot_skip_steps(db: Session, world: World, target: PanelState) -> None:
    with pytest.raises(DomainError, match="cannot become"):
        panels.move_to(db, world["chair"], world.panel, target)


def test_a_panel_opens_only_with_an_agency_invited(db: Session, world: World) -> None:
    panel = panels.open_panel(
        db,
        world["chair"],
        a_case(db, world["chair"], "SFO-TEST-0003"),
        terms_of_reference="x",
        contribution_deadline=None,
        action_plan_target_date=None,
    )
    with pytest.raises(DomainError, match="Invite at least one agency"):
        panels.move_to(db, world["chair"], panel, PanelState.OPEN)


def test_opening_tells_invited_agencies_leads_once(
    db: Session, world: World, portal_base_url: str
) -> None:
    lead = world["police_lead"]
    notices = db.scalars(select(Notice).where(Notice.user_id == lead.id)).all()
    # Invited to two panels, each opened once.
    assert len(notices) == 2
    assert "Northshire Police is invited" in notices[0].text
    assert notices[0].link == f"/panels/{world.panel.id}"
    emails = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == lead.email)).all()
    assert len(emails) == 2
    assert f"{portal_base_url}/panels/" in emails[0].body


def test_inviting_when_already_open_tells_the_leads_at_once(db: Session, world: World) -> None:
    draft = panels.open_panel(
        db,
        world["chair"],
        a_case(db, world["chair"], "SFO-TEST-0004"),
        terms_of_reference="x",
        contribution_deadline=None,
        action_plan_target_date=None,
    )
    waiting = panels.invite_agency(db, world["chair"], draft, world.agencies["police"])
    assert waiting.notified_at is None  # told only when the draft panel opens
    at_once = panels.invite_agency(db, world["chair"], world.panel, world.agencies["childrens"])
    assert at_once.notified_at is not None
    with pytest.raises(DomainError, match="already invited"):
        panels.invite_agency(db, world["chair"], world.panel, world.agencies["police"])


def test_only_the_chair_invites(db: Session, world: World) -> None:
    with pytest.raises(DomainError):
        panels.invite_agency(db, world["police_lead"], world.panel, world.agencies["childrens"])


def test_representatives_must_come_from_invited_agencies(db: Session, world: World) -> None:
    with pytest.raises(DomainError, match="is not invited"):
        panels.add_member(
            db, world["chair"], world.panel, world["outsider"], PanelRole.REPRESENTATIVE
        )


def test_a_lead_names_only_their_own_agencys_people(db: Session, world: World) -> None:
    with pytest.raises(DomainError, match="their own agency"):
        panels.add_member(
            db, world["police_lead"], world.panel, world["practitioner"], PanelRole.REPRESENTATIVE
        )
    panels.add_member(
        db, world["police_lead"], world.panel, world["other_member"], PanelRole.REPRESENTATIVE
    )
    assert world["other_member"].id in {m.user_id for m in world.panel.members}


def test_observers_need_the_observer_role(db: Session, world: World) -> None:
    with pytest.raises(DomainError, match="observer role"):
        panels.add_member(
            db, world["chair"], world.panel, world["practitioner"], PanelRole.OBSERVER
        )


def test_the_chair_cannot_be_removed(db: Session, world: World) -> None:
    chair_member = next(m for m in world.panel.members if m.role is PanelRole.CHAIR)
    with pytest.raises(DomainError, match="chair cannot be removed"):
        panels.remove_member(db, world["chair"], world.panel, chair_member)


def _action(db: Session, world: World, agency: str = "police") -> Action:
    from datetime import date

    return actions.propose(
        db,
        world["chair"],
        world.panel,
        ActionFields(
            description="Share call-outs.",
            owner_agency_id=world.agencies[agency].id,
            owner_role="Head of Public Protection",
            target_date=date(2027, 1, 31),
            measure_of_success="Seen in a sample.",
        ),
    )


def test_the_plan_is_agreed_only_when_every_action_is_answered(db: Session, world: World) -> None:
    chair = world["chair"]
    panels.move_to(db, chair, world.panel, PanelState.CONTRIBUTIONS_CLOSED)
    with pytest.raises(DomainError, match="Add the actions"):
        panels.move_to(db, chair, world.panel, PanelState.ACTION_PLAN_AGREED)
    action = _action(db, world)
    with pytest.raises(DomainError, match="must answer"):
        panels.move_to(db, chair, world.panel, PanelState.ACTION_PLAN_AGREED)
    actions.respond(db, world["police_rep"], action, ActionState.AGREED, "")
    panels.move_to(db, chair, world.panel, PanelState.ACTION_PLAN_AGREED)
    panels.move_to(db, chair, world.panel, PanelState.MONITORING)
    with pytest.raises(DomainError, match="Sign off every agreed action"):
        panels.move_to(db, chair, world.panel, PanelState.CLOSED)
    actions.report_progress(db, world["police_rep"], action, "Done and evidenced.")
    actions.sign_off(db, chair, action)
    panels.move_to(db, chair, world.panel, PanelState.CLOSED)
    db.commit()
    moves = db.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "panel.state_changed")
    ).all()
    assert {"old": "monitoring", "new": "closed"} in moves


def test_a_panel_keeps_the_first_time_it_was_opened_agreed_and_closed(
    db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    chair, panel = world["chair"], world.panel
    opened = panel.opened_at
    assert opened is not None and (panel.plan_agreed_at, panel.closed_at) == (None, None)

    def at(days: int) -> datetime:
        moment = opened + timedelta(days=days)
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    # Contributions reopened and closed again: the panel was first opened when it was.
    at(40)
    panels.move_to(db, chair, panel, PanelState.CONTRIBUTIONS_CLOSED)
    panels.move_to(db, chair, panel, PanelState.OPEN)
    panels.move_to(db, chair, panel, PanelState.CONTRIBUTIONS_CLOSED)
    action = _action(db, world)
    actions.respond(db, world["police_rep"], action, ActionState.AGREED, "")
    agreed = at(60)
    panels.move_to(db, chair, panel, PanelState.ACTION_PLAN_AGREED)
    panels.move_to(db, chair, panel, PanelState.MONITORING)
    actions.report_progress(db, world["police_rep"], action, "Done and evidenced.")
    actions.sign_off(db, chair, action)
    closed = at(90)
    panels.move_to(db, chair, panel, PanelState.CLOSED)
    db.commit()
    db.expire_all()
    assert (panel.opened_at, panel.plan_agreed_at, panel.closed_at) == (opened, agreed, closed)
    assert world.other_panel is not None and world.other_panel.plan_agreed_at is None


def test_a_closed_panel_can_no_longer_be_changed(db: Session, world: World) -> None:
    test_the_plan_is_agreed_only_when_every_action_is_answered(db, world)
    with pytest.raises(DomainError):
        panels.invite_agency(db, world["chair"], world.panel, world.agencies["childrens"])


def test_a_stale_edit_of_the_panel_is_refused(db: Session, world: World) -> None:
    from portal.errors import EditConflict

    seen = world.panel.version
    panels.update_panel(
        db,
        world["chair"],
        world.panel,
        version=seen,
        terms_of_reference="First",
        contribution_deadline=None,
        action_plan_target_date=None,
    )
    db.flush()
    with pytest.raises(EditConflict):
        panels.update_panel(
            db,
            world["chair"],
            world.panel,
            version=seen,
            terms_of_reference="Second",
            contribution_deadline=None,
            action_plan_target_date=None,
        )
    assert world.panel.terms_of_reference == "<p>First</p>"

"""Actions on the test world's panel, proposed and agreed through the operations people use."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from panels import actions, panels
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.panels import PanelState
from tests.support.world import World


def propose_action(
    app: Flask,
    db: Session,
    world: World,
    agency: str,
    description: str,
    *,
    target_date: date,
    measure_of_success: str,
    learning_point_id: int | None = None,
) -> Action:
    """An action the chair proposes on `world.panel` for `agency` (a key of `world.agencies`)."""
    assert world.panel is not None
    with app.test_request_context():
        action = actions.propose(
            db,
            world["chair"],
            world.panel,
            ActionFields(
                description=description,
                owner_agency_id=world.agencies[agency].id,
                owner_role="Head of Public Protection",
                target_date=target_date,
                measure_of_success=measure_of_success,
                learning_point_id=learning_point_id,
            ),
        )
        db.commit()
    return action


def agreed_action(
    app: Flask, db: Session, world: World, agency: str, description: str, measure_of_success: str
) -> Action:
    """An action for `agency`, due in sixty days, agreed by its representative, with the plan
    agreed: progress may be reported."""
    action = propose_action(
        app,
        db,
        world,
        agency,
        description,
        target_date=date.today() + timedelta(days=60),
        measure_of_success=measure_of_success,
    )
    assert world.panel is not None
    with app.test_request_context():
        actions.respond(db, world[f"{agency}_rep"], action, ActionState.AGREED, "")
        panels.move_to(db, world["chair"], world.panel, PanelState.CONTRIBUTIONS_CLOSED)
        panels.move_to(db, world["chair"], world.panel, PanelState.ACTION_PLAN_AGREED)
        db.commit()
    return action

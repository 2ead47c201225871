"""The inspectorate for tests: its inspectors, and completed actions (the ones impact
reviews and dip samples work on), made through the operations people use."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from agencies.models import AgencyKind, Role, User
from panels import actions, impact_reviews, panels
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.cases import ProbationRegion
from panels.models.impact import ImpactOutcome
from panels.models.panels import Panel, PanelRole, PanelState
from portal import clock
from tests.support import people
from tests.support.world import World, a_case, agency_never_signed_in_with


def inspector(db: Session, world: World, subject: str, *roles: Role) -> User:
    """An approved person of the inspectorate (registered first if it is not yet)."""
    if "inspectorate" not in world.agencies:
        world.agencies["inspectorate"] = agency_never_signed_in_with(
            db, "HM Inspectorate of Probation", AgencyKind.INSPECTORATE, "inspectorate"
        )
    provider = people.provider_of(db, "inspectorate")
    return people.person(db, world["admin"], provider, subject, roles or (Role.OBSERVER,))


def a_panel_in(db: Session, world: World, region: ProbationRegion, reference: str) -> Panel:
    """A panel chaired by the world's chair for a case in `region`, police invited, with
    police's representative `other_member`; open."""
    chair = world["chair"]
    panel = panels.open_panel(
        db,
        chair,
        a_case(db, chair, reference, region),
        terms_of_reference="Another region.",
        contribution_deadline=None,
        action_plan_target_date=None,
    )
    panels.invite_agency(db, chair, panel, world.agencies["police"])
    panels.add_member(db, chair, panel, world["other_member"], PanelRole.REPRESENTATIVE)
    panels.move_to(db, chair, panel, PanelState.OPEN)
    db.commit()
    return panel


def plan_delivered(
    db: Session,
    world: World,
    panel: Panel,
    owners: list[tuple[str, str]],
    *,
    completed: int,
) -> list[Action]:
    """Actions on `panel` for each (agency key, its answering person key) of `owners`, agreed,
    the plan agreed; the first `completed` of them signed off on evidence of progress."""
    chair = world["chair"]
    plan = [
        actions.propose(
            db,
            chair,
            panel,
            ActionFields(
                description=f"Action {number} for {agency}.",
                owner_agency_id=world.agencies[agency].id,
                owner_role="Head of Public Protection",
                target_date=clock.today() + timedelta(days=30),
                measure_of_success="An audit of twenty cases.",
            ),
        )
        for number, (agency, _who) in enumerate(owners, start=1)
    ]
    for action, (_agency, who) in zip(plan, owners, strict=True):
        actions.respond(db, world[who], action, ActionState.AGREED, "")
    if panel.state is PanelState.OPEN:
        panels.move_to(db, chair, panel, PanelState.CONTRIBUTIONS_CLOSED)
    panels.move_to(db, chair, panel, PanelState.ACTION_PLAN_AGREED)
    for action, (_agency, who) in list(zip(plan, owners, strict=True))[:completed]:
        actions.report_progress(db, world[who], action, "Twenty cases audited.")
        actions.sign_off(db, chair, action)
    db.commit()
    return plan


def impact_recorded(
    app: Flask, db: Session, person: User, action: Action, outcome: ImpactOutcome, evidence: str
) -> None:
    """`person` records the impact of `action`, as the page does, in an app context of its own."""
    with app.app_context():
        impact_reviews.record(
            db,
            db.merge(person),
            db.get(Action, action.id),  # type: ignore[arg-type]
            outcome=outcome,
            evidence=evidence,
        )
        db.commit()


_VERSION = re.compile(r'name="version" type="hidden" value="([^"]*)"')


def version_in(page: str) -> str:
    """The version of the record the form on `page` edits, as the form carries it ("" if none
    is saved yet)."""
    found = _VERSION.search(page)
    assert found, "no version field on the page"
    return found.group(1)


def version_on(client: FlaskClient, url: str) -> str:
    return version_in(client.get(url).get_data(as_text=True))

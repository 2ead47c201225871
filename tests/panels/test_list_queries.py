"""Every list page makes as many SQL queries for 50 rows as for 5, and is paginated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from agencies.models import Role
from panels import actions, learning, panels
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.learning import LearningLevel
from panels.models.panels import PanelRole, PanelState
from tests.support import people
from tests.support.people import signed_in_as
from tests.support.world import World, a_case


def count_queries(app: Flask, db: Session, world: World, who: str, url: str) -> tuple[int, str]:
    client = signed_in_as(app.test_client(), db, world[who])
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(statements), response.get_data(as_text=True)


def add_panels(db: Session, world: World, numbers: range) -> None:
    chair = world["chair"]
    for number in numbers:
        panel = panels.open_panel(
            db,
            chair,
            a_case(db, chair, f"SFO-LIST-{number:03d}"),
            terms_of_reference="x",
            contribution_deadline=None,
            action_plan_target_date=None,
        )
        panels.invite_agency(db, chair, panel, world.agencies["police"])
        panels.add_member(db, chair, panel, world["police_rep"], PanelRole.REPRESENTATIVE)
        panels.move_to(db, chair, panel, PanelState.OPEN)
        _action(db, world, panel, days=-1)


def _action(db: Session, world: World, panel, days: int) -> Action:  # type: ignore[no-untyped-def]
    return actions.propose(
        db,
        world["chair"],
        panel,
        ActionFields(
            description="Do it.",
            owner_agency_id=world.agencies["police"].id,
            owner_role="Lead",
            target_date=date.today() + timedelta(days=days),
            measure_of_success="Done.",
        ),
    )


def add_actions(db: Session, world: World, numbers: range) -> None:
    for number in numbers:
        action = _action(db, world, world.panel, days=number - 2)
        actions.respond(db, world["police_rep"], action, ActionState.NOT_AGREED, "No.")


def add_learning(db: Session, world: World, numbers: range) -> None:
    themes = [theme.id for theme in learning.active_themes(db)][:3]
    for number in numbers:
        point = learning.record(
            db,
            world["chair"],
            world.panel,
            title=f"Learning {number}",
            description="x",
            level=LearningLevel.LOCAL,
            theme_ids=themes,
            agency_ids=[world.agencies["police"].id, world.agencies["probation"].id],
        )
        learning.share(db, world["chair"], point)


def add_users(db: Session, world: World, numbers: range) -> None:
    provider = people.provider_of(db, "probation")
    for number in numbers:
        people.person(db, world["admin"], provider, f"extra-{number}", [Role.OBSERVER])


PAGES: list[tuple[str, str, Callable[[Session, World, range], None]]] = [
    ("/cases", "chair", add_panels),
    ("/panels", "chair", add_panels),
    ("/", "police_rep", add_panels),
    ("/", "chair", add_panels),
    ("/panels/{panel}/actions", "chair", add_actions),
    ("/learning", "chair", add_learning),
    ("/learning/shared", "police_rep", add_learning),
    ("/", "police_lead", add_learning),
    ("/users", "admin", add_users),
]


@pytest.mark.parametrize(("url", "who", "add"), PAGES, ids=[f"{u}-{w}" for u, w, _ in PAGES])
def test_list_pages_make_the_same_queries_for_5_and_50_rows(
    app: Flask, db: Session, world: World, url: str, who: str, add: Callable[..., None]
) -> None:
    url = url.format(panel=world.panel.id)
    with app.test_request_context():
        add(db, world, range(5))
        db.commit()
    few, _ = count_queries(app, db, world, who, url)
    with app.test_request_context():
        add(db, world, range(5, 50))
        db.commit()
    many, page = count_queries(app, db, world, who, url)
    assert many == few, f"{url}: {few} queries for 5 rows, {many} for 50"
    if url != "/":
        assert "govuk-pagination" in page, f"{url} shows 50 rows without pagination"

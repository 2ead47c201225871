"""The home page's to-do list: computed from the records for every role, each item with its
deadline or how long it has waited, most urgent first, in a fixed number of queries; and the
"Overdue actions" banner, which shows only actions the person can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from agencies.models import User
from home.dashboard import Home, Todo, by_urgency, home_for
from panels import actions, contributions, learning, panels, sessions
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.contributions import Contribution
from panels.models.learning import LearningLevel
from panels.models.panels import Panel, PanelState
from portal import clock
from portal.clock import LONDON
from tests.support import people
from tests.support.people import signed_in_as
from tests.support.world import World, a_case

TODAY = date(2026, 3, 10)


def home_of(app: Flask, db: Session, user: User) -> Home:
    with app.test_request_context():
        return home_for(db, user, clock.today(), clock.now())


def tasks(app: Flask, db: Session, user: User) -> dict[str, Todo]:
    return {item.task: item for item in home_of(app, db, user).todo}


def contribution_of(db: Session, panel: Panel, agency_id: int) -> Contribution:
    return db.scalars(
        select(Contribution).where(
            Contribution.panel_id == panel.id, Contribution.agency_id == agency_id
        )
    ).one()


def submit(db: Session, world: World, who: str, panel: Panel, agency: str) -> Contribution:
    contribution = contribution_of(db, panel, world.agencies[agency].id)
    contributions.save(
        db, world[who], contribution, contribution.version, {"involvement": "Seen twice."}
    )
    contributions.submit(db, world[who], contribution)
    return contribution


def police_action(db: Session, world: World, panel: Panel, due: date, text: str) -> Action:
    return actions.propose(
        db,
        world["chair"],
        panel,
        ActionFields(
            description=text,
            owner_agency_id=world.agencies["police"].id,
            owner_role="Head of Public Protection",
            target_date=due,
            measure_of_success="An audit of twenty cases.",
        ),
    )


def session_at(db: Session, world: World, panel: Panel, days: int) -> Any:
    return sessions.schedule(
        db,
        world["chair"],
        panel,
        starts_at=clock.now() + timedelta(days=days),
        duration_minutes=90,
        location="Room 1, Northshire House",
        online_link="",
        agenda="Each agency's findings.",
    )


def learning_on(db: Session, world: World, panel: Panel, title: str) -> Any:
    return learning.record(
        db,
        world["chair"],
        panel,
        title=title,
        description="",
        level=LearningLevel.LOCAL,
        theme_ids=[learning.active_themes(db)[0].id],
        agency_ids=[world.agencies["police"].id],
    )


def plan_agreed(db: Session, world: World, *texts: str) -> list[Action]:
    """Actions on `other_panel`, agreed by police, and the plan agreed."""
    other_panel = world.other_panel
    assert other_panel is not None
    due = clock.today() + timedelta(days=30)
    agreed = [police_action(db, world, other_panel, due, text) for text in texts]
    for action in agreed:
        actions.respond(db, world["other_member"], action, ActionState.AGREED, "")
    panels.move_to(db, world["chair"], other_panel, PanelState.CONTRIBUTIONS_CLOSED)
    panels.move_to(db, world["chair"], other_panel, PanelState.ACTION_PLAN_AGREED)
    return agreed


def progress_on(db: Session, world: World, action: Action) -> None:
    actions.report_progress(db, world["other_member"], action, "Half the cases audited.")


def test_the_chair_finds_every_step_waiting_on_her_panels_most_urgent_first(
    app: Flask, db: Session, world: World
) -> None:
    panel = world.panel
    assert panel is not None
    with app.test_request_context():
        submitted = submit(db, world, "probation_rep", panel, "probation")
        coming = session_at(db, world, panel, 10)
        held = session_at(db, world, panel, -3)
        point = learning_on(db, world, panel, "Arrests must prompt a review")
        (agreed,) = plan_agreed(db, world, "Tell probation of every arrest in a day.")
        progress_on(db, world, agreed)
        police_action(db, world, panel, clock.today() + timedelta(days=60), "Not hers to do.")
        db.commit()

    todo = home_of(app, db, world["chair"]).todo
    found = {item.task: item for item in todo}
    review = found["Review Northshire Probation's contribution to the panel for case SFO-TEST-0001"]
    assert review.href == f"/contributions/{submitted.id}"
    assert review.since == clock.today() and review.state is not None
    prepare = next(item for item in todo if item.task.startswith("Prepare the session of"))
    assert prepare.task.endswith(" for the panel for case SFO-TEST-0001")
    assert prepare.href == f"/sessions/{coming.id}"
    assert prepare.due == coming.starts_at.astimezone(LONDON).date()
    minutes = next(item for item in todo if item.task.startswith("Publish the minutes"))
    assert minutes.href == f"/sessions/{held.id}"
    assert "Write the minutes" in minutes.about
    share = found["Share the learning “Arrests must prompt a review”"]
    assert share.href == f"/learning/{point.id}"
    sign_off = found[f"Sign off action A{agreed.id} once it is done"]
    assert sign_off.due == agreed.target_date
    assert "Tell probation of every arrest in a day." in sign_off.about
    assert "Northshire Police" in sign_off.about
    # The agencies' own work is not hers.
    assert not any(item.task.startswith("Answer action") for item in todo)
    # Most urgent first: the session held three days ago waits longest.
    assert todo[0] is minutes
    assert [item.when for item in todo] == sorted(item.when for item in todo if item.when)


def test_each_item_says_its_deadline_and_how_late_or_how_long_it_has_waited() -> None:
    late = Todo("Answer action A1", "/actions/1", "", due=TODAY - timedelta(days=3))
    assert late.timing(TODAY) == "Due 7 March 2026: 3 days late"
    assert late.days_late(TODAY) == 3
    assert Todo("a", "/", "", due=TODAY).timing(TODAY) == "Due today, 10 March 2026"
    soon = Todo("a", "/", "", due=TODAY + timedelta(days=1))
    assert (soon.timing(TODAY), soon.days_late(TODAY)) == ("Due 11 March 2026, in 1 day", 0)
    waiting = Todo("a", "/", "", since=TODAY - timedelta(days=1))
    assert waiting.timing(TODAY) == "Waiting since 9 March 2026, 1 day"
    assert Todo("a", "/", "", since=TODAY).timing(TODAY) == "Waiting since 10 March 2026"
    assert Todo("a", "/", "").timing(TODAY) == ""


def test_the_most_overdue_comes_first_and_work_without_a_date_last() -> None:
    undated = Todo("undated", "/", "")
    due_soon = Todo("due soon", "/", "", due=TODAY + timedelta(days=2))
    waiting = Todo("waiting a week", "/", "", since=TODAY - timedelta(days=7))
    very_late = Todo("very late", "/", "", due=TODAY - timedelta(days=20))
    ordered = by_urgency([undated, due_soon, waiting, very_late])
    assert [item.task for item in ordered] == [
        "very late",
        "waiting a week",
        "due soon",
        "undated",
    ]


def test_an_agency_lead_finds_people_to_approve_actions_to_answer_and_contributions_due(
    app: Flask, db: Session, world: World
) -> None:
    panel = world.panel
    assert panel is not None
    newcomer = people.person(db, None, people.provider_of(db, "police"), "new-pc", approved=False)
    elsewhere = people.person(
        db, None, people.provider_of(db, "probation"), "new-po", approved=False
    )
    with app.test_request_context():
        due = clock.today() + timedelta(days=20)
        action = police_action(db, world, panel, due, "Share arrest records within a day.")
        # A panel police is invited to, with none of its people named yet.
        third = panels.open_panel(
            db,
            world["chair"],
            a_case(db, world["chair"], "SFO-TEST-0003"),
            terms_of_reference="A third case.",
            contribution_deadline=None,
            action_plan_target_date=None,
        )
        panels.invite_agency(db, world["chair"], third, world.agencies["police"])
        panels.move_to(db, world["chair"], third, PanelState.OPEN)
        db.commit()

    found = tasks(app, db, world["police_lead"])
    approve = found["Approve New Pc's account"]
    assert approve.href == f"/users/{newcomer.id}"
    assert "Approve New Po's account" not in found
    answer = found[f"Answer action A{action.id}"]
    assert (answer.href, answer.due) == (f"/actions/{action.id}", due)
    assert "Share arrest records within a day. (Northshire Police" in answer.about
    assert answer.state is ActionState.PROPOSED
    # The lead does not write the contribution: they see that it is on its way, and by when.
    contribution = found[
        "Make sure Northshire Police's contribution to the panel for case SFO-TEST-0001 is "
        "submitted"
    ]
    assert contribution.href == f"/panels/{panel.id}"
    assert contribution.due == date(2026, 12, 31)
    assert contribution.about == "Written by Police Rep."
    name = found["Name Northshire Police's representatives for the panel for case SFO-TEST-0003"]
    assert name.href == f"/panels/{third.id}/members"

    administrator = tasks(app, db, world["admin"])
    assert {"Approve New Pc's account", "Approve New Po's account"} <= set(administrator)
    assert elsewhere.id != newcomer.id
    # Nobody else approves accounts.
    assert not any(task.startswith("Approve New") for task in tasks(app, db, world["police_rep"]))


def test_representatives_find_their_agencys_contribution_and_actions_and_nothing_else(
    app: Flask, db: Session, world: World
) -> None:
    panel = world.panel
    assert panel is not None
    with app.test_request_context():
        action = police_action(
            db, world, panel, clock.today() + timedelta(days=5), "Audit arrest records."
        )
        returned = submit(db, world, "probation_rep", panel, "probation")
        contributions.return_to_agency(db, world["chair"], returned, "Add the call-outs.")
        db.commit()

    police = tasks(app, db, world["police_rep"])
    write = (
        "Write Northshire Police's contribution to the panel for case SFO-TEST-0001 and submit it"
    )
    assert police[write].due == date(2026, 12, 31)
    assert police[write].href.startswith("/contributions/")
    assert f"Answer action A{action.id}" in police
    probation = tasks(app, db, world["probation_rep"])
    revise = probation[
        "Revise Northshire Probation's contribution to the panel for case SFO-TEST-0001 and "
        "submit it again"
    ]
    assert "returned it with comments" in revise.about
    assert not any(task.startswith("Answer action") for task in probation)
    assert tasks(app, db, world["outsider"]) == {}


def test_members_and_observers_are_asked_to_come_to_sessions_soon(
    app: Flask, db: Session, world: World
) -> None:
    panel = world.panel
    assert panel is not None
    with app.test_request_context():
        soon = session_at(db, world, panel, 7)
        session_at(db, world, panel, 60)  # too far off to be work yet
        db.commit()
    for who in ("observer", "police_rep", "probation_rep"):
        found = home_of(app, db, world[who]).todo
        come = [item for item in found if item.task.startswith("Come to the session of")]
        assert [item.href for item in come] == [f"/sessions/{soon.id}"], who
    assert tasks(app, db, world["practitioner"]) == {}


def test_the_overdue_banner_shows_only_actions_the_person_can_act_on(
    app: Flask, db: Session, world: World
) -> None:
    panel = world.panel
    assert panel is not None
    with app.test_request_context():
        late = police_action(
            db, world, panel, clock.today() - timedelta(days=4), "Review arrest alerts."
        )
        db.commit()

    for who in ("police_rep", "police_lead", "chair"):
        assert [action.id for action in home_of(app, db, world[who]).overdue] == [late.id], who
    # Another agency's action, on a panel they sit on or can see: not theirs to act on.
    for who in ("probation_rep", "observer", "admin", "other_member"):
        assert home_of(app, db, world[who]).overdue == [], who
    answer = tasks(app, db, world["police_rep"])[f"Answer action A{late.id}"]
    assert answer.days_late(clock.today()) == 4


def test_the_overdue_banner_shows_the_ten_most_overdue_however_many_actions_are_open(
    app: Flask, db: Session, world: World
) -> None:
    """The banner's actions of the person's agency come from the same look-up as its open
    actions to answer (cut at twenty, by target date): with more actions open than that, still
    only the late ones, the most overdue first, ten at most."""
    panel = world.panel
    assert panel is not None
    today = clock.today()
    with app.test_request_context():
        late = {
            days: police_action(db, world, panel, today - timedelta(days=days), f"Late {days}.")
            for days in (3, 12, 7, 1, 30, 2, 9, 15, 4, 21, 5, 8)
        }
        for days in range(1, 15):
            police_action(db, world, panel, today + timedelta(days=days), f"Due in {days}.")
        db.commit()

    most_overdue = [late[days].id for days in sorted(late, reverse=True)[:10]]
    for who in ("police_rep", "police_lead", "chair"):
        assert [action.id for action in home_of(app, db, world[who]).overdue] == most_overdue, who
    for who in ("probation_rep", "observer"):
        assert home_of(app, db, world[who]).overdue == [], who
    to_answer = [task for task in tasks(app, db, world["police_rep"]) if task.startswith("Answer")]
    assert len(to_answer) == 20


def test_the_chair_sees_each_panels_contributions_actions_and_how_many_are_late(
    app: Flask, db: Session, world: World
) -> None:
    panel = world.panel
    assert panel is not None
    today = clock.today()
    with app.test_request_context():
        submit(db, world, "probation_rep", panel, "probation")
        late, _, _ = (
            police_action(db, world, panel, today + timedelta(days=days), f"Due {days}.")
            for days in (-5, -1, 10)
        )
        # Late, but answered "not agreed": nothing left to do, so not overdue.
        actions.respond(db, world["police_rep"], late, ActionState.NOT_AGREED, "Not ours.")
        db.commit()
    invited = db.scalars(select(Contribution).where(Contribution.panel_id == panel.id)).all()

    progress = home_of(app, db, world["chair"]).progress[panel.id]
    assert (progress.contributed, progress.invited) == (1, len(invited))
    assert progress.actions == {ActionState.PROPOSED.label: 2, ActionState.NOT_AGREED.label: 1}
    assert progress.overdue == 1


def test_the_page_shows_each_action_in_its_own_words(app: Flask, db: Session, world: World) -> None:
    panel = world.panel
    assert panel is not None
    with app.test_request_context():
        late = police_action(
            db, world, panel, clock.today() - timedelta(days=4), "Review arrest alerts weekly."
        )
        db.commit()
    page = signed_in_as(app.test_client(), db, world["police_rep"]).get("/")
    html = page.get_data(as_text=True)
    banner = html[html.index("Overdue actions") : html.index('id="waiting"')]
    assert f"Action A{late.id}</a>: Review arrest alerts weekly." in banner
    assert "Northshire Police, panel for case SFO-TEST-0001." in banner
    assert "Proposed" in banner and "4 days late" in banner
    todo = html[html.index('id="waiting"') :]
    assert f"Answer action A{late.id}</a>" in todo
    assert "Review arrest alerts weekly. (Northshire Police, panel for case SFO-TEST-0001)" in todo
    assert "days late" in todo


@contextmanager
def counting(db: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_for(app: Flask, who: int) -> int:
    """The statements the home page costs, in a session of its own that has loaded nothing."""
    fresh: Session = app.extensions["db_sessionmaker"]()
    try:
        user = fresh.get(User, who)
        assert user is not None
        with counting(fresh) as statements:
            home_of(app, fresh, user)
        return len(statements)
    finally:
        fresh.close()


def test_the_home_page_takes_as_many_queries_with_twice_the_work(
    app: Flask, db: Session, world: World
) -> None:
    panel = world.panel
    assert panel is not None
    chair, rep = world["chair"].id, world["police_rep"].id
    with app.test_request_context():
        first, second = plan_agreed(db, world, "One agreed action.", "Another agreed action.")
        db.commit()

    def for_the_chair(agency: str, rep_of_it: str, agreed: Action) -> None:
        with app.test_request_context():
            submit(db, world, rep_of_it, panel, agency)
            session_at(db, world, panel, -2)
            learning_on(db, world, panel, f"Learning for {agency}")
            progress_on(db, world, agreed)
            db.commit()

    def for_everyone() -> None:
        with app.test_request_context():
            session_at(db, world, panel, 5)
            police_action(db, world, panel, clock.today() - timedelta(days=1), "Late again.")
            db.commit()

    for_the_chair("probation", "probation_rep", first)
    for_everyone()
    chair_before, rep_before = queries_for(app, chair), queries_for(app, rep)
    for_everyone()
    assert queries_for(app, rep) == rep_before
    for_the_chair("police", "police_rep", second)
    assert queries_for(app, chair) == chair_before
    assert len(home_of(app, db, world["chair"]).todo) == 10

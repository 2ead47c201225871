"""The home page's to-do list, for what follows a panel's work: an agency lead acknowledges
learning shared with their agency; the owning agency records the impact of a completed action
when its review is near or past; an inspector records findings on their agency's dip samples.
Each item with its date, and the page in as many queries however many there are."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import Role
from panels import dip_samples, learning
from panels.models.actions import Action
from panels.models.cases import ProbationRegion
from panels.models.impact import ImpactOutcome
from panels.models.learning import LearningLevel, LearningPoint, LearningResponse
from portal import clock
from portal.notices import Notice
from tests.home.test_todo import home_of, queries_for, tasks
from tests.support.inspectorate import impact_recorded, inspector, plan_delivered
from tests.support.world import World


def shared_with_police(app: Flask, db: Session, world: World, title: str) -> LearningPoint:
    with app.test_request_context():
        point = learning.record(
            db,
            world["chair"],
            world.panel,  # type: ignore[arg-type]
            title=title,
            description="",
            level=LearningLevel.MULTI_AGENCY,
            theme_ids=[learning.active_themes(db)[0].id],
            agency_ids=[world.agencies["police"].id],
        )
        learning.share(db, world["chair"], point)
        db.commit()
    return point


def completed(app: Flask, db: Session, world: World, how_many: int) -> list[Action]:
    """Police actions on `other_panel` (its representative: other_member), all signed off."""
    assert world.other_panel is not None
    with app.test_request_context():
        return plan_delivered(
            db,
            world,
            world.other_panel,
            [("police", "other_member")] * how_many,
            completed=how_many,
        )


def review_due_in(db: Session, action: Action, days: int) -> None:
    """As if the action had been signed off six months less `days` ago."""
    db.get(Action, action.id).impact_review_due = clock.today() + timedelta(days=days)  # type: ignore[union-attr]
    db.commit()


def test_an_agency_lead_is_asked_to_acknowledge_learning_shared_with_their_agency(
    app: Flask, db: Session, world: World
) -> None:
    point = shared_with_police(app, db, world, "Arrests must prompt a review")
    task = "Acknowledge the learning “Arrests must prompt a review” shared with your agency"
    found = tasks(app, db, world["police_lead"])[task]
    assert found.href == f"/learning/{point.id}/acknowledge"
    assert found.since == clock.today() and "panel for case SFO-TEST-0001" in found.about
    assert found.timing(clock.today() + timedelta(days=4)).endswith(", 4 days")
    # The notice that it was shared is shown as this work, not beside it.
    home = home_of(app, db, world["police_lead"])
    assert not any(notice.link == f"/learning/{point.id}" for notice in home.notices)
    told = db.scalars(select(Notice.link).where(Notice.user_id == world["police_lead"].id))
    assert f"/learning/{point.id}" in set(told)
    # Not the agency's members, who cannot acknowledge it; not another agency's lead.
    for who in ("police_rep", "other_member", "chair", "admin"):
        assert task not in tasks(app, db, world[who]), who
    with app.test_request_context():
        learning.acknowledge(
            db,
            db.merge(world["police_lead"]),
            db.get(LearningPoint, point.id),  # type: ignore[arg-type]
            response=LearningResponse.BRIEFED_TEAMS,
            detail="Every team briefed.",
            done_on=clock.today(),
        )
        db.commit()
    assert task not in tasks(app, db, world["police_lead"])


def test_the_owning_agency_is_asked_to_record_the_impact_once_the_review_is_near(
    app: Flask, db: Session, world: World
) -> None:
    (action,) = completed(app, db, world, 1)
    task = f"Record the impact of action A{action.id}"
    # Six months off: not work yet.
    assert task not in tasks(app, db, world["other_member"])
    review_due_in(db, action, 30)
    for who in ("other_member", "police_lead"):
        found = tasks(app, db, world[who])[task]
        assert found.href == f"/actions/{action.id}/impact", who
        assert found.due == clock.today() + timedelta(days=30)
        assert "Action 1 for police." in found.about and "Northshire Police" in found.about
    for who in ("chair", "police_rep", "probation_rep", "admin"):
        assert task not in tasks(app, db, world[who]), who
    review_due_in(db, action, -5)
    late = tasks(app, db, world["other_member"])[task]
    assert late.days_late(clock.today()) == 5
    impact_recorded(app, db, world["other_member"], action, ImpactOutcome.CHANGED, "An audit.")
    assert task not in tasks(app, db, world["other_member"])


def test_an_inspector_is_asked_to_record_findings_on_their_agencys_samples(
    app: Flask, db: Session, world: World
) -> None:
    completed(app, db, world, 2)
    sam = inspector(db, world, "sam", Role.OBSERVER)
    rachel = inspector(db, world, "rachel", Role.PANEL_CHAIR)
    with app.test_request_context():
        sample = dip_samples.draw(db, sam, ProbationRegion.NORTH_EAST, 2)
        db.commit()
    task = f"Record your findings on 2 actions of dip sample DS{sample.id}"
    for person in (sam, rachel):  # inspectors of one agency share its samples
        found = tasks(app, db, person)[task]
        assert found.href == f"/dip-samples/{sample.id}"
        assert found.since == clock.today() and "North East" in found.about
    assert not any("dip sample" in t for t in tasks(app, db, world["admin"]))
    with app.test_request_context():
        dip_samples.record_finding(
            db,
            db.merge(sam),
            sample.items[0],
            delivered_as_intended=True,
            impact_evidenced=False,
            finding="",
        )
        db.commit()
    assert f"Record your findings on 1 action of dip sample DS{sample.id}" in tasks(app, db, sam)


def test_the_follow_up_work_takes_as_many_queries_with_twice_as_much_of_it(
    app: Flask, db: Session, world: World
) -> None:
    sam = inspector(db, world, "sam", Role.OBSERVER)
    lead, member = world["police_lead"].id, world["other_member"].id
    actions = completed(app, db, world, 4)

    def more(round_: int) -> None:
        shared_with_police(app, db, world, f"Learning {round_}")
        review_due_in(db, actions[round_], 10)
        with app.test_request_context():
            dip_samples.draw(db, db.merge(sam), ProbationRegion.NORTH_EAST, 2)
            db.commit()

    more(0)
    before = {who: queries_for(app, who) for who in (lead, member, sam.id)}
    more(1)
    assert {who: queries_for(app, who) for who in (lead, member, sam.id)} == before
    lead_tasks = tasks(app, db, world["police_lead"])
    assert sum(t.startswith("Acknowledge the learning") for t in lead_tasks) == 2
    assert sum(t.startswith("Record the impact of action") for t in lead_tasks) == 2
    assert sum(t.startswith("Record your findings") for t in tasks(app, db, sam)) == 2

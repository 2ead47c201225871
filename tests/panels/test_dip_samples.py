"""The inspectorate's dip samples: a random sample of completed actions of one region, of the size
asked for (or all there are), findings recorded and audited, results across samples that add up;
inspectors alone draw and record, and read the sampled actions, nothing more."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.test import TestResponse

from agencies.models import AgencyKind, Role, User
from panels import dip_samples
from panels.access import is_inspector
from panels.forms import FindingForm
from panels.models.actions import Action, ActionState
from panels.models.cases import ProbationRegion
from panels.models.dip_samples import DipSample, DipSampleItem
from portal.audit import AuditEvent
from portal.db import get_db
from portal.errors import DomainError, EditConflict
from portal.pages import REFUSED, attempt
from portal.policy import can
from tests.conftest import csrf_token
from tests.support.inspectorate import (
    a_panel_in,
    inspector,
    plan_delivered,
    version_in,
    version_on,
)
from tests.support.people import signed_in_as
from tests.support.world import World, agency_never_signed_in_with

NORTH_EAST, WALES = ProbationRegion.NORTH_EAST, ProbationRegion.WALES


@dataclass
class Plans:
    north_east_completed: set[int]
    north_east_open: set[int]
    wales_completed: set[int]


@pytest.fixture
def plans(app: Flask, db: Session, world: World) -> Plans:
    """In the North East (`panel` and `other_panel`): four completed actions, one agreed and not
    yet done; in Wales, one completed action."""
    assert world.panel is not None and world.other_panel is not None
    with app.test_request_context():
        first = plan_delivered(
            db,
            world,
            world.panel,
            [("police", "police_rep"), ("probation", "probation_rep"), ("police", "police_rep")],
            completed=2,
        )
        second = plan_delivered(
            db,
            world,
            world.other_panel,
            [("police", "other_member"), ("police", "other_member")],
            completed=2,
        )
        wales = a_panel_in(db, world, WALES, "SFO-TEST-0100")
        in_wales = plan_delivered(db, world, wales, [("police", "other_member")], completed=1)
    return Plans(
        {first[0].id, first[1].id, second[0].id, second[1].id},
        {first[2].id},
        {in_wales[0].id},
    )


@pytest.fixture
def sam(db: Session, world: World) -> User:
    return inspector(db, world, "sam", Role.OBSERVER)


def inspector_elsewhere(db: Session, world: World) -> User:
    """An inspector of another inspectorate."""
    other = agency_never_signed_in_with(
        db, "HM Inspectorate of Prisons", AgencyKind.INSPECTORATE, "prisons-inspectorate"
    )
    person = inspector(db, world, "elsewhere", Role.OBSERVER)
    person.agency_id = other.id
    db.commit()
    db.refresh(person)
    assert is_inspector(person)
    return person


def action_ids(sample: DipSample) -> list[int]:
    return [item.action_id for item in sample.items]


def draw_on_the_page(client: FlaskClient, region: str, size: str) -> TestResponse:
    url = "/dip-samples/new"
    return client.post(
        url, data={"csrf_token": csrf_token(client, url), "region": region, "size": size}
    )


def test_a_sample_is_drawn_at_random_from_the_regions_completed_actions_at_its_size(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    seen: set[int] = set()
    with app.app_context():
        for _ in range(25):
            sample = dip_samples.draw(db, sam, NORTH_EAST, 3)
            drawn = action_ids(sample)
            assert len(drawn) == len(set(drawn)) == 3 == sample.size
            assert set(drawn) <= plans.north_east_completed
            seen |= set(drawn)
        db.commit()
    # Random, not the first three: in 25 draws each of the four is drawn (all but certain).
    assert seen == plans.north_east_completed
    assert not seen & (plans.north_east_open | plans.wales_completed)
    drawn_events = db.scalars(select(AuditEvent).where(AuditEvent.action == "dip_sample.drawn"))
    assert {(event.actor_id, event.details["region"]) for event in drawn_events} == {
        (sam.id, "north_east")
    }


def test_fewer_completed_actions_than_asked_for_are_all_taken_and_the_page_says_so(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    client = signed_in_as(app.test_client(), db, sam)
    sent = draw_on_the_page(client, "wales", "5")
    assert sent.status_code == 302
    sample = db.scalars(select(DipSample)).one()
    assert sent.headers["Location"] == f"/dip-samples/{sample.id}"
    assert (sample.region, sample.size, action_ids(sample)) == (
        WALES,
        5,
        sorted(plans.wales_completed),
    )
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "You asked for 5 actions; Wales has only 1 completed action" in page
    assert "Action 1 for police." in page


def test_a_region_with_no_completed_action_is_refused_with_a_message(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    client = signed_in_as(app.test_client(), db, sam)
    page = draw_on_the_page(client, "london", "5")
    assert page.status_code == 200
    assert "There are no completed actions in London to sample yet" in page.get_data(as_text=True)
    too_many = draw_on_the_page(client, "wales", "51")
    assert "Enter a number from 1 to 50" in too_many.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(DipSample)) == 0


def test_only_inspectors_draw_samples_and_record_findings(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    chairing = inspector(db, world, "rachel", Role.PANEL_CHAIR)
    member = inspector(db, world, "inspectorate-member", Role.PANEL_MEMBER)
    for person in (sam, chairing):
        assert is_inspector(person) and can(person, "draw_dip_sample"), person.subject
    # An observer of another kind of agency, a member of the inspectorate without either role,
    # a chair of probation: not inspectors. An administrator reads samples, no more.
    for person in (world["observer"], member, world["chair"], world["admin"]):
        assert not is_inspector(person) and not can(person, "draw_dip_sample"), person.subject
    assert can(world["admin"], "browse_dip_samples")
    assert not can(world["observer"], "browse_dip_samples")
    with app.app_context():
        with pytest.raises(DomainError, match="Only an inspector"):
            dip_samples.draw(db, world["chair"], NORTH_EAST, 2)
        sample = dip_samples.draw(db, sam, NORTH_EAST, 2)
        db.commit()
    item = sample.items[0]
    assert can(chairing, "record_finding", item) and can(chairing, "view", sample)
    for who in ("admin", "chair", "observer", "police_rep"):
        assert not can(world[who], "record_finding", item), who
    assert can(world["admin"], "view", sample) and not can(world["chair"], "view", sample)
    with app.app_context(), pytest.raises(DomainError, match="Only an inspector"):
        dip_samples.record_finding(
            db,
            world["admin"],
            item,
            delivered_as_intended=True,
            impact_evidenced=True,
            finding="",
        )


def test_an_inspector_reads_the_sampled_actions_in_full_and_nothing_more(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    client = signed_in_as(app.test_client(), db, sam)
    done = min(plans.north_east_completed)
    assert client.get(f"/actions/{done}").status_code == 403
    with app.app_context():
        sample = dip_samples.draw(db, sam, NORTH_EAST, 4)
        db.commit()
    assert set(action_ids(sample)) == plans.north_east_completed
    for action_id in plans.north_east_completed:
        page = client.get(f"/actions/{action_id}")
        assert page.status_code == 200, action_id
        assert "Twenty cases audited." in page.get_data(as_text=True)
    action = db.get(Action, done)
    assert action is not None
    # Not the action left out of the sample, nor the panel, its plan or its learning.
    for url in (
        f"/actions/{min(plans.north_east_open)}",
        f"/actions/{min(plans.wales_completed)}",
        f"/panels/{action.panel_id}",
        f"/panels/{action.panel_id}/actions",
    ):
        assert client.get(url).status_code == 403, url
    # Another inspectorate's inspector does not read what this one sampled.
    other = signed_in_as(app.test_client(), db, inspector_elsewhere(db, world))
    assert other.get(f"/actions/{done}").status_code == 403
    assert other.get(f"/dip-samples/{sample.id}").status_code == 403


def test_findings_are_recorded_audited_and_changed(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    with app.app_context():
        sample = dip_samples.draw(db, sam, WALES, 1)
        db.commit()
    (item,) = sample.items
    client = signed_in_as(app.test_client(), db, sam)
    url = f"/dip-sample-items/{item.id}/finding"
    sent = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "version": version_on(client, url),
            "delivered_as_intended": "yes",
            "impact_evidenced": "no",
            "finding": "Delivered, but no audit since.",
        },
    )
    assert sent.headers["Location"] == f"/dip-samples/{sample.id}#item-{item.id}"
    form = client.get(url).get_data(as_text=True)
    assert "Change the finding" in form and "Delivered, but no audit since." in form
    client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "version": version_on(client, url),
            "delivered_as_intended": "no",
            "impact_evidenced": "no",
            "finding": "Only one district changed.",
        },
    )
    db.expire_all()
    found = db.get(DipSampleItem, item.id)
    assert found is not None
    assert (found.delivered_as_intended, found.impact_evidenced) == (False, False)
    assert "Only one district changed." in found.finding and found.recorded_by_id == sam.id
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "dip_sample_item", AuditEvent.object_id == str(item.id))
        .order_by(AuditEvent.id)
    ).all()
    assert [event.action for event in events] == [
        "dip_sample.finding_recorded",
        "dip_sample.finding_changed",
    ]
    assert events[0].details["delivered_as_intended"] is True
    assert events[1].details["delivered_as_intended"] is False
    assert all(event.actor_id == sam.id for event in events)
    page = client.get(f"/dip-samples/{sample.id}").get_data(as_text=True)
    assert "Only one district changed." in page and "Change the finding" in page


def test_a_finding_saved_by_another_inspector_meanwhile_is_not_overwritten_unseen(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    rachel = inspector(db, world, "rachel", Role.PANEL_CHAIR)
    with app.app_context():
        sample = dip_samples.draw(db, sam, WALES, 1)
        db.commit()
    (item,) = sample.items
    url = f"/dip-sample-items/{item.id}/finding"
    client = signed_in_as(app.test_client(), db, sam)
    token, started_from = csrf_token(client, url), version_on(client, url)
    assert started_from == "1"
    with app.app_context():
        dip_samples.record_finding(
            db,
            db.merge(rachel),
            db.get(DipSampleItem, item.id),  # type: ignore[arg-type]
            delivered_as_intended=True,
            impact_evidenced=True,
            finding="Rachel's finding.",
        )
        db.commit()
    mine = {
        "csrf_token": token,
        "delivered_as_intended": "no",
        "impact_evidenced": "no",
        "finding": "Sam's finding.",
    }
    refused = client.post(url, data={**mine, "version": started_from})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Someone else saved changes" in page
    assert "Sam&#39;s finding." in page
    db.expire_all()
    found = db.get(DipSampleItem, item.id)
    assert found is not None and found.recorded_by_id == rachel.id
    assert "Rachel's finding." in found.finding and found.delivered_as_intended is True
    again = client.post(url, data={**mine, "version": version_in(page)})
    assert again.status_code == 302
    db.expire_all()
    found = db.get(DipSampleItem, item.id)
    assert found is not None and found.recorded_by_id == sam.id
    assert found.delivered_as_intended is False


def test_of_two_inspectors_saving_the_same_version_at_once_the_second_is_refused(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    """Both load the item at version 1 and both pass the version check; the database then lets
    the first save win, and the second (its UPDATE finds no row at version 1) is refused as a
    conflict, through the same `attempt` every page uses, nothing of it saved."""
    rachel = inspector(db, world, "rachel", Role.PANEL_CHAIR)
    with app.app_context():
        sample = dip_samples.draw(db, sam, WALES, 1)
        db.commit()
    (item,) = sample.items
    with app.test_request_context():
        second = get_db()  # the session `attempt` commits or rolls back
        theirs = second.get(DipSampleItem, item.id)
        assert theirs is not None and theirs.version == 1
        dip_samples.record_finding(
            db,
            db.merge(rachel),
            item,
            delivered_as_intended=True,
            impact_evidenced=True,
            finding="Rachel's finding.",
            version=1,
        )
        db.commit()
        form = FindingForm(formdata=None, meta={"csrf": False})
        outcome = attempt(
            form,
            lambda: dip_samples.record_finding(
                second,
                second.merge(sam),
                theirs,
                delivered_as_intended=False,
                impact_evidenced=False,
                finding="Sam's finding.",
                version=1,
            ),
        )
        assert outcome is REFUSED
        assert isinstance(form.refused, EditConflict)  # type: ignore[attr-defined]
        assert isinstance(form.refused.__cause__, StaleDataError)  # type: ignore[attr-defined]
        assert any("Someone else saved changes" in error for error in form.form_errors)
    db.expire_all()
    found = db.get(DipSampleItem, item.id)
    assert found is not None and found.version == 2 and found.recorded_by_id == rachel.id
    assert "Rachel's finding." in found.finding
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.object_type == "dip_sample_item", AuditEvent.object_id == str(item.id)
            )
        )
        == 1
    )


def test_the_results_across_samples_add_up(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    answers = [(True, True), (True, False), (False, False), None]
    with app.app_context():
        for region, size in ((NORTH_EAST, 4), (NORTH_EAST, 2), (WALES, 3)):
            sample = dip_samples.draw(db, sam, region, size)
            for item, answer in zip(sample.items, answers, strict=False):
                if answer is not None:
                    dip_samples.record_finding(
                        db,
                        sam,
                        item,
                        delivered_as_intended=answer[0],
                        impact_evidenced=answer[1],
                        finding="",
                    )
        db.commit()

    # Counted here from every item, apart from the portal's query.
    expected: dict[str, Counter[str]] = {}
    for item in db.scalars(select(DipSampleItem)):
        counts = expected.setdefault(item.sample.region.label, Counter())
        counts["sampled"] += 1
        if item.recorded_at is None:
            counts["not_assessed"] += 1
            continue
        counts["delivered" if item.delivered_as_intended else "not_delivered"] += 1
        counts["impact_evidenced" if item.impact_evidenced else "impact_not_evidenced"] += 1
    assert sum(counts["sampled"] for counts in expected.values()) == 4 + 2 + 1

    fields = (
        "sampled",
        "delivered",
        "not_delivered",
        "impact_evidenced",
        "impact_not_evidenced",
        "not_assessed",
    )
    for who in (sam, world["admin"]):
        results = dip_samples.results(db, who)
        assert [row.region for row in results.regions] == [NORTH_EAST, WALES]
        for row in results.regions:
            assert row.region is not None
            counts = expected[row.region.label]
            assert {name: getattr(row, name) for name in fields} == {
                name: counts[name] for name in fields
            }
        for name in fields:
            assert getattr(results.total, name) == sum(c[name] for c in expected.values())

    page = signed_in_as(app.test_client(), db, sam).get("/dip-samples").get_data(as_text=True)
    north_east = expected["North East"]
    row = page[page.index(">North East<") : page.index("</tr>", page.index(">North East<"))]
    cells = [int(cell) for cell in re.findall(r">\s*(\d+)\s*<", row)]
    assert cells == [north_east[name] for name in fields]
    assert "Draw a sample" in page
    admin_page = signed_in_as(app.test_client(), db, world["admin"]).get("/dip-samples")
    assert "Draw a sample" not in admin_page.get_data(as_text=True)
    # An inspector of another inspectorate sees none of these samples, nor their results.
    assert dip_samples.results(db, inspector_elsewhere(db, world)).regions == []


def test_the_sample_page_shows_each_action_with_its_panel_agency_progress_and_review(
    app: Flask, db: Session, world: World, plans: Plans, sam: User
) -> None:
    with app.app_context():
        sample = dip_samples.draw(db, sam, NORTH_EAST, 4)
        db.commit()
    page = signed_in_as(app.test_client(), db, sam).get(f"/dip-samples/{sample.id}")
    html = page.get_data(as_text=True)
    for action_id in plans.north_east_completed:
        action = db.get(Action, action_id)
        assert action is not None and action.state is ActionState.COMPLETED
        assert f"Action A{action_id}" in html
        assert action.panel.title in html
    assert html.count("Twenty cases audited.") == 4
    assert html.count("Not recorded yet: due") == 4
    assert html.count("Record a finding") == 4
    assert "Northshire Police, Head of Public Protection" in html

"""Running a session: the agenda built from contributions and open questions, what the chair
records against each item as the meeting goes, the minutes draft assembled from it; and the
page the chair does it on, whose every form comes back to the item it was about."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import actions, contributions, learning, panels, sessions
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.contributions import Contribution
from panels.models.learning import LearningLevel, LearningPoint
from panels.models.panels import PanelState
from panels.models.sessions import AgendaItem, EntryKind, PanelSession, SessionEntry
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.notices import Notice
from tests.support.people import signed_in_as
from tests.support.world import World

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def schedule(db: Session, world: World, day: int = 3) -> PanelSession:
    return sessions.schedule(
        db,
        world["chair"],
        world.panel,
        starts_at=datetime(2026, 12, day, 10, tzinfo=UTC),
        duration_minutes=120,
        location="Civic Centre",
        online_link="",
        agenda="",
    )


def contribution_of(db: Session, world: World, agency: str) -> Contribution:
    found = db.scalar(
        select(Contribution).filter_by(panel_id=world.panel.id, agency_id=world.agencies[agency].id)
    )
    assert found is not None
    return found


def submit_probations(db: Session, world: World) -> Contribution:
    probation = contribution_of(db, world, "probation")
    contributions.save(
        db,
        world["probation_rep"],
        probation,
        probation.version,
        {"involvement": "Supervised on licence.", "learning": "Review risk after arrests."},
    )
    contributions.submit(db, world["probation_rep"], probation)
    return probation


def fields(
    world: World, text: str = "Tell probation of every arrest within a day."
) -> ActionFields:
    return ActionFields(
        description=text,
        owner_agency_id=world.agencies["police"].id,
        owner_role="Head of Public Protection",
        target_date=date(2027, 1, 31),
        measure_of_success="An audit of twenty arrests finds every one shared.",
    )


def theme(db: Session) -> int:
    return learning.active_themes(db)[0].id


# The operations.


@pytest.mark.usefixtures("app_context")
def test_the_agenda_is_built_from_contributions_sent_and_questions_left_open(
    db: Session, world: World
) -> None:
    first = schedule(db, world, day=3)
    with pytest.raises(DomainError, match="already on the agenda"):
        sessions.build_agenda(db, world["chair"], first)  # police's draft is its own
    probation = submit_probations(db, world)
    added = sessions.build_agenda(db, world["chair"], first)
    assert [(i.title, i.contribution_id) for i in added] == [
        ("Northshire Probation's contribution", probation.id)
    ]
    with pytest.raises(DomainError, match="already on the agenda"):
        sessions.build_agenda(db, world["chair"], first)
    question = sessions.record_entry(
        db, world["chair"], added[0], EntryKind.QUESTION, "Did police tell probation of the arrest?"
    )

    second = schedule(db, world, day=17)
    items = sessions.build_agenda(db, world["chair"], second)
    assert [i.title for i in items] == [
        "Northshire Probation's contribution",
        "Open question: Did police tell probation of the arrest?",
    ]
    assert question.taken_up_in_id == items[1].id
    assert items[1].taken_up == [question]
    # Taken up once: a later session's agenda does not offer it again, nor an earlier one's.
    third = schedule(db, world, day=31)
    assert sessions.open_questions(db, third) == []
    assert sessions.open_questions(db, first) == []
    built = db.scalars(select(AuditEvent).filter_by(action="session.agenda_built")).all()
    assert [event.details["questions"] for event in built] == [[], [question.id]]


@pytest.mark.usefixtures("app_context")
def test_a_question_taken_off_the_agenda_is_open_again(db: Session, world: World) -> None:
    submit_probations(db, world)
    first, second = schedule(db, world, day=3), schedule(db, world, day=17)
    (item,) = sessions.build_agenda(db, world["chair"], first)
    question = sessions.record_entry(db, world["chair"], item, EntryKind.QUESTION, "Who knew?")
    taking_up = sessions.build_agenda(db, world["chair"], second)[1]
    with pytest.raises(DomainError, match="later session's agenda"):
        sessions.remove_entry(db, world["chair"], question)
    sessions.remove_item(db, world["chair"], taking_up)
    db.flush()
    assert question.taken_up_in_id is None
    assert sessions.open_questions(db, second) == [question]
    # An item with something recorded against it stays.
    with pytest.raises(DomainError, match="stays on the agenda"):
        sessions.remove_item(db, world["chair"], item)


@pytest.mark.usefixtures("app_context")
def test_decisions_learning_and_actions_are_recorded_against_an_item(
    db: Session, world: World
) -> None:
    probation = submit_probations(db, world)
    session = schedule(db, world)
    (item,) = sessions.build_agenda(db, world["chair"], session)
    with pytest.raises(DomainError, match="Write the decision"):
        sessions.record_entry(db, world["chair"], item, EntryKind.DECISION, "  ")
    with pytest.raises(DomainError, match="their own forms"):
        sessions.record_entry(db, world["chair"], item, EntryKind.ACTION, "An action")
    decision = sessions.record_entry(
        db, world["chair"], item, EntryKind.DECISION, "Probation will audit its risk reviews."
    )
    learnt = sessions.record_learning(
        db,
        world["chair"],
        item,
        title="Arrests must prompt a review of risk",
        description="Neither agency asked the other.",
        level=LearningLevel.MULTI_AGENCY,
        theme_ids=[theme(db)],
        agency_ids=[world.agencies["probation"].id],
    )
    proposed = sessions.propose_action(db, world["chair"], item, fields(world))
    db.flush()

    assert [e.kind for e in item.entries] == [
        EntryKind.DECISION,
        EntryKind.LEARNING,
        EntryKind.ACTION,
    ]
    assert decision.text == "<p>Probation will audit its risk reviews.</p>"
    point = db.get(LearningPoint, learnt.learning_point_id)
    assert point is not None and point.panel_id == world.panel.id
    action = db.get(Action, proposed.action_id)
    # The action comes from the item's contribution, and its agency is asked to answer it.
    assert action is not None and action.contribution_id == probation.id
    told = db.scalars(select(Notice.user_id).where(Notice.link == f"/actions/{action.id}")).all()
    assert world["police_rep"].id in told
    audited = {e.action for e in db.scalars(select(AuditEvent))}
    assert {
        "session.decision_recorded",
        "session.learning_recorded",
        "learning.recorded",
        "session.action_proposed",
        "action.proposed",
    } <= audited


@pytest.mark.usefixtures("app_context")
def test_learning_and_actions_follow_their_own_rules(db: Session, world: World) -> None:
    session = schedule(db, world)
    item = sessions.add_item(db, world["chair"], session, "  Terms   of reference ")
    assert item.title == "Terms of reference"
    with pytest.raises(DomainError, match="Choose at least one theme"):
        sessions.record_learning(
            db,
            world["chair"],
            item,
            title="Something",
            description="",
            level=LearningLevel.LOCAL,
            theme_ids=[],
            agency_ids=[],
        )
    with pytest.raises(DomainError, match="invited to the panel"):
        sessions.propose_action(
            db,
            world["chair"],
            item,
            ActionFields(
                description="x",
                owner_agency_id=world.agencies["childrens"].id,
                owner_role="Manager",
                target_date=date(2027, 1, 1),
                measure_of_success="y",
            ),
        )
    assert item.entries == []


@pytest.mark.usefixtures("app_context")
def test_only_the_panels_chair_runs_its_sessions(db: Session, world: World) -> None:
    session = schedule(db, world)
    item = sessions.add_item(db, world["chair"], session, "Introductions")
    attempts = [
        lambda who: sessions.build_agenda(db, who, session),
        lambda who: sessions.add_item(db, who, session, "Any other business"),
        lambda who: sessions.move_item(db, who, item, earlier=False),
        lambda who: sessions.save_notes(db, who, item, "Notes"),
        lambda who: sessions.record_entry(db, who, item, EntryKind.DECISION, "A decision"),
        lambda who: sessions.propose_action(db, who, item, fields(world)),
        lambda who: sessions.assemble_minutes(db, who, session),
        lambda who: sessions.remove_item(db, who, item),
    ]
    for who in ("admin", "police_rep", "observer", "police_lead"):
        for attempt in attempts:
            with pytest.raises(DomainError, match="Only the panel's chair can run"):
                attempt(world[who])
    assert item.notes == "" and item.entries == [] and len(session.items) == 1


@pytest.mark.usefixtures("app_context")
def test_the_agenda_can_be_reordered(db: Session, world: World) -> None:
    session = schedule(db, world)
    first = sessions.add_item(db, world["chair"], session, "Introductions")
    second = sessions.add_item(db, world["chair"], session, "Any other business")
    with pytest.raises(DomainError, match="already first"):
        sessions.move_item(db, world["chair"], first, earlier=True)
    sessions.move_item(db, world["chair"], second, earlier=True)
    db.flush()
    db.expire(session, ["items"])
    assert [item.title for item in session.items] == ["Any other business", "Introductions"]


@pytest.mark.usefixtures("app_context")
def test_only_decisions_and_questions_can_be_taken_back(db: Session, world: World) -> None:
    session = schedule(db, world)
    item = sessions.add_item(db, world["chair"], session, "Findings")
    decision = sessions.record_entry(db, world["chair"], item, EntryKind.DECISION, "Typo'd")
    learnt = sessions.record_learning(
        db,
        world["chair"],
        item,
        title="Learning",
        description="",
        level=LearningLevel.LOCAL,
        theme_ids=[theme(db)],
        agency_ids=[],
    )
    sessions.remove_entry(db, world["chair"], decision)
    with pytest.raises(DomainError, match="stay once recorded"):
        sessions.remove_entry(db, world["chair"], learnt)
    db.flush()
    assert [e.kind for e in item.entries] == [EntryKind.LEARNING]
    removed = db.scalar(select(AuditEvent).filter_by(action="session.decision_removed"))
    assert removed is not None and removed.details["text"] == "Typo'd"


@pytest.mark.usefixtures("app_context")
def test_the_minutes_draft_is_assembled_from_what_was_recorded(db: Session, world: World) -> None:
    submit_probations(db, world)
    session = schedule(db, world)
    with pytest.raises(DomainError, match="Build the agenda"):
        sessions.assemble_minutes(db, world["chair"], session)
    (findings,) = sessions.build_agenda(db, world["chair"], session)
    other = sessions.add_item(db, world["chair"], session, "Any other business")
    sessions.save_notes(db, world["chair"], findings, "Probation presented; <script>x</script>")
    sessions.record_entry(db, world["chair"], findings, EntryKind.DECISION, "Audit R&D < 5")
    sessions.record_entry(db, world["chair"], findings, EntryKind.QUESTION, "Who knew?")
    sessions.record_learning(
        db,
        world["chair"],
        findings,
        title="Arrests must prompt a review",
        description="",
        level=LearningLevel.MULTI_AGENCY,
        theme_ids=[theme(db)],
        agency_ids=[],
    )
    action = sessions.propose_action(db, world["chair"], findings, fields(world)).action
    sessions.assemble_minutes(db, world["chair"], session)
    db.flush()
    assert action is not None
    assert session.minutes == (
        "<p><strong>1. Northshire Probation's contribution</strong></p>"
        "<p>Probation presented; x</p>"
        "<ul><li>Decision: Audit R&amp;D &lt; 5</li>"
        "<li>Question left open: Who knew?</li>"
        "<li>Learning agreed (multi-agency level): Arrests must prompt a review</li>"
        f"<li>Action A{action.id} proposed for Northshire Police (Head of Public Protection, "
        "by 31 January 2027): Tell probation of every arrest within a day.</li></ul>"
        f"<p><strong>2. {other.title}</strong></p><p>Nothing recorded.</p>"
    )
    assert session.decisions == (
        "<ol><li>Northshire Probation's contribution: Audit R&amp;D &lt; 5</li></ol>"
    )
    # Published, the minutes are changed only by editing them, never by a new draft.
    sessions.publish_minutes(db, world["chair"], session)
    with pytest.raises(DomainError, match="published"):
        sessions.assemble_minutes(db, world["chair"], session)
    assembled = db.scalar(select(AuditEvent).filter_by(action="session.minutes_assembled"))
    assert assembled is not None and assembled.details == {"items": 2, "decisions": 1}


@pytest.mark.usefixtures("app_context")
def test_once_the_plan_is_agreed_actions_are_not_proposed_and_closed_panels_are_not_run(
    db: Session, world: World
) -> None:
    other = world.other_panel
    chair = world["chair"]
    session = sessions.schedule(
        db,
        chair,
        other,
        starts_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
        duration_minutes=60,
        location="Hall",
        online_link="",
        agenda="",
    )
    item = sessions.add_item(db, chair, session, "Progress")
    declined = sessions.propose_action(db, chair, item, fields(world)).action
    assert declined is not None
    actions.respond(db, world["other_member"], declined, ActionState.NOT_AGREED, "Done already.")
    for state in (
        PanelState.CONTRIBUTIONS_CLOSED,
        PanelState.ACTION_PLAN_AGREED,
        PanelState.MONITORING,
    ):
        panels.move_to(db, chair, other, state)
    with pytest.raises(DomainError, match="open or reviewing contributions"):
        sessions.propose_action(db, chair, item, fields(world))
    sessions.record_entry(db, chair, item, EntryKind.DECISION, "Monitoring goes on.")
    panels.move_to(db, chair, other, PanelState.CLOSED)
    with pytest.raises(DomainError, match="Only the panel's chair can run"):
        sessions.add_item(db, chair, session, "Too late")
    assert [e.kind for e in item.entries] == [EntryKind.ACTION, EntryKind.DECISION]


# The page.


def token(client: FlaskClient, url: str) -> str:
    match = _CSRF.search(client.get(url).get_data(as_text=True))
    assert match
    return match.group(1)


def item_form(csrf: str, item: AgendaItem, step: str, **values: object) -> dict[str, object]:
    """What the run page's form `step` for `item` posts: each field named for the item and form."""
    prefix = f"item-{item.id}-{step}"
    return {
        "csrf_token": csrf,
        "step": step,
        "item": item.id,
        f"{prefix}-csrf_token": csrf,
        **{f"{prefix}-{name}": value for name, value in values.items()},
    }


def run_scene(app: Flask, db: Session, world: World) -> tuple[PanelSession, AgendaItem]:
    with app.test_request_context():
        submit_probations(db, world)
        session = schedule(db, world)
        (item,) = sessions.build_agenda(db, world["chair"], session)
        db.commit()
    return session, item


def test_the_chair_runs_the_meeting_on_one_page_and_comes_back_to_each_item(
    app: Flask, db: Session, world: World
) -> None:
    session, item = run_scene(app, db, world)
    client = signed_in_as(app.test_client(), db, world["chair"])
    url = f"/sessions/{session.id}/run"
    page = client.get(url).get_data(as_text=True)
    assert f'id="item-{item.id}"' in page
    assert "Northshire Probation&#39;s contribution" in page
    assert "Review risk after arrests." in page  # what the agency proposes, to hand
    csrf = token(client, url)
    prefix = f"item-{item.id}"

    def post(data: dict[str, object]) -> tuple[int, str]:
        response = client.post(url, data={"csrf_token": csrf, **data})
        return response.status_code, response.headers.get("Location", "")

    # Each form saved comes back to its own part of the page.
    assert post(
        {
            "step": "attendance",
            f"attendance-{world['police_rep'].id}": "apologies",
            f"attendance-{world['probation_rep'].id}": "present",
        }
    ) == (302, f"{url}#attendance")
    assert post(
        item_form(csrf, item, "decision", text="Probation will audit its risk reviews.")
    ) == (302, f"{url}#{prefix}")
    assert post(item_form(csrf, item, "notes", notes="Alan Turing presented.")) == (
        302,
        f"{url}#{prefix}",
    )
    assert post(
        item_form(
            csrf,
            item,
            "learning",
            title="Arrests must prompt a review of risk",
            level="multi_agency",
            themes=str(theme(db)),
        )
    ) == (302, f"{url}#{prefix}")
    assert post(
        item_form(
            csrf,
            item,
            "action",
            description="Tell probation of every arrest.",
            owner_agency=str(world.agencies["police"].id),
            owner_role="Head of Public Protection",
            target_date=["31", "1", "2027"],
            measure_of_success="An audit.",
            learning_point="",
        )
    ) == (302, f"{url}#{prefix}")
    status, added = post(
        {"step": "add_item", "add-item-csrf_token": csrf, "add-item-title": "Any other business"}
    )
    assert status == 302 and re.fullmatch(rf"{url}#item-\d+", added)

    page = client.get(url).get_data(as_text=True)
    for shown in (
        "Probation will audit its risk reviews.",
        "Arrests must prompt a review of risk",
        "Tell probation of every arrest.",
        "Any other business",
    ):
        assert shown in page
    db.expire_all()
    recorded = db.get(PanelSession, session.id)
    assert recorded is not None
    assert {a.user_id: a.attendance.value for a in recorded.attendees} == {
        world["police_rep"].id: "apologies",
        world["probation_rep"].id: "present",
    }

    # The minutes draft is assembled after confirming, then edited and published.
    confirm = client.get(f"/sessions/{session.id}/minutes/assemble").get_data(as_text=True)
    assert "Assemble the minutes draft?" in confirm
    response = client.post(f"/sessions/{session.id}/minutes/assemble", data={"csrf_token": csrf})
    assert response.headers["Location"] == f"/sessions/{session.id}/minutes"
    editing = client.get(f"/sessions/{session.id}/minutes").get_data(as_text=True)
    assert "Alan Turing presented." in editing
    assert "Decision: Probation will audit its risk reviews." in editing
    assert client.post(f"/sessions/{session.id}/publish", data={"csrf_token": csrf}).status_code
    member = signed_in_as(app.test_client(), db, world["police_rep"])
    published = member.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Decision: Probation will audit its risk reviews." in published
    assert "Any other business" in published  # the agenda, as members see it


def test_a_refused_form_is_shown_again_at_its_item_with_what_was_typed(
    app: Flask, db: Session, world: World
) -> None:
    session, item = run_scene(app, db, world)
    client = signed_in_as(app.test_client(), db, world["chair"])
    url = f"/sessions/{session.id}/run"
    csrf = token(client, url)
    prefix = f"item-{item.id}-learning"
    response = client.post(
        url, data=item_form(csrf, item, "learning", title="Kept as typed", level="local")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Run the session" in page
    assert f'href="#{prefix}-themes"' in page  # the summary points at the field
    assert 'value="Kept as typed"' in page
    assert re.search(
        r'<details class="govuk-details" open>\s*<summary[^>]*>\s*<span[^>]*>'
        r"Record learning",
        page,
    )
    # A rule's refusal points at the part of the page it is about.
    client.post(url, data={"csrf_token": csrf, "step": "build"})
    refused = client.post(url, data={"csrf_token": csrf, "step": "build"}).get_data(as_text=True)
    assert 'href="#agenda"' in refused and "already on the agenda" in refused


def test_the_run_page_refuses_what_it_does_not_offer(app: Flask, db: Session, world: World) -> None:
    session, item = run_scene(app, db, world)
    with app.test_request_context():
        elsewhere = schedule(db, world, day=20)
        other_item = sessions.add_item(db, world["chair"], elsewhere, "Elsewhere")
        db.commit()
    client = signed_in_as(app.test_client(), db, world["chair"])
    url = f"/sessions/{session.id}/run"
    csrf = token(client, url)
    assert (
        client.post(url, data={"csrf_token": csrf, "step": "nothing", "item": item.id}).status_code
        == 400
    )
    assert client.post(url, data={"csrf_token": csrf, "step": "notes"}).status_code == 400
    # An item of another session, or an entry of another item, is not found here.
    assert (
        client.post(
            url, data={"csrf_token": csrf, "step": "remove_item", "item": other_item.id}
        ).status_code
        == 404
    )
    assert (
        client.post(
            url, data={"csrf_token": csrf, "step": "remove_entry", "item": item.id, "entry": "99"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            url,
            data={"csrf_token": csrf, "step": "attendance", f"attendance-{world['chair'].id}": "x"},
        ).status_code
        == 400
    )
    db.expire_all()
    assert len(db.scalars(select(SessionEntry)).all()) == 0


def test_members_see_the_session_page_but_not_the_run_page(
    app: Flask, db: Session, world: World
) -> None:
    session, _item = run_scene(app, db, world)
    for who in ("police_rep", "observer", "police_lead", "admin"):
        client = signed_in_as(app.test_client(), db, world[who])
        page = client.get(f"/sessions/{session.id}")
        assert page.status_code == 200
        assert "Northshire Probation&#39;s contribution" in page.get_data(as_text=True)
        assert "Run the session" not in page.get_data(as_text=True)
        assert client.get(f"/sessions/{session.id}/run").status_code == 403
        assert client.get(f"/sessions/{session.id}/minutes/assemble").status_code == 403
    chair = signed_in_as(app.test_client(), db, world["chair"])
    assert "Run the session" in chair.get(f"/sessions/{session.id}").get_data(as_text=True)

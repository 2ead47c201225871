"""Every panel page, for every kind of person: each gets what the README's table says, no more.

The people are tests/support/world.py's, plus someone not signed in. The records they try are
made by `scene` through the real operations; ROUTES then says, for each page and record, who
may use it. Everyone else is refused: 403 for a GET, and 403 for a POST that changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import Role
from panels import actions, contributions, dip_samples, evidence, learning, panels, sessions
from panels.actions import ActionFields
from panels.models.actions import Action, ActionState
from panels.models.cases import ProbationRegion
from panels.models.contributions import Contribution
from panels.models.learning import LearningLevel
from panels.models.panels import Panel, PanelState
from portal import jobs
from portal.notices import Notice
from tests.conftest import csrf_token
from tests.support.access_table import ANONYMOUS, Form, Shown, everything, fill, untried
from tests.support.inspectorate import inspector
from tests.support.people import signed_in_as
from tests.support.world import PEOPLE as WORLD_PEOPLE
from tests.support.world import World

PEOPLE = (*WORLD_PEOPLE, "inspector")

EVERYONE = frozenset(PEOPLE)
NOBODY: frozenset[str] = frozenset()
CHAIR = frozenset({"chair"})
# Whoever can see `panel`: its members, the lead of police (invited), the administrator.
PANEL = frozenset({"admin", "chair", "probation_rep", "police_rep", "observer", "police_lead"})
# Whoever can see `other_panel`: police is its only agency.
OTHER_PANEL = frozenset({"admin", "chair", "other_member", "police_lead"})
POLICE = frozenset({"police_rep", "police_lead", "other_member"})

SHARED_TITLE = "Learning shared with police"
RECORDED_TITLE = "Learning recorded, not yet shared"
MINUTES = "Minutes the chair has not published yet"


@dataclass
class Scene:
    """The world, and the ids of the records each page is tried on."""

    world: World
    ids: dict[str, int]


@pytest.fixture
def scene(app: Flask, db: Session, world: World) -> Scene:
    """On `panel`: police's contribution in draft (with one chronology event), probation's
    submitted; a session whose minutes are saved but not published; learning recorded, and
    learning shared with police; an action owned by police, proposed. On `other_panel`, whose
    plan is agreed: an action owned by police, agreed."""
    chair, panel, other_panel = world["chair"], world.panel, world.other_panel
    assert panel is not None and other_panel is not None and world.case is not None
    probation, police = world.agencies["probation"], world.agencies["police"]
    with app.test_request_context():
        mine = {
            c.agency_id: c for c in db.scalars(select(Contribution).filter_by(panel_id=panel.id))
        }
        submitted, draft = mine[probation.id], mine[police.id]
        contributions.save(
            db,
            world["probation_rep"],
            submitted,
            submitted.version,
            {"involvement": "Supervised on licence since 2024."},
        )
        contributions.submit(db, world["probation_rep"], submitted)
        entry = contributions.add_event(
            db,
            world["police_rep"],
            draft,
            event_date=date(2025, 11, 3),
            event="Arrested for a breach.",
            agency_action="Told probation the same day.",
            comment="",
        )

        session = sessions.schedule(
            db,
            chair,
            panel,
            starts_at=datetime(2026, 5, 12, 9, 30, tzinfo=UTC),
            duration_minutes=120,
            location="Room 1, Northshire House",
            online_link="",
            agenda="Each agency's findings.",
        )
        sessions.save_minutes(
            db, chair, session, version=session.version, minutes=MINUTES, decisions=""
        )

        theme = learning.active_themes(db)[0].id
        recorded = learning.record(
            db,
            chair,
            panel,
            title=RECORDED_TITLE,
            description="",
            level=LearningLevel.LOCAL,
            theme_ids=[theme],
            agency_ids=[probation.id],
        )
        shared = learning.record(
            db,
            chair,
            panel,
            title=SHARED_TITLE,
            description="",
            level=LearningLevel.MULTI_AGENCY,
            theme_ids=[theme],
            agency_ids=[police.id],
        )
        learning.share(db, chair, shared)

        def police_action(on: Panel) -> Action:
            return actions.propose(
                db,
                chair,
                on,
                ActionFields(
                    description="Share arrest records with probation within a day.",
                    owner_agency_id=police.id,
                    owner_role="Head of Public Protection",
                    target_date=date(2027, 1, 31),
                    measure_of_success="An audit of twenty cases finds every one shared.",
                ),
            )

        action = police_action(panel)
        agreed = police_action(other_panel)
        actions.respond(db, world["other_member"], agreed, ActionState.AGREED, "")
        done = police_action(other_panel)
        actions.respond(db, world["other_member"], done, ActionState.AGREED, "")
        panels.move_to(db, chair, other_panel, PanelState.CONTRIBUTIONS_CLOSED)
        panels.move_to(db, chair, other_panel, PanelState.ACTION_PLAN_AGREED)
        _update, reading = evidence.report(
            db,
            world["other_member"],
            agreed,
            "Half the cases audited.",
            evidence.Upload("audit.txt", b"Twenty cases audited: all shared within a day."),
        )
        assert reading is not None
        attached = agreed.evidence[0]
        evidence.read(db, attached)
        # Signed off: its impact is to be reviewed, and the inspectorate samples it.
        actions.report_progress(db, world["other_member"], done, "All cases audited.")
        actions.sign_off(db, chair, done)
        db.commit()
        world.people["inspector"] = inspector(db, world, "inspector", Role.OBSERVER)
        sample = dip_samples.draw(db, world["inspector"], ProbationRegion.NORTH_EAST, 5)
        db.commit()

    # A job the chair started and follows: nobody else may (its title names their case).
    job = jobs.enqueue(db, "panels.remind-overdue", requested_by_id=chair.id, title="A job")
    db.commit()
    observer = next(m for m in panel.members if m.user_id == world["observer"].id)
    notice = db.scalar(
        select(Notice.id).where(Notice.user_id == world["police_lead"].id).order_by(Notice.id)
    )
    assert notice is not None
    return Scene(
        world,
        {
            "case": world.case.id,
            "panel": panel.id,
            "panel_version": panel.version,
            "member": observer.id,
            "draft": draft.id,
            "draft_version": draft.version,
            "submitted": submitted.id,
            "entry": entry.id,
            "session": session.id,
            "session_version": session.version,
            "recorded": recorded.id,
            "shared": shared.id,
            "theme": theme,
            "action": action.id,
            "action_version": action.version,
            "agreed": agreed.id,
            "done": done.id,
            "sample": sample.id,
            "item": sample.items[0].id,
            "evidence": attached.id,
            "notice": notice,
            "job": job.id,
            "police": police.id,
            "childrens": world.agencies["childrens"].id,
            "outsider": world["outsider"].id,
        },
    )


@dataclass(frozen=True)
class Route:
    """A page tried on one record: who may use it, and a POST that would be valid for them."""

    methods: str  # as in the README: "GET", "POST" or "GET, POST"
    url: str  # with {names} of the scene's ids
    allowed: frozenset[str]
    form: Form = field(default_factory=dict)
    refused: int = 403


_CASE_FORM: Form = {
    "reference": "SFO-TEST-0099",
    "region": "north_east",
    "offence_category": "murder",
    "offence_date": ["14", "1", "2026"],
    "mappa_category": "",
    "mappa_level": "",
    "review_status": "in_progress",
    "quality_rating": "",
}
_ACTION_FORM: Form = {
    "version": "{action_version}",
    "description": "Another action.",
    "owner_agency": "{police}",
    "owner_role": "Chief Inspector",
    "target_date": ["31", "3", "2027"],
    "measure_of_success": "Evidence of it.",
}
_LEARNING_FORM: Form = {
    "title": "Changed learning",
    "level": "local",
    "themes": "{theme}",
    "agencies": "{police}",
}

ROUTES = (
    Route("GET", "/", EVERYONE),
    # Someone else's notice gets the same answer as a missing one: back home, nothing read.
    Route("POST", "/notices/{notice}/read", frozenset({"police_lead"}), refused=302),
    # Everyone's own notices: nobody reaches anyone else's (tests/home/test_notices.py).
    Route("POST", "/notices/read", EVERYONE),
    Route("GET", "/jobs/{job}", CHAIR),
    Route("GET", "/cases", EVERYONE),
    Route("GET, POST", "/cases/new", frozenset({"chair", "admin"}), _CASE_FORM),
    # README: "its creator; whoever can see one of its panels; portal administrator".
    Route("GET", "/cases/{case}", PANEL),
    Route(
        "GET, POST",
        "/cases/{case}/edit",
        frozenset({"chair", "admin"}),
        {**_CASE_FORM, "reference": "SFO-TEST-0001", "high_profile": "y"},
    ),
    Route(
        "GET, POST",
        "/cases/{case}/panels/new",
        CHAIR,
        {"terms_of_reference": "A second panel."},
    ),
    Route("GET", "/panels", EVERYONE),
    Route("GET", "/panels/{panel}", PANEL),
    Route(
        "GET, POST",
        "/panels/{panel}/edit",
        CHAIR,
        {"version": "{panel_version}", "terms_of_reference": "Changed."},
    ),
    Route("GET, POST", "/panels/{panel}/invite", CHAIR, {"agency": "{childrens}"}),
    Route(
        "GET, POST",
        "/panels/{panel}/members",
        frozenset({"chair", "police_lead"}),
        {"user": "{outsider}", "role": "representative"},
    ),
    # Observers are named by the chair alone.
    Route(
        "GET, POST",
        "/panels/{panel}/members?role=observer",
        CHAIR,
        {"user": "{outsider}", "role": "observer"},
    ),
    Route("GET, POST", "/panels/{panel}/members/{member}/remove", CHAIR),
    Route("GET, POST", "/panels/{panel}/state?value=contributions_closed", CHAIR),
    # A draft is its agency's alone: not the chair's, not the lead's, not the administrator's.
    Route("GET", "/contributions/{draft}", frozenset({"police_rep"})),
    Route("GET", "/contributions/{submitted}", PANEL),
    Route(
        "GET, POST",
        "/contributions/{draft}/edit",
        frozenset({"police_rep"}),
        {"version": "{draft_version}", "involvement": "Changed."},
    ),
    Route("GET, POST", "/contributions/{submitted}/edit", NOBODY, {"involvement": "Changed."}),
    Route(
        "GET, POST",
        "/contributions/{draft}/events/new",
        frozenset({"police_rep"}),
        {"event_date": ["1", "12", "2025"], "event": "Another event."},
    ),
    Route("GET, POST", "/contributions/{draft}/events/{entry}/remove", frozenset({"police_rep"})),
    Route("GET, POST", "/contributions/{draft}/submit", frozenset({"police_rep"})),
    Route("GET, POST", "/contributions/{submitted}/return", CHAIR, {"comments": "More, please."}),
    Route("GET, POST", "/contributions/{submitted}/accept", CHAIR),
    Route("GET, POST", "/contributions/{draft}/accept", NOBODY),
    Route(
        "GET, POST",
        "/panels/{panel}/sessions/new",
        CHAIR,
        {"day": ["2", "6", "2026"], "start": "10:00", "duration_minutes": "90", "location": "Hall"},
    ),
    Route("GET", "/sessions/{session}", PANEL),
    Route(
        "GET, POST",
        "/sessions/{session}/edit",
        CHAIR,
        {
            "version": "{session_version}",
            "day": ["2", "6", "2026"],
            "start": "10:00",
            "duration_minutes": "90",
            "location": "Hall",
        },
    ),
    Route("GET, POST", "/sessions/{session}/attendance", CHAIR),
    # Running the session: the chair alone, not even the administrator.
    Route(
        "GET, POST",
        "/sessions/{session}/run",
        CHAIR,
        {"step": "add_item", "add-item-title": "Any other business"},
    ),
    Route("GET, POST", "/sessions/{session}/minutes/assemble", CHAIR),
    Route(
        "GET, POST",
        "/sessions/{session}/minutes",
        CHAIR,
        {"version": "{session_version}", "minutes": "Rewritten."},
    ),
    Route("GET, POST", "/sessions/{session}/publish", CHAIR),
    # Not published yet: only the chair, not even the administrator.
    Route("GET", "/sessions/{session}/minutes.pdf", CHAIR),
    Route("GET", "/sessions/{session}/calendar.ics", PANEL),
    Route("GET, POST", "/panels/{panel}/learning/new", CHAIR, _LEARNING_FORM),
    Route("GET", "/learning", EVERYONE),
    Route("GET", "/learning/shared", EVERYONE),
    Route("GET", "/learning/{recorded}", PANEL),
    # Shared with police: every police member may read it, on the panel or not.
    Route("GET", "/learning/{shared}", PANEL | {"other_member"}),
    Route("GET, POST", "/learning/{recorded}/edit", CHAIR, _LEARNING_FORM),
    Route("GET, POST", "/learning/{shared}/edit", NOBODY, _LEARNING_FORM),
    Route("GET, POST", "/learning/{recorded}/share", CHAIR),
    # Only the lead of an agency it was shared with: not the chair, not the administrator.
    Route(
        "GET, POST",
        "/learning/{shared}/acknowledge",
        frozenset({"police_lead"}),
        {"response": "briefed_teams", "detail": "Briefed.", "done_on": ["1", "1", "2026"]},
    ),
    Route("GET, POST", "/learning/{recorded}/acknowledge", NOBODY),
    Route("GET", "/panels/{panel}/actions", PANEL),
    Route("GET", "/panels/{panel}/actions.csv", PANEL),
    Route("GET", "/panels/{panel}/actions.pdf", PANEL),
    Route("GET, POST", "/panels/{panel}/actions/new", CHAIR, _ACTION_FORM),
    Route("GET", "/actions/{action}", PANEL),
    Route("GET", "/actions/{agreed}", OTHER_PANEL),
    # The inspector reads the action their agency sampled, not the rest of its panel.
    Route("GET", "/actions/{done}", OTHER_PANEL | {"inspector"}),
    Route("GET, POST", "/actions/{action}/edit", CHAIR, _ACTION_FORM),
    # Only the owning agency answers: its representative on the panel, and its lead.
    Route(
        "GET, POST",
        "/actions/{action}/respond",
        frozenset({"police_rep", "police_lead"}),
        {"answer": "agreed"},
    ),
    Route(
        "GET, POST", "/actions/{agreed}/respond", NOBODY, {"answer": "not_agreed", "reason": "No."}
    ),
    Route("GET, POST", "/actions/{action}/progress", NOBODY, {"text": "Done."}),
    Route(
        "GET, POST",
        "/actions/{agreed}/progress",
        frozenset({"other_member", "police_lead"}),
        {"text": "Half the cases audited."},
    ),
    Route("GET, POST", "/actions/{action}/sign-off", NOBODY),
    Route("GET, POST", "/actions/{agreed}/sign-off", CHAIR),
    # Its impact, once completed: the owning agency's representative and lead alone.
    Route(
        "GET, POST",
        "/actions/{done}/impact",
        frozenset({"other_member", "police_lead"}),
        {"outcome": "changed", "evidence": "An audit of twenty cases."},
    ),
    Route("GET, POST", "/actions/{agreed}/impact", NOBODY, {"outcome": "changed", "evidence": "A"}),
    # Dip samples: inspectors; administrators read them.
    Route("GET", "/dip-samples", frozenset({"inspector", "admin"})),
    Route(
        "GET, POST",
        "/dip-samples/new",
        frozenset({"inspector"}),
        {"region": "north_east", "size": "3"},
    ),
    Route("GET", "/dip-samples/{sample}", frozenset({"inspector", "admin"})),
    Route(
        "GET, POST",
        "/dip-sample-items/{item}/finding",
        frozenset({"inspector"}),
        {"delivered_as_intended": "yes", "impact_evidenced": "no", "finding": "Seen."},
    ),
    # Evidence goes to whoever can see its action: here, those who can see `other_panel`.
    Route("GET", "/evidence/{evidence}", OTHER_PANEL),
    Route("GET", "/evidence/{evidence}/original", OTHER_PANEL),
)


STRANGERS = frozenset({"practitioner", "outsider", "other_member"})

SHOWN = (
    Shown("/cases", "SFO-TEST-0001", PANEL, STRANGERS),
    Shown("/panels", "SFO-TEST-0001", PANEL, STRANGERS),
    Shown("/", "SFO-TEST-0001", CHAIR, frozenset({"practitioner", "outsider"})),
    Shown("/", SHARED_TITLE, POLICE, EVERYONE - POLICE),
    Shown(
        "/learning", SHARED_TITLE, PANEL | {"other_member"}, frozenset({"practitioner", "outsider"})
    ),
    Shown("/learning", RECORDED_TITLE, PANEL, STRANGERS),
    Shown("/learning/shared", SHARED_TITLE, POLICE, EVERYONE - POLICE),
    Shown("/learning/shared", RECORDED_TITLE, NOBODY, EVERYONE),
    Shown("/sessions/{session}", MINUTES, CHAIR, PANEL - CHAIR),
    Shown(
        "/learning/{shared}",
        "Not yet acknowledged",
        frozenset({"admin", "chair", "observer"}),
        frozenset({"probation_rep", "police_rep", "police_lead", "other_member"}),
    ),
)


def _client(app: Flask, db: Session, scene: Scene, persona: str) -> FlaskClient:
    if persona == ANONYMOUS:
        return app.test_client()
    return signed_in_as(app.test_client(), db, scene.world[persona])


@pytest.mark.parametrize("persona", [*PEOPLE, ANONYMOUS])
def test_each_person_gets_what_the_policy_says(
    app: Flask, db: Session, scene: Scene, persona: str
) -> None:
    client = _client(app, db, scene, persona)
    wrong: list[str] = []

    def check(route: Route, method: str, response: Any) -> None:
        location = response.headers.get("Location", "")
        if persona == ANONYMOUS:
            if response.status_code != 302 or not location.startswith("/sign-in?next="):
                wrong.append(f"{method} {route.url}: got {response.status_code} {location}")
            return
        expected = 200 if persona in route.allowed else route.refused
        if response.status_code != expected or (expected == 302 and location != "/"):
            wrong.append(f"{method} {route.url}: expected {expected}, got {response.status_code}")

    for route in ROUTES:
        if "GET" in route.methods:
            check(route, "GET", client.get(route.url.format(**scene.ids)))

    if persona != ANONYMOUS:
        for shown in SHOWN:
            page = client.get(shown.url.format(**scene.ids)).get_data(as_text=True)
            if persona in shown.to and shown.text not in page:
                wrong.append(f"GET {shown.url}: does not show {shown.text!r}")
            if persona in shown.not_to and shown.text in page:
                wrong.append(f"GET {shown.url}: shows {shown.text!r}")

    # Signed out, there is no CSRF token to send: the sign-in check comes first anyway.
    token = {} if persona == ANONYMOUS else {"csrf_token": csrf_token(client, "/sign-out")}
    before = everything(db)
    for route in ROUTES:
        if "POST" not in route.methods or persona in route.allowed:
            continue
        url = route.url.format(**scene.ids)
        check(route, "POST", client.post(url, data={**fill(route.form, scene.ids), **token}))
        after = everything(db)
        changed = sorted(name for name in after if after[name] != before[name])
        if changed:
            wrong.append(f"POST {route.url}: refused, yet changed {', '.join(changed)}")
            before = after

    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_the_table_has_every_panel_and_home_page_route(app: Flask) -> None:
    assert untried(app, ROUTES, "panels") == set()
    assert untried(app, ROUTES, "home") == set()

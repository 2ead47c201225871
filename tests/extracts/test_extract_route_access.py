"""Every review and extract page, for every kind of person: each gets what the README's table
and the rules in extracts/access.py say, no more.

Those who prepare extracts for `world.case` are the chair of its panel and a disclosure lead of
the chair's agency (probation); a disclosure lead of police is not one of them. The records are
made by `scene` through the real operations: a review and its parties, an extract in draft, one
awaiting approval, and one approved and issued three times: to `practitioner` (open), to
`probation_rep` (withdrawn) and to `police_rep` (expired). Everyone refused gets 403, and a POST
they send changes nothing; someone not signed in is sent to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import Role, User
from extracts import extracts, reviews
from extracts.models import (
    Decision,
    Extract,
    ExtractIssue,
    ExtractState,
    FactualComment,
    PartyRole,
)
from portal import clock
from tests.conftest import csrf_token
from tests.support import people
from tests.support.access_table import ANONYMOUS, Form, Shown, everything, fill, untried
from tests.support.people import signed_in_as
from tests.support.world import World

WORLD_PEOPLE = (
    "admin",
    "chair",
    "probation_rep",
    "police_rep",
    "police_lead",
    "observer",
    "practitioner",
    "outsider",
    "other_member",
)
# Made here: (agency, roles). A second practitioner of the first's own agency, to show that
# only the named recipient opens an extract, not whoever holds the same role.
EXTRA_PEOPLE = {
    "disclosure_lead": ("probation", [Role.DISCLOSURE_LEAD]),
    "police_disclosure_lead": ("police", [Role.DISCLOSURE_LEAD]),
    "other_practitioner": ("probation", [Role.PRACTITIONER]),
}
PEOPLE = (*WORLD_PEOPLE, *EXTRA_PEOPLE)

EVERYONE = frozenset(PEOPLE)
NOBODY: frozenset[str] = frozenset()
# The chair of the case's panel, and a disclosure lead of the chair's agency.
PREPARERS = frozenset({"chair", "disclosure_lead"})

REVIEW = """1. Introduction
This review concerns John Smith, who was supervised on licence from 2024.
The victim was Mary Jones.

2. Practice
Mr Smith's NHS number is 943 476 5919."""
# What the unredacted review holds and no redacted extract may show.
SECRETS = ("John Smith", "Mary Jones", "943 476 5919")


@dataclass
class Scene:
    """The world, everyone who is tried, and the ids of the records each page is tried on."""

    world: World
    people: dict[str, User]
    ids: dict[str, int | str]


def _decided(db: Session, chair: User, extract: Extract) -> Extract:
    for row in extract.redactions:
        extracts.decide(db, chair, extract, row.id, Decision.ACCEPTED)
    return extract


@pytest.fixture
def scene(app: Flask, db: Session, world: World) -> Scene:
    """On `world.case`: the review and three parties; an extract in draft, every proposal
    decided; one sent for approval; one approved by the disclosure lead and issued."""
    everyone = dict(world.people)
    for key, (slug, roles) in EXTRA_PEOPLE.items():
        provider = people.provider_of(db, slug)
        everyone[key] = people.person(db, world["admin"], provider, key.replace("_", "-"), roles)
    chair, case = world["chair"], world.case
    assert case is not None
    with app.test_request_context():
        document = reviews.keep_review(db, chair, case, "review.txt", "text/plain", REVIEW.encode())
        reviews.add_party(db, chair, case, name="John Smith", role=PartyRole.PERSON_ON_PROBATION)
        reviews.add_party(db, chair, case, name="Mary Jones", role=PartyRole.VICTIM)
        party = reviews.add_party(
            db,
            chair,
            case,
            name="Alan Turing",
            role=PartyRole.STAFF,
            agency_id=world.agencies["probation"].id,
            user_id=world["probation_rep"].id,
        )

        draft = _decided(db, chair, extracts.start(db, chair, case, show_recipient_name=True))
        awaiting = _decided(db, chair, extracts.start(db, chair, case, show_recipient_name=True))
        extracts.submit_for_approval(db, chair, awaiting)
        approved = _decided(db, chair, extracts.start(db, chair, case, show_recipient_name=True))
        extracts.submit_for_approval(db, chair, approved)
        extracts.approve(db, everyone["disclosure_lead"], approved)
        opened, revoked, expired = extracts.issue(
            db,
            chair,
            approved,
            [world["practitioner"], world["probation_rep"], world["police_rep"]],
            None,
        )
        extracts.revoke(db, chair, revoked)
        extracts.set_expiry(db, chair, expired, clock.now() - timedelta(minutes=1))
        db.commit()
    assert draft.redactions and awaiting.redactions
    return Scene(
        world,
        everyone,
        {
            "case": case.id,
            "document": document.id,
            "party": party.id,
            "draft": draft.id,
            "draft_redaction": draft.redactions[0].id,
            "awaiting": awaiting.id,
            "awaiting_redaction": awaiting.redactions[0].id,
            "approved": approved.id,
            "approved_reference": approved.reference,
            "open": opened.id,
            "revoked": revoked.id,
            "expired": expired.id,
            "practitioner": world["practitioner"].id,
        },
    )


@dataclass(frozen=True)
class Route:
    """A page tried on one record: who may open it, who may change something with a POST that
    would be valid for them (`changes`, by default the same people), and that POST's form.

    Someone who may open the page but not change anything gets the page again (200), with the
    rule's message; anyone else 403. Either way their POST changes nothing.
    """

    methods: str  # as in the README: "GET", "POST" or "GET, POST"
    url: str  # with {names} of the scene's ids
    allowed: frozenset[str]
    form: Form = field(default_factory=dict)
    changes: frozenset[str] | None = None

    @property
    def may_change(self) -> frozenset[str]:
        return self.allowed if self.changes is None else self.changes


ROUTES = (
    Route("GET, POST", "/cases/{case}/review", PREPARERS, {"pasted": "1. A second review\nText."}),
    # The review as uploaded: never for practitioners, nor anyone but those who prepare.
    Route("GET", "/reviews/{document}/original", PREPARERS),
    Route(
        "GET, POST",
        "/cases/{case}/parties",
        PREPARERS,
        {"name": "Petra Quill", "role": "family_member", "agency": "", "user": ""},
    ),
    Route("GET, POST", "/parties/{party}/remove", PREPARERS),
    Route("POST", "/cases/{case}/extracts", PREPARERS, {"show_recipient_name": "y"}),
    Route("GET", "/extracts/{draft}", PREPARERS),
    Route("GET", "/extracts/{awaiting}", PREPARERS),
    Route("GET", "/extracts/{approved}", PREPARERS),
    Route(
        "POST", "/extracts/{draft}/redactions/{draft_redaction}", PREPARERS, {"value": "rejected"}
    ),
    # Once sent for approval, nobody changes the redactions.
    Route(
        "POST",
        "/extracts/{awaiting}/redactions/{awaiting_redaction}",
        NOBODY,
        {"value": "rejected"},
    ),
    Route(
        "POST",
        "/extracts/{draft}/redactions",
        PREPARERS,
        {"fragment": "supervised", "reason": "Says too much."},
    ),
    Route(
        "POST",
        "/extracts/{approved}/redactions",
        NOBODY,
        {"fragment": "supervised", "reason": "Says too much."},
    ),
    Route("GET, POST", "/extracts/{draft}/submit", PREPARERS),
    Route("GET, POST", "/extracts/{awaiting}/submit", NOBODY),
    # A second person approves: the chair prepared it, so only the disclosure lead may.
    Route("GET, POST", "/extracts/{awaiting}/approve", frozenset({"disclosure_lead"})),
    Route("GET, POST", "/extracts/{draft}/approve", NOBODY),
    Route("GET, POST", "/extracts/{approved}/approve", NOBODY),
    Route(
        "GET, POST",
        "/extracts/{awaiting}/send-back",
        frozenset({"disclosure_lead"}),
        {"reason": "Redact the year too."},
    ),
    Route("GET, POST", "/extracts/{draft}/send-back", NOBODY, {"reason": "Redact the year."}),
    Route("GET, POST", "/extracts/{approved}/issue", PREPARERS, {"recipients": "{practitioner}"}),
    Route("GET, POST", "/extracts/{awaiting}/issue", NOBODY, {"recipients": "{practitioner}"}),
    Route("GET, POST", "/extract-issues/{open}/revoke", PREPARERS),
    # Already withdrawn: the page, but withdrawing again changes nothing.
    Route("GET, POST", "/extract-issues/{revoked}/revoke", PREPARERS, changes=NOBODY),
    Route(
        "GET, POST",
        "/extract-issues/{open}/expiry",
        PREPARERS,
        {"expires_on": ["1", "1", "2031"]},
    ),
    Route("GET", "/my-extracts", EVERYONE),
    # Its recipient reads it and comments; those who prepare read it but do not comment.
    Route(
        "GET, POST",
        "/my-extracts/{open}",
        PREPARERS | {"practitioner"},
        {"text": "The visit was on 4 March."},
        changes=frozenset({"practitioner"}),
    ),
    Route("GET", "/my-extracts/{open}.pdf", PREPARERS | {"practitioner"}),
    # Withdrawn from probation_rep, expired for police_rep: not even they may open them.
    Route(
        "GET, POST",
        "/my-extracts/{revoked}",
        PREPARERS,
        {"text": "The visit was on 4 March."},
        changes=NOBODY,
    ),
    Route("GET", "/my-extracts/{revoked}.pdf", PREPARERS),
    Route(
        "GET, POST",
        "/my-extracts/{expired}",
        PREPARERS,
        {"text": "The visit was on 4 March."},
        changes=NOBODY,
    ),
    Route("GET", "/my-extracts/{expired}.pdf", PREPARERS),
)


SHOWN = (
    # Each sees only their own extracts on their list: the open one as a link.
    Shown(
        "/my-extracts",
        'href="/my-extracts/{open}"',
        frozenset({"practitioner"}),
        EVERYONE - {"practitioner"},
    ),
    Shown(
        "/my-extracts",
        "no longer available",
        frozenset({"probation_rep", "police_rep"}),
        EVERYONE - {"probation_rep", "police_rep"},
    ),
    Shown(
        "/my-extracts",
        "{approved_reference}",
        frozenset({"practitioner", "probation_rep", "police_rep"}),
        EVERYONE - {"practitioner", "probation_rep", "police_rep"},
    ),
    Shown(
        "/my-extracts/{open}",
        "the person on probation",
        PREPARERS | {"practitioner"},
        NOBODY,
    ),
)


def _client(app: Flask, db: Session, scene: Scene, persona: str) -> FlaskClient:
    if persona == ANONYMOUS:
        return app.test_client()
    return signed_in_as(app.test_client(), db, scene.people[persona])


@pytest.mark.parametrize("persona", [*PEOPLE, ANONYMOUS])
def test_each_person_gets_what_the_rules_say(
    app: Flask, db: Session, scene: Scene, persona: str
) -> None:
    client = _client(app, db, scene, persona)
    wrong: list[str] = []

    def check(route: Route, method: str, response: Any, expected: int) -> None:
        location = response.headers.get("Location", "")
        if persona == ANONYMOUS:
            if response.status_code != 302 or not location.startswith("/sign-in?next="):
                wrong.append(f"{method} {route.url}: got {response.status_code} {location}")
            return
        if response.status_code != expected:
            wrong.append(f"{method} {route.url}: expected {expected}, got {response.status_code}")
        # Whatever the page, the unredacted review reaches only those who prepare extracts.
        if persona not in PREPARERS:
            leaked = [secret for secret in SECRETS if secret.encode() in response.data]
            if leaked:
                wrong.append(f"{method} {route.url}: shows {', '.join(leaked)}")

    for route in ROUTES:
        if "GET" in route.methods:
            url = route.url.format(**scene.ids)
            check(route, "GET", client.get(url), 200 if persona in route.allowed else 403)

    if persona != ANONYMOUS:
        for shown in SHOWN:
            page = client.get(shown.url.format(**scene.ids)).get_data(as_text=True)
            text = shown.text.format(**scene.ids)
            if persona in shown.to and text not in page:
                wrong.append(f"GET {shown.url}: does not show {text!r}")
            if persona in shown.not_to and text in page:
                wrong.append(f"GET {shown.url}: shows {text!r}")
    if persona in PREPARERS:
        original = client.get(f"/reviews/{scene.ids['document']}/original")
        if original.data != REVIEW.encode():
            wrong.append("GET /reviews/{document}/original: not the review as uploaded")
        pdf = client.get(f"/my-extracts/{scene.ids['open']}.pdf")
        if not pdf.data.startswith(b"%PDF"):
            wrong.append("GET /my-extracts/{open}.pdf: not a PDF")

    # Signed out, there is no CSRF token to send: the sign-in check comes first anyway.
    token = {} if persona == ANONYMOUS else {"csrf_token": csrf_token(client, "/sign-out")}
    before = everything(db)
    for route in ROUTES:
        if "POST" not in route.methods or persona in route.may_change:
            continue
        url = route.url.format(**scene.ids)
        response = client.post(url, data={**fill(route.form, scene.ids), **token})
        check(route, "POST", response, 200 if persona in route.allowed else 403)
        after = everything(db)
        changed = sorted(name for name in after if after[name] != before[name])
        if changed:
            wrong.append(f"POST {route.url}: refused, yet changed {', '.join(changed)}")
            before = after

    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_the_disclosure_lead_approves_what_the_chair_prepared_and_the_recipient_comments(
    app: Flask, db: Session, scene: Scene
) -> None:
    """The POSTs the table leaves out because they change things, for two of those allowed."""
    lead = signed_in_as(app.test_client(), db, scene.people["disclosure_lead"])
    token = csrf_token(lead, "/sign-out")
    url = "/extracts/{awaiting}/approve".format(**scene.ids)
    assert lead.post(url, data={"csrf_token": token}).status_code == 302
    reader = signed_in_as(app.test_client(), db, scene.people["practitioner"])
    token = csrf_token(reader, "/sign-out")
    url = "/my-extracts/{open}".format(**scene.ids)
    sent = reader.post(url, data={"text": "The visit was on 4 March.", "csrf_token": token})
    assert sent.status_code == 302
    db.rollback()
    extract = db.get(Extract, scene.ids["awaiting"])
    assert extract is not None and extract.state is ExtractState.APPROVED
    assert extract.approved_by_id == scene.people["disclosure_lead"].id
    comments = db.scalars(
        select(FactualComment).where(FactualComment.issue_id == scene.ids["open"])
    ).all()
    assert [(c.author_id, c.text) for c in comments] == [
        (scene.people["practitioner"].id, "The visit was on 4 March.")
    ]
    issue = db.get(ExtractIssue, scene.ids["open"])
    assert issue is not None and issue.recipient_id == scene.people["practitioner"].id


def test_the_table_has_every_extracts_route(app: Flask) -> None:
    assert untried(app, ROUTES, "extracts") == set()

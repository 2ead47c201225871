"""Every page of the portal at 320 px wide, as nobody signed in and as someone holding each
role: nothing may scroll sideways (WCAG 1.4.10 Reflow), and axe, with its best-practice rules
as well as WCAG 2.2 AA, finds nothing.

The pages come from the application's routes, not from a list kept here. Each route's ids are
filled from the demo data, to which the states the demo passes by (a draft extract, a proposed
action, a suspended account...) and long unbroken words are added; a test client signed in as
each person finds which of those pages they can open, and Chromium loads, for each route, the
fullest of them (the most content, so the likeliest to overflow). A page added later is checked
without anyone remembering to; a route no one can open fails the test, so none is skipped.

axe runs once per route, on the fullest page anyone had of it; the width is checked on every
person's page. People are signed in as a finished sign-in leaves them
(`tests.support.people.signed_in_as`): the demo's own providers listen on fixed ports that a
running demo may hold, and signing in itself is tested through real providers in
test_sign_in.py.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser
from sqlalchemy import Integer, Table, select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from agencies import users
from agencies.models import IdentityProvider, Role, User
from extracts import extracts
from extracts import jobs as extract_jobs
from extracts.models import Decision
from insight import report_job
from panels import actions, contributions, evidence, learning
from panels.actions import ActionFields
from panels.models.actions import Action
from panels.models.cases import Case
from panels.models.contributions import Contribution
from panels.models.learning import LearningLevel, Theme
from panels.models.panels import Panel, PanelState
from portal import clock, demo
from portal.db import Base
from portal.policy import can
from tests.browser.conftest import _loopback_only, accessibility_violations
from tests.support import people

WIDTH = 320
# Text people type with no space in it: a pasted link, a reference run together.
LONG_WORD = "https://documents.example.gov.uk/" + "risk-assessment-review-" * 12 + "final.docx"
# Routes that never answer a GET with a page of their own, so no one is shown them.
NOT_PAGES = {
    "signin.start",  # redirects to the agency's provider
    "signin.callback",  # the provider's redirect back; refuses a visit without a sign-in
}
# What a route reads from its query string, beyond its path.
QUERIES = {"panels.panel_move": [{"value": state.value} for state in PanelState]}
# The innermost elements reaching past the right edge of the screen, to say what to fix (but
# not those a scrolling box holds in, unless placed absolutely: they may escape it).
CULPRITS = """(width) => {
    const held = e => {
        if (getComputedStyle(e).position === 'absolute') return false
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
            if (getComputedStyle(a).overflowX !== 'visible') return true
        return false
    }
    const past = [...document.body.querySelectorAll('*')].filter(
        e => e.getBoundingClientRect().right > width + 1 && !held(e))
    return past.filter(e => !past.some(inner => inner !== e && e.contains(inner)))
        .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
}"""
# Answers that say the page does not exist whoever asks, so no one else need try it.
GONE = {400, 404, 405}
# How many of a table's records fill one of a route's ids, newest first (the records this test
# adds among them): enough for each person to find one they may open.
ROWS = 25
_CSRF = re.compile(r'name="csrf_token"[^>]*value="[^"]*"|"csrf_token": "[^"]*"')


@dataclass(frozen=True)
class Found:
    url: str
    size: int
    # The page's HTML but for its CSRF tokens: two people shown the same need not both look.
    fingerprint: int


@dataclass
class Visitor:
    who: str
    cookie: str | None
    # The fullest page of each route they can open.
    pages: dict[str, Found] = field(default_factory=dict)
    # Routes that answered them with a file (a PDF, a CSV, a calendar entry), not a page.
    downloads: set[str] = field(default_factory=set)


# On SQLite alone: what is checked is how pages lay out, the same whichever database filled
# them, and each run takes a minute or two.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_page_is_wider_than_320_px_and_axe_finds_nothing_for_any_role(
    app: Flask, db: Session, live_server: str, browser: Browser
) -> None:
    with app.app_context():
        demo.seed(db)
    chosen = _one_person_per_role(db)
    with app.test_request_context():
        _add_what_the_demo_lacks(db, chosen)
    addresses = {rule.endpoint: list(_addresses(app, db, rule)) for rule in _get_routes(app)}
    gone: set[str] = set()
    visitors = [_visit(app, db, person, addresses, gone) for person in [None, *chosen]]

    opened = {endpoint for visitor in visitors for endpoint in visitor.pages}
    downloads = {endpoint for visitor in visitors for endpoint in visitor.downloads}
    unopened = sorted(set(addresses) - opened - downloads - NOT_PAGES)
    assert not unopened, "no one could open: " + ", ".join(unopened)

    # axe looks at each route once, on the fullest page anyone had of it.
    fullest = {
        endpoint: max(
            ((v.who, v.pages[endpoint]) for v in visitors if endpoint in v.pages),
            key=lambda found: found[1].size,
        )
        for endpoint in opened
    }
    checked = {(who, found.url) for who, found in fullest.values()}
    seen: set[int] = set()
    wide: list[str] = []
    violations: list[str] = []
    for visitor in visitors:
        context = browser.new_context(viewport={"width": WIDTH, "height": 800})
        context.route("**/*", _loopback_only)
        if visitor.cookie:
            name = app.config["SESSION_COOKIE_NAME"]
            context.add_cookies([{"name": name, "value": visitor.cookie, "url": live_server}])
        page = context.new_page()
        for found in visitor.pages.values():
            url = found.url
            if found.fingerprint in seen and (visitor.who, url) not in checked:
                continue  # someone else was shown this very page
            seen.add(found.fingerprint)
            page.goto(live_server + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                culprits = page.evaluate(CULPRITS, WIDTH)
                wide.append(f"{visitor.who} {url}: {width} px ({', '.join(culprits)})")
            if (visitor.who, url) in checked:
                problems = accessibility_violations(page, best_practice=True)
                violations += [f"{visitor.who} {url}: {problem}" for problem in problems]
        context.close()

    assert sum(len(visitor.pages) for visitor in visitors) > 150
    assert not wide, "wider than the screen:\n" + "\n".join(wide)
    assert not violations, "axe found:\n" + "\n".join(violations)


def _one_person_per_role(db: Session) -> list[User]:
    """The first demo person holding each role, and someone who can still write their agency's
    contribution if none of those can."""
    everyone = db.scalars(select(User).order_by(User.id)).all()
    chosen = list({next(p for p in everyone if p.has_role(role)) for role in Role})
    writable = db.scalars(select(Contribution).order_by(Contribution.id)).all()
    if not any(can(person, "edit", c) for c in writable for person in chosen):
        chosen.append(next(p for p in everyone for c in writable if can(p, "edit", c)))
    return sorted(chosen, key=lambda person: person.id)


def _add_what_the_demo_lacks(db: Session, chosen: list[User]) -> None:
    """Records in the states the demo's data passes by, so that every page has something to
    show to someone in `chosen`, with long unbroken words where people type."""
    everyone = db.scalars(select(User).order_by(User.id)).all()
    chair = next(person for person in chosen if person.has_role(Role.PANEL_CHAIR))
    admin = next(person for person in chosen if person.has_role(Role.ADMINISTRATOR))

    (author, contribution) = next(
        (person, c)
        for c in db.scalars(select(Contribution).order_by(Contribution.id))
        for person in chosen
        if can(person, "edit", c)
    )
    contributions.save(
        db,
        author,
        contribution,
        contribution.version,
        {**contributions.sections_of(contribution), "involvement": f"See {LONG_WORD}"},
    )
    contributions.add_event(
        db,
        author,
        contribution,
        event_date=clock.today(),
        event=LONG_WORD,
        agency_action=LONG_WORD,
        comment="",
    )

    # Evidence of progress on an action, read as a worker would read it.
    action, reporter = next(
        (a, person)
        for a in db.scalars(select(Action).order_by(Action.id))
        for person in chosen
        if can(person, "report_progress", a)
    )
    _, _ = evidence.report(
        db,
        reporter,
        action,
        f"Guidance revised: {LONG_WORD}",
        evidence.Upload("procedure.txt", f"Revised procedure. {LONG_WORD}".encode()),
    )
    for attached in action.evidence:
        evidence.read(db, attached)

    # Learning not yet shared, and an action not yet answered, on a panel still planning.
    panel = next(p for p in db.scalars(select(Panel)) if can(chair, "propose_action", p))
    theme = db.scalars(select(Theme.id).where(Theme.active)).first()
    assert theme is not None
    agency_ids = [invitation.agency_id for invitation in panel.invitations]
    owner = next(a for a in agency_ids if any(p.agency_id == a for p in chosen))
    learning.record(
        db,
        chair,
        panel,
        title="Not yet shared",
        description=f"<p>Read {LONG_WORD}</p>",
        level=LearningLevel.LOCAL,
        theme_ids=[theme],
        agency_ids=[owner],
    )
    actions.propose(
        db,
        chair,
        panel,
        ActionFields(
            description=f"Publish the revised guidance at {LONG_WORD}",
            owner_agency_id=owner,
            owner_role="Head of Operations",
            target_date=clock.today() + timedelta(days=30),
            measure_of_success="Every practitioner has read the guidance.",
        ),
    )

    # An extract in draft, one waiting for approval, and one being prepared by a worker.
    case = next(c for c in db.scalars(select(Case)) if can(chair, "manage_review", c))
    extracts.start(db, chair, case, show_recipient_name=False)
    waiting = extracts.start(db, chair, case, show_recipient_name=False)
    for extract_redaction in waiting.redactions:
        extracts.decide(db, chair, waiting, extract_redaction.id, Decision.ACCEPTED)
    extracts.submit_for_approval(db, chair, waiting)
    extract_jobs.prepare_later(db, chair, case, show_recipient_name=False)

    # The annual report as a PDF, made for the chair as the worker makes it.
    report_job.make_pdf(db, chair, clock.today().year, None)

    # A suspended account, and someone who has signed in once and waits for approval, as the
    # demo's Jordan Lee will.
    chosen_ids = {person.id for person in chosen}
    users.suspend(db, admin, next(p for p in reversed(everyone) if p.id not in chosen_ids))
    newcomer = next(p for a in demo.DEMO_AGENCIES for p in a.people if not p.approved)
    agency = next(a for a in demo.DEMO_AGENCIES if newcomer in a.people)
    provider = db.scalar(select(IdentityProvider).where(IdentityProvider.slug == agency.slug))
    assert provider is not None
    claims = {"sub": newcomer.subject, "name": newcomer.name, "email": newcomer.email}
    users.account_for_sign_in(db, provider, claims)
    db.commit()


def _get_routes(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint not in ("static", "assets")
    ]


def _visit(
    app: Flask, db: Session, person: User | None, addresses: dict[str, list[str]], gone: set[str]
) -> Visitor:
    """The fullest page of each route `person` (None: nobody signed in) can open, found by
    asking the portal through a test client signed in as them."""
    client = app.test_client()
    if person is not None:
        people.signed_in_as(client, db, person)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    visitor = Visitor(person.name if person else "nobody", cookie.value if cookie else None)
    for endpoint, urls in addresses.items():
        for url in urls:
            if url not in gone:
                _try(client, visitor, endpoint, url, gone)
            if endpoint in visitor.downloads:
                break
    return visitor


def _try(client: FlaskClient, visitor: Visitor, endpoint: str, url: str, gone: set[str]) -> None:
    response = client.get(url)
    if response.status_code in GONE:
        gone.add(url)
    elif response.status_code == 200 and response.mimetype != "text/html":
        visitor.downloads.add(endpoint)
    elif response.status_code == 200:
        html = response.get_data(as_text=True)
        fingerprint = hash(_CSRF.sub("", html))
        if endpoint not in visitor.pages or len(html) > visitor.pages[endpoint].size:
            visitor.pages[endpoint] = Found(url, len(html), fingerprint)


def _addresses(app: Flask, db: Session, rule: Rule) -> Iterator[str]:
    """The route's addresses, its arguments filled from the data: each `<thing>_id` from the
    tables holding things, a child's only with its parent when the child's table names it."""
    names = [name for name in re.findall(r"<(?:\w+:)?(\w+)>", rule.rule) if name in rule.arguments]
    choices: list[list[tuple[Table, object]]] = []
    for name in names:
        tables = _tables_for(name)
        assert tables, f"the reflow test cannot fill <{name}> in {rule.rule}: teach _tables_for"
        column = "slug" if name == "slug" else "id"
        choices.append(
            [
                (table, value)
                for table in tables
                for value in db.scalars(
                    select(table.c[column]).order_by(table.c[column].desc()).limit(ROWS)
                )
            ]
        )
    adapter = app.url_map.bind("")
    for combination in itertools.product(*choices):
        if _consistent(db, names, combination):
            values = {name: value for name, (_, value) in zip(names, combination, strict=True)}
            for query in QUERIES.get(rule.endpoint, [{}]):
                yield adapter.build(rule.endpoint, {**values, **query})


def _tables_for(argument: str) -> list[Table]:
    """`case_id`: cases; `member_id`: panel_members; `party_id`: case_parties."""
    if argument == "slug":
        return [Base.metadata.tables["identity_providers"]]
    if not argument.endswith("_id"):
        return []
    thing = argument.removesuffix("_id")
    plurals = {thing, thing + "s", thing + "es", thing[:-1] + "ies"}
    return [
        table
        for table in Base.metadata.sorted_tables
        if "id" in table.c
        and isinstance(table.c.id.type, Integer)
        and (table.name in plurals or any(table.name.endswith("_" + p) for p in plurals))
    ]


def _consistent(
    db: Session, names: list[str], combination: tuple[tuple[Table, object], ...]
) -> bool:
    """A row whose table has a column named after another of the route's arguments (an entry's
    `contribution_id`) must belong to that argument's row."""
    for name, (table, value) in zip(names, combination, strict=True):
        for other, (_, other_value) in zip(names, combination, strict=True):
            if other != name and other in table.c:
                owner = db.scalar(select(table.c[other]).where(table.c.id == value))
                if owner != other_value:
                    return False
    return True

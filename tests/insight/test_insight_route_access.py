"""Every insight page and the annual report, for every kind of person: panel chairs, agency
leads, observers and administrators may read them (the rule in insight/access.py); a panel
member or practitioner gets 403, and someone not signed in is sent to sign in.

The report's PDF is made by a worker: any reader may ask for one (a POST that queues the job),
and the PDF made is its asker's alone (`made`: the chair's). Everyone refused gets 403, and a
POST they send changes nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from insight import report_job
from insight.models import ReportPdf
from tests.conftest import csrf_token
from tests.support.access_table import ANONYMOUS, everything, untried
from tests.support.people import signed_in_as
from tests.support.work import run_jobs
from tests.support.world import PEOPLE, World

READERS = frozenset({"admin", "chair", "police_lead", "observer"})
# The PDF `made` was made for the chair: nobody else opens it, administrators included.
ASKER = frozenset({"chair"})


@dataclass(frozen=True)
class Route:
    methods: str
    url: str  # with {pdf}, the id of the chair's PDF
    allowed: frozenset[str]
    kind: str = "text/html"


ROUTES = (
    Route("GET", "/insight", READERS),
    Route("GET", "/insight/themes?region=north_east&year=2026", READERS),
    Route("GET", "/insight/themes.csv", READERS, "text/csv"),
    Route("GET", "/insight/actions?kind=police", READERS),
    Route("GET", "/insight/actions.csv", READERS, "text/csv"),
    Route("GET", "/insight/timeliness", READERS),
    Route("GET", "/insight/timeliness.csv", READERS, "text/csv"),
    Route("GET", "/insight/reach", READERS),
    Route("GET", "/insight/reach.csv", READERS, "text/csv"),
    Route("GET", "/insight/report?year=2026&region=north_east", READERS),
    Route("GET", "/insight/report.csv?year=2026", READERS, "text/csv"),
    Route("POST", "/insight/report/pdf?year=2026&region=north_east", READERS),
    Route("GET", "/insight/report/pdfs/{pdf}", ASKER),
    Route("GET", "/insight/report/pdfs/{pdf}.pdf", ASKER, "application/pdf"),
)


@pytest.fixture
def made(app: Flask, db: Session, world: World) -> int:
    """The id of a national report for 2026 made as a PDF by a worker for the chair."""
    with app.test_request_context():
        report_job.make_pdf_later(db, world["chair"], 2026, None)
        db.commit()
    run_jobs(app)
    db.rollback()
    report = db.query(ReportPdf).one()
    assert report.requested_by_id == world["chair"].id
    return report.id


@pytest.mark.parametrize("persona", [*PEOPLE, ANONYMOUS])
def test_each_person_gets_what_the_rule_says(
    app: Flask, db: Session, world: World, made: int, persona: str
) -> None:
    client = app.test_client()
    if persona != ANONYMOUS:
        signed_in_as(client, db, world[persona])
    wrong = []

    def check(method: str, route: Route, response: object, expected: int) -> None:
        status = response.status_code  # type: ignore[attr-defined]
        location = response.headers.get("Location", "")  # type: ignore[attr-defined]
        mimetype = response.mimetype  # type: ignore[attr-defined]
        if persona == ANONYMOUS:
            if status != 302 or not location.startswith("/sign-in?next="):
                wrong.append(f"{method} {route.url}: got {status} {location}")
        elif expected == 303:
            if status != 303 or not re.fullmatch(r"/jobs/\d+", location):
                wrong.append(f"{method} {route.url}: got {status} {location}")
        elif expected == 200:
            if status != 200 or mimetype != route.kind:
                wrong.append(f"{method} {route.url}: got {status} {mimetype}")
        elif status != expected:
            wrong.append(f"{method} {route.url}: expected {expected}, got {status}")

    for route in ROUTES:
        if route.methods == "GET":
            response = client.get(route.url.format(pdf=made))
            check("GET", route, response, 200 if persona in route.allowed else 403)
    navigation = client.get("/").get_data(as_text=True) if persona != ANONYMOUS else ""
    if (persona in READERS) != ('href="/insight"' in navigation):
        wrong.append("the navigation's Insight link is offered to the wrong people")

    # Signed out, there is no CSRF token to send: the sign-in check comes first anyway.
    token = {} if persona == ANONYMOUS else {"csrf_token": csrf_token(client, "/sign-out")}
    for route in ROUTES:
        if route.methods != "POST":
            continue
        url = route.url.format(pdf=made)
        before = everything(db)
        if persona in route.allowed:
            # Without its CSRF token, a reader's POST is refused too.
            response = client.post(url)
            if response.status_code != 400:
                wrong.append(f"POST {route.url} without a CSRF token: {response.status_code}")
        else:
            check("POST", route, client.post(url, data=token), 403)
        after = everything(db)
        changed = sorted(name for name in after if after[name] != before[name])
        if changed:
            wrong.append(f"POST {route.url}: refused, yet changed {', '.join(changed)}")
        if persona in route.allowed:
            check("POST", route, client.post(url, data=token), 303)
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_the_table_has_every_insight_route(app: Flask) -> None:
    assert untried(app, ROUTES, "insight") == set()


def test_the_pages_lead_back_to_the_insight_index_keeping_the_filters(
    app: Flask, db: Session, world: World
) -> None:
    client = signed_in_as(app.test_client(), db, world["chair"])
    themes = client.get("/insight/themes?region=wales").get_data(as_text=True)
    assert '<a href="/insight?region=wales" class="govuk-back-link"' in themes
    report = client.get("/insight/report?year=2026").get_data(as_text=True)
    assert '<a href="/insight" class="govuk-back-link"' in report

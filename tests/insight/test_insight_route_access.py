"""Every insight page and the annual report, for every kind of person: panel chairs, agency
leads, observers and administrators may read them (the rule in insight/access.py); a panel
member or practitioner gets 403, and someone not signed in is sent to sign in."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.access_table import ANONYMOUS, untried
from tests.support.people import signed_in_as
from tests.support.world import PEOPLE, World

READERS = frozenset({"admin", "chair", "police_lead", "observer"})


@dataclass(frozen=True)
class Route:
    methods: str
    url: str
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
    Route("GET", "/insight/report.pdf?year=2026", READERS, "application/pdf"),
)


@pytest.mark.parametrize("persona", [*PEOPLE, ANONYMOUS])
def test_each_person_gets_what_the_rule_says(
    app: Flask, db: Session, world: World, persona: str
) -> None:
    client = app.test_client()
    if persona != ANONYMOUS:
        signed_in_as(client, db, world[persona])
    wrong = []
    for route in ROUTES:
        response = client.get(route.url)
        if persona == ANONYMOUS:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith("/sign-in?next="):
                wrong.append(f"{route.url}: got {response.status_code} {location}")
        elif persona in route.allowed:
            if response.status_code != 200 or response.mimetype != route.kind:
                wrong.append(f"{route.url}: got {response.status_code} {response.mimetype}")
        elif response.status_code != 403:
            wrong.append(f"{route.url}: expected 403, got {response.status_code}")
    navigation = client.get("/").get_data(as_text=True) if persona != ANONYMOUS else ""
    if (persona in READERS) != ('href="/insight"' in navigation):
        wrong.append("the navigation's Insight link is offered to the wrong people")
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

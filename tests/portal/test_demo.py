"""The demo: its data, and a sign-in through a demo agency's own provider process."""

from __future__ import annotations

import email
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.models import AgencyKind, IdentityProvider, Role, User
from insight.demo import FORMER_CHAIRS, HISTORY_PANELS
from panels.models.panels import Panel, PanelState
from portal import demo, outbox
from portal.demo import DEMO_AGENCIES, local_provider, provider_config
from portal.notices import Notice
from portal.outbox import OutboxEmail
from tests.support import local_provider as provider_pages
from tests.support.providers import sign_in
from tests.support.work import run_jobs

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_demo_covers_four_kinds_of_agency_and_every_role() -> None:
    kinds = {agency.kind for agency in DEMO_AGENCIES}
    assert {
        AgencyKind.PROBATION,
        AgencyKind.POLICE,
        AgencyKind.CHILDRENS_SERVICES,
        AgencyKind.MENTAL_HEALTH,
    } <= kinds
    roles = {role for agency in DEMO_AGENCIES for person in agency.people for role in person.roles}
    assert roles == set(Role)


def test_readme_names_every_demo_person() -> None:
    for agency in DEMO_AGENCIES:
        for person in agency.people:
            assert f"| {agency.name} | {person.subject} |" in README


def test_seeding_twice_adds_nothing_more(app: Flask, db: Session) -> None:
    with app.app_context():
        demo.seed(db)
        demo.seed(db)
    people = sum(1 for agency in DEMO_AGENCIES for person in agency.people if person.approved)
    # With the former chairs and inspector of the insight pages' history, who cannot sign in.
    people += len(FORMER_CHAIRS) + 1
    assert db.scalar(select(func.count()).select_from(User)) == people
    assert db.scalars(select(IdentityProvider)).all()[0].is_demo
    # Priya Shah's three, and the one Rachel Obi chairs from the inspectorate.
    assert db.scalar(select(func.count()).select_from(Panel)) == 4 + HISTORY_PANELS
    states = set(db.scalars(select(Panel.state)))
    assert {PanelState.OPEN, PanelState.MONITORING, PanelState.CLOSED} == states


def test_a_demo_person_signs_in_through_their_agencys_provider(
    app: Flask, db: Session, tmp_path: Path
) -> None:
    with app.app_context():
        demo.seed(db)
    police = next(agency for agency in DEMO_AGENCIES if agency.kind is AgencyKind.POLICE)
    config = provider_config(police, app.config["PORTAL_BASE_URL"])
    with local_provider(config, tmp_path):
        client = app.test_client()
        lead = police.people[0]
        assert sign_in(client, police.slug, lead.subject).headers["Location"] == "/"
        page = client.get("/").get_data(as_text=True)
        assert "David Clarke" in page and "Metropolitan Police" in page and "Agency lead" in page


def test_demo_people_are_listed_with_who_they_are_on_their_providers_page(
    app: Flask, db: Session, tmp_path: Path
) -> None:
    with app.app_context():
        demo.seed(db)
    police = next(agency for agency in DEMO_AGENCIES if agency.kind is AgencyKind.POLICE)
    with local_provider(provider_config(police, app.config["PORTAL_BASE_URL"]), tmp_path):
        start = app.test_client().get(f"/sign-in/{police.slug}").headers["Location"]
        page = provider_pages.walk(requests.Session(), start, police.issuer).text
    for person in police.people:
        assert f'value="{person.subject}"' in page
        assert person.name in page and person.description in page
    assert "new starter" in page


def test_every_link_the_demo_told_someone_about_leads_to_a_page(app: Flask, db: Session) -> None:
    with app.app_context():
        demo.seed(db)
    links = set(db.scalars(select(Notice.link)))
    assert len(links) > 5
    adapter = app.url_map.bind("")
    for link in links:
        endpoint, _values = adapter.match(link, method="GET")  # raises if no route has it
        assert endpoint.split(".")[0] in {"panels", "extracts", "home", "agencies"}
    emails = db.scalars(select(OutboxEmail.body)).all()
    assert emails and all(app.config["PORTAL_BASE_URL"] + "/" in body for body in emails)


def test_the_demo_keeps_the_emails_it_sends_in_its_mailbox(
    app: Flask, db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "MAILBOX", tmp_path / "demo-mail")
    with demo._mailbox() as (host, port):
        app.config.update(SMTP_HOST=host, SMTP_PORT=port)
        with app.app_context():
            outbox.enqueue(db, "priya.shah@example.gov.uk", "A contribution", "Please review it.")
            db.commit()
        run_jobs(app)
    (kept,) = (tmp_path / "demo-mail" / "new").iterdir()
    message = email.message_from_bytes(kept.read_bytes())
    assert (message["To"], message["Subject"]) == ("priya.shah@example.gov.uk", "A contribution")
    assert db.scalar(select(OutboxEmail.sent_at)) is not None

"""The navigation offers Panels and Cases only to people whose lists can hold something, and
probation regions are named as the Probation Service names them."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from agencies.models import Role
from panels import panels
from panels.models.cases import ProbationRegion
from panels.models.panels import PanelRole
from tests.support import people
from tests.support.people import signed_in_as
from tests.support.world import World


def navigation(app: Flask, db: Session, person: object) -> str:
    page = signed_in_as(app.test_client(), db, person).get("/").get_data(as_text=True)  # type: ignore[arg-type]
    start = page.index('class="govuk-service-navigation"')
    return page[start : page.index("</nav>", start)]


def test_a_practitioner_on_no_panel_is_not_offered_panels_or_cases(
    app: Flask, db: Session, world: World
) -> None:
    offered = navigation(app, db, world["practitioner"])
    assert 'href="/panels"' not in offered and 'href="/cases"' not in offered
    assert 'href="/learning"' in offered and 'href="/my-extracts"' in offered


def test_members_observers_leads_and_chairs_are_offered_panels_and_cases(
    app: Flask, db: Session, world: World
) -> None:
    for key in ("probation_rep", "observer", "police_lead", "chair", "admin"):
        offered = navigation(app, db, world[key])
        assert 'href="/panels"' in offered and 'href="/cases"' in offered, key


def test_a_practitioner_named_to_a_panel_is_offered_it(
    app: Flask, db: Session, world: World
) -> None:
    chair = db.merge(world["chair"])
    panels.add_member(
        db, chair, db.merge(world.panel), db.merge(world["practitioner"]), PanelRole.REPRESENTATIVE
    )
    db.commit()
    offered = navigation(app, db, world["practitioner"])
    assert 'href="/panels"' in offered and 'href="/cases"' in offered


def test_a_disclosure_lead_is_offered_cases_but_not_panels(
    app: Flask, db: Session, world: World
) -> None:
    lead = people.person(
        db,
        world["admin"],
        people.provider_of(db, "probation"),
        "nadia-khan",
        [Role.DISCLOSURE_LEAD],
    )
    offered = navigation(app, db, lead)
    assert 'href="/cases"' in offered and 'href="/panels"' not in offered


def test_probation_regions_are_named_as_written_not_title_cased() -> None:
    labels = {region: region.label for region in ProbationRegion}
    assert labels[ProbationRegion.EAST_OF_ENGLAND] == "East of England"
    assert labels[ProbationRegion.YORKSHIRE_AND_THE_HUMBER] == "Yorkshire and the Humber"
    assert labels[ProbationRegion.KENT_SURREY_AND_SUSSEX] == "Kent, Surrey and Sussex"
    for label in labels.values():
        assert not any(word in label.split() for word in ("Of", "And", "The")), label

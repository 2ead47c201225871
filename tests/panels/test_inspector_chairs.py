"""The inspectorate convenes panels: a panel chair of an inspectorate adds a case, opens and
chairs its panel through the pages, as a probation chair does, and as an inspector dip-samples
what it delivered."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import AgencyKind, Role
from panels.access import is_inspector
from panels.models.actions import Action, ActionState
from panels.models.cases import Case, ProbationRegion
from panels.models.dip_samples import DipSample
from panels.models.panels import Panel, PanelState
from portal.notices import Notice
from tests.conftest import csrf_token
from tests.support.inspectorate import inspector
from tests.support.people import signed_in_as
from tests.support.world import World, case_form


def post(client: FlaskClient, url: str, form: dict[str, object]) -> str:
    """Send the page's form; where it went."""
    sent = client.post(url, data={**form, "csrf_token": csrf_token(client, url)})
    assert sent.status_code == 302, (url, sent.status_code, sent.get_data(as_text=True)[-2000:])
    return sent.headers["Location"]


def test_an_inspector_with_the_chair_role_chairs_a_panel_from_case_to_sign_off(
    app: Flask, db: Session, world: World
) -> None:
    rachel = inspector(db, world, "rachel", Role.PANEL_CHAIR)
    assert rachel.agency.kind is AgencyKind.INSPECTORATE and is_inspector(rachel)
    chair = signed_in_as(app.test_client(), db, rachel)
    police = world.agencies["police"]

    post(chair, "/cases/new", case_form("", "SFO-TEST-0305"))
    case = db.scalars(select(Case).where(Case.reference == "SFO-TEST-0305")).one()
    assert case.region is ProbationRegion.WALES
    post(chair, f"/cases/{case.id}/panels/new", {"terms_of_reference": "Convened by HMIP."})
    panel = db.scalars(select(Panel).where(Panel.case_id == case.id)).one()
    assert panel.chair_id == rachel.id
    post(chair, f"/panels/{panel.id}/invite", {"agency": str(police.id)})
    post(chair, f"/panels/{panel.id}/state?value=open", {})
    post(
        chair,
        f"/panels/{panel.id}/members",
        {"user": str(world["police_rep"].id), "role": "representative"},
    )
    post(
        chair,
        f"/panels/{panel.id}/actions/new",
        {
            "description": "Share arrest records with probation within a day.",
            "owner_agency": str(police.id),
            "owner_role": "Head of Public Protection",
            "target_date": ["31", "3", "2027"],
            "measure_of_success": "An audit of twenty cases.",
        },
    )
    action = db.scalars(select(Action).where(Action.panel_id == panel.id)).one()

    rep = signed_in_as(app.test_client(), db, world["police_rep"])
    post(rep, f"/actions/{action.id}/respond", {"answer": "agreed"})
    post(chair, f"/panels/{panel.id}/state?value=contributions_closed", {})
    post(chair, f"/panels/{panel.id}/state?value=action_plan_agreed", {})
    post(rep, f"/actions/{action.id}/progress", {"text": "Twenty cases audited."})
    post(chair, f"/actions/{action.id}/sign-off", {})
    db.expire_all()
    assert db.get(Panel, panel.id).state is PanelState.ACTION_PLAN_AGREED  # type: ignore[union-attr]
    done = db.get(Action, action.id)
    assert done is not None and done.state is ActionState.COMPLETED
    assert done.impact_review_due is not None
    # The police were told by their chair, of the inspectorate, as by any other.
    told = db.scalars(select(Notice.text).where(Notice.user_id == world["police_rep"].id)).all()
    assert any("has been proposed by the panel for case SFO-TEST-0305" in text for text in told)

    # As an inspector, she samples the region's completed actions: her panel's among them.
    assert post(chair, "/dip-samples/new", {"region": "wales", "size": "3"}).startswith(
        "/dip-samples/"
    )
    sample = db.scalars(select(DipSample)).one()
    assert [item.action_id for item in sample.items] == [action.id]
    post(rep, f"/actions/{action.id}/impact", {"outcome": "changed", "evidence": "An audit."})
    to_chair = db.scalars(select(Notice.text).where(Notice.user_id == rachel.id)).all()
    assert any("recorded the impact review of action" in text for text in to_chair)

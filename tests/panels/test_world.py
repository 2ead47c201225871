"""The test world itself is built through the real operations, and means what it says."""

from __future__ import annotations

from panels.models.panels import PanelRole, PanelState
from portal.policy import can


def test_the_world_has_its_panels_and_people(world) -> None:  # type: ignore[no-untyped-def]
    assert world.panel.state is PanelState.OPEN
    roles = {member.user_id: member.role for member in world.panel.members}
    assert roles[world["chair"].id] is PanelRole.CHAIR
    assert roles[world["police_rep"].id] is PanelRole.REPRESENTATIVE
    assert world["outsider"].id not in roles
    assert can(world["police_lead"], "view", world.panel)
    assert not can(world["other_member"], "view", world.panel)
    assert not can(world["practitioner"], "view", world.panel)


def test_signed_in_as_gives_a_working_session(app, db, world) -> None:  # type: ignore[no-untyped-def]
    from tests.support.people import signed_in_as

    client = signed_in_as(app.test_client(), db, world["chair"])
    assert "Grace Hopper" in client.get("/").get_data(as_text=True)
    assert client.get(f"/panels/{world.panel.id}").status_code == 200
    outsider = signed_in_as(app.test_client(), db, world["outsider"])
    assert outsider.get(f"/panels/{world.panel.id}").status_code == 403

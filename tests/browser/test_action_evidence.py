"""Evidence with progress, in a real browser: a representative attaches a file to progress on an
action, follows the worker reading it, and the chair reads it on the action; every page on the
way passes axe."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.browser.conftest import SignIn, accessibility_violations, heading
from tests.support.actions import agreed_action
from tests.support.world import World

PROBATION = "Northshire Probation"
PROCEDURE = b"Revised procedure\n\nEvery arrest prompts a review of risk within one working day."


def test_evidence_is_attached_read_and_shown_on_the_action(
    sign_in: SignIn, live_server: str, worker: None, app: Flask, db: Session, world: World
) -> None:
    action = agreed_action(
        app,
        db,
        world,
        "probation",
        "<p>Review risk after every arrest.</p>",
        "<p>An audit of twenty cases.</p>",
    )
    action_url = f"{live_server}/actions/{action.id}"

    rep = sign_in(PROBATION, "alan", world["probation_rep"].name)
    rep.goto(action_url)
    rep.get_by_role("button", name="Add progress and evidence").click()
    expect(heading(rep)).to_have_text(f"Add progress on action A{action.id}")
    expect(rep.get_by_role("main")).to_contain_text(
        f"A{action.id}: Review risk after every arrest."
    )
    assert accessibility_violations(rep) == []
    rep.get_by_label("Progress and its evidence").fill("Procedure revised and issued.")
    rep.get_by_label("Attach evidence (optional)").set_input_files(
        {"name": "procedure.txt", "mimeType": "text/plain", "buffer": PROCEDURE}
    )
    rep.get_by_role("button", name="Add progress").click()
    # The worker reads the file while the representative waits, then sends them to the action.
    expect(rep).to_have_url(action_url, timeout=20_000)
    main = rep.get_by_role("main")
    expect(main).to_contain_text("Procedure revised and issued.")
    expect(main).to_contain_text(f"procedure.txt, added by {world['probation_rep'].name}")
    expect(main).to_contain_text(": read")
    assert accessibility_violations(rep) == []

    chair = sign_in(PROBATION, "grace", world["chair"].name)
    chair.goto(action_url)
    chair.get_by_role("link", name="procedure.txt", exact=True).click()
    expect(heading(chair)).to_have_text("procedure.txt")
    expect(chair.get_by_role("main")).to_contain_text("Every arrest prompts a review of risk")
    assert accessibility_violations(chair) == []
    with chair.expect_download() as download:
        chair.get_by_role("link", name="Download the original procedure.txt").click()
    assert download.value.suggested_filename == "procedure.txt"

    # The plan and the panel list the action in words, with its evidence.
    chair.goto(f"{live_server}/panels/{world.panel.id}/actions")
    card = chair.get_by_role("heading", name=f"A{action.id}: Review risk after every arrest.")
    expect(card).to_be_visible()
    expect(chair.get_by_role("main")).to_contain_text("procedure.txt")
    assert accessibility_violations(chair) == []
    chair.goto(f"{live_server}/panels/{world.panel.id}")
    expect(
        chair.get_by_role("link", name=f"A{action.id}: Review risk after every arrest.")
    ).to_be_visible()
    assert accessibility_violations(chair) == []

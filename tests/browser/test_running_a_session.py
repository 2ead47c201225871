"""A panel session run by its chair in a real browser, on the one page, as the meeting goes:
attendance, the agenda built from the agencies' contributions, a decision, a question, learning
and an action recorded against the items; then the minutes draft assembled from them, edited
and published, and read by a member."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import contributions, sessions
from panels.models.contributions import Contribution
from tests.browser.conftest import SignIn, accessibility_violations, confirm, heading, success
from tests.browser.test_panel_life import fill_date
from tests.support.world import World

PROBATION = "Northshire Probation"
POLICE = "Northshire Police"


def item(page: Page, title: str) -> Locator:
    """An agenda item's part of the run page, found by its heading."""
    return page.get_by_role("region", name=re.compile(re.escape(title)))


def reveal(part: Locator, summary: str) -> None:
    """Open one of an item's forms, each folded away in a GOV.UK details element."""
    part.locator("summary", has_text=summary).click()


def test_the_chair_runs_a_session_and_publishes_its_minutes(
    sign_in: SignIn,
    csp_violations: list[str],
    live_server: str,
    app: Flask,
    db: Session,
    world: World,
) -> None:
    # Set-up: both agencies have sent the chair their contributions; a session is scheduled.
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=14)
    with app.test_request_context():
        for agency, writer, text in (
            ("probation", "probation_rep", "Supervised on licence; risk not reviewed."),
            ("police", "police_rep", "Arrested him in November; probation was not told."),
        ):
            contribution = db.scalar(
                select(Contribution).filter_by(
                    panel_id=world.panel.id, agency_id=world.agencies[agency].id
                )
            )
            assert contribution is not None
            contributions.save(
                db,
                world[writer],
                contribution,
                contribution.version,
                {"involvement": text, "proposed_actions": "Share arrests the same day."},
            )
            contributions.submit(db, world[writer], contribution)
        session = sessions.schedule(
            db,
            world["chair"],
            world.panel,
            starts_at=starts,
            duration_minutes=120,
            location="Room 4, Northshire Probation Office",
            online_link="",
            agenda="Introductions\n\nEach agency's contribution",
        )
        db.commit()
    session_url = f"{live_server}/sessions/{session.id}"

    # The chair opens the session and runs it.
    chair = sign_in(PROBATION, "grace", "Grace Hopper")
    chair.goto(session_url)
    chair.get_by_role("button", name="Run the session").click()
    expect(heading(chair)).to_have_text("Run the session")
    run_url = chair.url.split("#")[0]
    assert accessibility_violations(chair) == []

    # Attendance, by person and agency.
    attendance = chair.get_by_role("region", name="Attendance")
    for attendee in (f"Grace Hopper, {PROBATION}", f"Alan Turing, {PROBATION}"):
        attendance.get_by_role("group", name=attendee).get_by_label("Present").check()
    attendance.get_by_role("group", name=f"Police Rep, {POLICE}").get_by_label("Present").check()
    attendance.get_by_role("group", name=f"Observer, {PROBATION}").get_by_label("Apologies").check()
    attendance.get_by_role("button", name="Save attendance").click()
    success(chair, "Attendance has been recorded.")
    expect(chair).to_have_url(f"{run_url}#attendance")
    expect(
        chair.get_by_role("group", name=f"Observer, {PROBATION}").get_by_label("Apologies")
    ).to_be_checked()

    # The agenda: one item for each agency's contribution, and one the chair adds.
    chair.get_by_role(
        "button", name="Build the agenda from contributions and open questions"
    ).click()
    success(chair, "The agenda has been built")
    expect(chair).to_have_url(f"{run_url}#agenda")
    contents = chair.get_by_role("navigation", name="On this page")
    expect(contents.get_by_role("link", name=f"{POLICE}'s contribution")).to_be_visible()
    expect(contents.get_by_role("link", name=f"{PROBATION}'s contribution")).to_be_visible()
    chair.get_by_label("Title of the item").fill("Any other business")
    chair.get_by_role("button", name="Add to the agenda").click()
    success(chair, "The item has been added to the agenda.")
    expect(chair).to_have_url(re.compile(r"/run#item-\d+$"))

    # A decision against probation's item: refused while empty, then recorded.
    probation = item(chair, f"{PROBATION}'s contribution")
    probation_anchor = f"{run_url}#{probation.get_attribute('id')}"
    reveal(probation, "Record a decision")
    probation.get_by_role("button", name=re.compile("^Record decision")).click()
    expect(chair).to_have_title(re.compile(r"^Error: Run the session"))
    expect(chair.get_by_role("alert")).to_contain_text("Write the decision")
    assert accessibility_violations(chair) == []
    probation = item(chair, f"{PROBATION}'s contribution")
    probation.get_by_label("Decision", exact=True).fill(
        "Probation will audit its risk reviews after arrests."
    )
    probation.get_by_role("button", name=re.compile("^Record decision")).click()
    success(chair, "The decision has been recorded.")
    expect(chair).to_have_url(probation_anchor)
    probation = item(chair, f"{PROBATION}'s contribution")
    expect(probation).to_contain_text(
        "Decision: Probation will audit its risk reviews after arrests."
    )

    probation.get_by_label("Notes of the discussion").fill("Alan Turing presented the findings.")
    probation.get_by_role("button", name=re.compile("^Save notes")).click()
    success(chair, "The notes have been saved.")
    expect(chair).to_have_url(probation_anchor)

    probation = item(chair, f"{PROBATION}'s contribution")
    reveal(probation, "Record a question left open")
    probation.get_by_label("Question left open", exact=True).fill(
        "Did the police tell probation of the arrest?"
    )
    probation.get_by_role("button", name=re.compile("^Record question")).click()
    success(chair, "The question has been recorded")

    # Learning and a proposed action against police's item.
    police = item(chair, f"{POLICE}'s contribution")
    police_anchor = f"{run_url}#{police.get_attribute('id')}"
    reveal(police, "Record learning")
    police.get_by_label("Learning point").fill("Arrests must prompt a review of risk")
    police.get_by_label("What was learnt").fill("Neither agency asked the other what it knew.")
    police.get_by_role("group", name="Level it applies to").get_by_label("Multi-agency").check()
    police.get_by_role("group", name="Themes").get_by_label("Information sharing").check()
    concerned = police.get_by_role("group", name="Agencies it concerns")
    concerned.get_by_label(PROBATION).check()
    concerned.get_by_label(POLICE).check()
    police.get_by_role("button", name=re.compile("^Record learning")).click()
    success(chair, "The learning has been recorded.")
    expect(chair).to_have_url(police_anchor)

    police = item(chair, f"{POLICE}'s contribution")
    reveal(police, "Propose an action")
    police.get_by_label("Action", exact=True).fill("Tell probation of every arrest within a day.")
    police.get_by_label("Owning agency").select_option(label=POLICE)
    police.get_by_label("Owner's role").fill("Head of Public Protection")
    fill_date(police.get_by_role("group", name="Target date"), starts.date() + timedelta(days=90))
    police.get_by_label("Measure of success").fill("An audit of twenty arrests finds all shared.")
    police.get_by_label("Learning it answers").select_option(
        label="Arrests must prompt a review of risk"
    )
    police.get_by_role("button", name=re.compile("^Propose action")).click()
    success(chair, "The action has been proposed; its agency has been asked to answer it.")
    expect(chair).to_have_url(police_anchor)
    police = item(chair, f"{POLICE}'s contribution")
    expect(police).to_contain_text("Learning: Arrests must prompt a review of risk")
    expect(police).to_contain_text("Proposed action:")
    expect(police).to_contain_text("Tell probation of every arrest within a day.")
    expect(police).to_contain_text(POLICE)
    assert accessibility_violations(chair) == []

    # The minutes draft, assembled from what was recorded, edited and published.
    chair.get_by_role("button", name="Assemble the minutes draft").click()
    expect(heading(chair)).to_have_text("Assemble the minutes draft?")
    chair.get_by_role("button", name="Assemble the minutes").click()
    success(chair, "The minutes draft has been assembled")
    expect(heading(chair)).to_have_text("Minutes and decisions")
    minutes = chair.get_by_label("Minutes", exact=True)
    expect(minutes).to_have_value(re.compile(r"Alan Turing presented the findings\."))
    expect(minutes).to_have_value(re.compile(r"Question left open: Did the police tell"))
    expect(chair.get_by_label("Decisions", exact=True)).to_have_value(
        re.compile(r"Probation will audit its risk reviews after arrests\.")
    )
    minutes.fill(minutes.input_value() + "\n\nThe panel meets again in a month.")
    assert accessibility_violations(chair) == []
    chair.get_by_role("button", name="Save minutes").click()
    success(chair, "The minutes have been saved.")
    confirm(chair, "Publish minutes to members", "Publish minutes")
    success(chair, "The minutes have been published to the panel's members.")

    # A member reads them, with the agenda as it was run; the run page is not theirs.
    member = sign_in(POLICE, "police-rep", "police-rep")
    member.goto(session_url)
    main = member.get_by_role("main")
    expect(main).to_contain_text("Probation will audit its risk reviews after arrests.")
    expect(main).to_contain_text("The panel meets again in a month.")
    expect(main).to_contain_text("Any other business")
    expect(member.get_by_role("button", name="Run the session")).to_have_count(0)
    assert accessibility_violations(member) == []
    assert member.goto(f"{run_url}").status == 403
    assert csp_violations == []

"""One panel's whole life, walked through the pages in a real browser by the people who do it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Locator, expect
from sqlalchemy.orm import Session

from agencies import agencies
from agencies.models import Agency, AgencyKind, Role, User
from tests.browser.conftest import SignIn, accessibility_violations, confirm, heading, success
from tests.support import people
from tests.support.providers import Provider

CASE = "SFO-2026-0042"
PROBATION = "Northshire Probation"
POLICE = "Northshire Police"


def fill_date(group: Locator, day: date) -> None:
    """A GOV.UK date input: the Day, Month and Year boxes inside its fieldset."""
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_panel_lives_from_opening_to_closing(
    sign_in: SignIn,
    csp_violations: list[str],
    live_server: str,
    db: Session,
    admin: User,
    agency: Agency,
    tampering_provider: Provider,
) -> None:
    # Set-up: the people, who have each signed in once and been approved by the administrator.
    agencies.register_agency(
        db,
        None,
        name=POLICE,
        kind=AgencyKind.POLICE,
        slug="police",
        issuer=tampering_provider.issuer,
        client_id="learning-panel-portal",
    )
    db.commit()
    probation_idp = people.provider_of(db, "probation")
    police_idp = people.provider_of(db, "police")
    people.person(db, admin, probation_idp, "grace", [Role.PANEL_CHAIR])
    people.person(db, admin, probation_idp, "alan", [Role.PANEL_MEMBER])
    people.person(db, admin, police_idp, "hannah-price", [Role.PANEL_MEMBER])
    soon = date.today() + timedelta(days=30)

    # The chair adds the case and sets up its panel.
    chair = sign_in(PROBATION, "grace", "Grace Hopper")
    chair.goto(live_server + "/cases/new")
    chair.get_by_label("Case reference").fill(CASE)
    chair.get_by_label("Probation region").select_option(label="North East")
    chair.get_by_label("Offence", exact=True).select_option(label="Murder")
    fill_date(chair.get_by_role("group", name="Date of the offence"), date(2026, 1, 14))
    chair.get_by_label("SFO review status").select_option(label="In progress")
    chair.get_by_role("button", name="Save case").click()
    success(chair, f"Case {CASE} has been added.")
    expect(heading(chair)).to_have_text(f"Case {CASE}")

    chair.get_by_role("button", name="Set up a panel").click()
    chair.get_by_label("Terms of reference").fill(
        "Look at what each agency knew of the risk, and what it did."
    )
    fill_date(chair.get_by_role("group", name="Deadline for agencies' contributions"), soon)
    fill_date(
        chair.get_by_role("group", name="Target date for the action plan"),
        soon + timedelta(days=60),
    )
    chair.get_by_role("button", name="Save", exact=True).click()
    expect(heading(chair)).to_have_text(f"Case {CASE} Draft")
    panel_url = chair.url

    for invited in (PROBATION, POLICE):
        chair.get_by_role("link", name="Invite an agency").click()
        chair.get_by_label("Agency").select_option(label=invited)
        chair.get_by_role("button", name="Invite agency").click()
        success(chair, f"{invited} has been invited.")
    for representative in (f"Alan Turing, {PROBATION}", f"Hannah Price, {POLICE}"):
        chair.get_by_role("link", name="Name a representative").click()
        chair.get_by_label("Person").select_option(label=representative)
        chair.get_by_role("button", name="Add to panel").click()
        success(chair, "has been added to the panel.")
    people_on_panel = chair.get_by_role("heading", name="People").locator("+ ul")
    expect(people_on_panel).to_contain_text(f"Alan Turing, {PROBATION} (agency representative)")
    expect(people_on_panel).to_contain_text(f"Hannah Price, {POLICE} (agency representative)")
    assert accessibility_violations(chair) == []
    confirm(chair, "Open the panel to agencies")
    expect(heading(chair)).to_have_text(f"Case {CASE} Open")

    # Probation's representative writes, adds to the chronology and submits.
    probation = sign_in(PROBATION, "alan", "Alan Turing")
    probation.get_by_role(
        "link", name=f"Write {PROBATION}'s contribution to the panel for case {CASE}"
    ).click()
    expect(heading(probation)).to_have_text(f"{PROBATION}'s contribution Draft")
    probation.get_by_role("button", name="Edit contribution").click()
    assert accessibility_violations(probation) == []
    probation.get_by_label("The agency's involvement with the person").fill(
        "Supervised on licence from March 2025; seen fortnightly."
    )
    probation.get_by_label("Analysis of key decisions and missed opportunities").fill(
        "The risk assessment was not reviewed after the arrest in November."
    )
    probation.get_by_label("Good practice").fill("Appointments were kept and recorded.")
    probation.get_by_label("Learning for the agency").fill("Review risk after any new arrest.")
    probation.get_by_label("Proposed actions").fill("Audit risk reviews after arrests.")
    probation.get_by_role("button", name="Save draft").click()
    success(probation, "Your draft has been saved.")

    probation.get_by_role("link", name="Add an event to the chronology").click()
    fill_date(probation.get_by_role("group", name="Date", exact=True), date(2025, 11, 3))
    probation.get_by_label("What happened").fill("Arrested for a public order offence.")
    probation.get_by_label("What the agency did").fill("Noted on the case record.")
    probation.get_by_label("Comment on the practice").fill("No risk review followed.")
    probation.get_by_role("button", name="Add to chronology").click()
    success(probation, "The event has been added to the chronology.")
    chronology = probation.get_by_role("table", name="Chronology")
    expect(chronology).to_contain_text("3 November 2025")
    expect(chronology).to_contain_text("Arrested for a public order offence.")
    confirm(probation, "Submit to the chair", "Submit contribution")
    expect(heading(probation)).to_have_text(f"{PROBATION}'s contribution Submitted")

    # The police representative writes and submits.
    police = sign_in(POLICE, "hannah-price", "Hannah Price")
    police.get_by_role(
        "link", name=f"Write {POLICE}'s contribution to the panel for case {CASE}"
    ).click()
    police.get_by_role("button", name="Edit contribution").click()
    police.get_by_label("The agency's involvement with the person").fill(
        "Arrested him once, in November 2025."
    )
    police.get_by_role("button", name="Save draft").click()
    success(police, "Your draft has been saved.")
    confirm(police, "Submit to the chair", "Submit contribution")
    expect(heading(police)).to_have_text(f"{POLICE}'s contribution Submitted")
    police_contribution_url = police.url

    # The chair returns police's with comments; police changes it and resubmits.
    chair.goto(panel_url)
    chair.get_by_role("link", name=POLICE, exact=True).click()
    chair.get_by_role("button", name="Return with comments").click()
    chair.get_by_label("Comments for the agency").fill("Say whether probation was told.")
    chair.get_by_role("button", name="Return to the agency").click()
    success(chair, f"The contribution has been returned to {POLICE}.")
    expect(heading(chair)).to_have_text(f"{POLICE}'s contribution Returned")

    police.goto(police_contribution_url)
    expect(police.get_by_role("region", name="The chair's comments")).to_contain_text(
        "Say whether probation was told."
    )
    police.get_by_role("button", name="Edit contribution").click()
    police.get_by_label("The agency's involvement with the person").fill(
        "Arrested him once, in November 2025. Probation was told by email the next day."
    )
    police.get_by_role("button", name="Save draft").click()
    success(police, "Your draft has been saved.")
    confirm(police, "Submit to the chair", "Submit contribution")
    expect(heading(police)).to_have_text(f"{POLICE}'s contribution Resubmitted")

    # The chair accepts both.
    for contributor in (POLICE, PROBATION):
        chair.goto(panel_url)
        chair.get_by_role("link", name=contributor, exact=True).click()
        chair.get_by_role("button", name="Accept", exact=True).click()
        chair.get_by_role("button", name="Accept contribution").click()
        success(chair, f"{contributor}'s contribution has been accepted.")
        expect(heading(chair)).to_have_text(f"{contributor}'s contribution Accepted")

    # The chair schedules a session, records who came, and writes and publishes the minutes.
    chair.goto(panel_url)
    chair.get_by_role("link", name="Schedule a session").click()
    chair.get_by_role("button", name="Save session").click()
    expect(chair).to_have_title(re.compile(r"^Error: Schedule a session"))
    errors = chair.get_by_role("alert")
    expect(errors).to_contain_text("There is a problem")
    expect(errors).to_contain_text("Enter the date of the session")
    expect(errors).to_contain_text("Enter the start time, like 14:30")
    assert accessibility_violations(chair) == []
    fill_date(chair.get_by_role("group", name="Date", exact=True), soon)
    chair.get_by_label("Start time").fill("14:30")
    chair.get_by_label("Place").fill("Room 4, Northshire Probation Office")
    chair.get_by_label("Agenda").fill("Introductions\n\nEach agency's contribution\n\nLearning")
    chair.get_by_role("button", name="Save session").click()
    success(chair, "The session has been scheduled.")
    expect(heading(chair)).to_contain_text("Session on")
    session_url = chair.url

    chair.get_by_role("button", name="Record attendance").click()
    for attendee in (f"Grace Hopper, {PROBATION}", f"Alan Turing, {PROBATION}"):
        chair.get_by_role("group", name=attendee).get_by_label("Present").check()
    chair.get_by_role("group", name=f"Hannah Price, {POLICE}").get_by_label("Apologies").check()
    chair.get_by_role("button", name="Save attendance").click()
    success(chair, "Attendance has been recorded.")
    attendance = chair.get_by_role("table", name="Attendance by agency")
    expect(attendance.get_by_role("row", name="Hannah Price")).to_contain_text("Apologies")
    expect(attendance.get_by_role("row", name="Alan Turing")).to_contain_text("Present")

    chair.get_by_role("button", name="Write minutes").click()
    chair.get_by_label("Minutes", exact=True).fill("Each agency presented its contribution.")
    chair.get_by_label("Decisions", exact=True).fill("Probation will audit its risk reviews.")
    chair.get_by_role("button", name="Save minutes").click()
    success(chair, "The minutes have been saved.")
    confirm(chair, "Publish minutes to members", "Publish minutes")
    success(chair, "The minutes have been published to the panel's members.")

    # The chair closes contributions, then records learning and shares it.
    chair.goto(panel_url)
    confirm(chair, "Close contributions")
    expect(heading(chair)).to_have_text(f"Case {CASE} Contributions closed")
    chair.get_by_role("link", name="Record learning").click()
    chair.get_by_label("Learning point").fill("Arrests must prompt a review of risk")
    chair.get_by_label("What was learnt").fill("Neither agency asked the other what it knew.")
    chair.get_by_role("group", name="Level it applies to").get_by_label("Multi-agency").check()
    themes = chair.get_by_role("group", name="Themes")
    themes.get_by_label("Risk assessment").check()
    themes.get_by_label("Information sharing").check()
    concerned = chair.get_by_role("group", name="Agencies it concerns")
    concerned.get_by_label(PROBATION).check()
    concerned.get_by_label(POLICE).check()
    chair.get_by_role("button", name="Save learning").click()
    success(chair, "The learning has been recorded.")
    confirm(chair, "Share with the agencies", "Share learning")
    success(chair, "The learning has been shared with the agencies it concerns.")

    police.goto(live_server + "/")
    shared = police.get_by_role("heading", name="Learning shared with my agency").locator("+ ul")
    expect(shared).to_contain_text("Arrests must prompt a review of risk")
    assert accessibility_violations(police) == []

    # The chair adds two actions, one for each agency.
    action_urls = {}
    for owner, role, text in (
        (PROBATION, "Head of Public Protection", "Audit risk reviews after every arrest."),
        (POLICE, "Head of Safeguarding", "Tell probation of every arrest within a day."),
    ):
        chair.goto(panel_url)
        chair.get_by_role("link", name="Add an action").click()
        chair.get_by_label("Action", exact=True).fill(text)
        chair.get_by_label("Owning agency").select_option(label=owner)
        chair.get_by_label("Owner's role").fill(role)
        fill_date(chair.get_by_role("group", name="Target date"), soon + timedelta(days=90))
        chair.get_by_label("Measure of success").fill("An audit report to the panel.")
        chair.get_by_label("Learning it answers").select_option(
            label="Arrests must prompt a review of risk"
        )
        chair.get_by_role("button", name="Save action").click()
        success(chair, "The action has been added")
        expect(heading(chair)).to_contain_text("Proposed")
        action_urls[owner] = chair.url

    # Probation agrees its action.
    probation.goto(live_server + "/")
    probation.get_by_role("link", name=re.compile(r"^Answer action A\d+")).click()
    probation.get_by_role("button", name="Answer for your agency").click()
    probation.get_by_role("radio", name="Agreed", exact=True).check()
    probation.get_by_role("button", name="Send answer").click()
    success(probation, "Your agency's answer has been recorded.")
    expect(heading(probation)).to_contain_text("Agreed")

    # Police does not agree its own: first without a reason, which is refused, then with one.
    police.goto(live_server + "/")
    police.get_by_role("link", name=re.compile(r"^Answer action A\d+")).click()
    expect(police).to_have_url(action_urls[POLICE])
    police.get_by_role("button", name="Answer for your agency").click()
    police.get_by_role("radio", name="Not agreed").check()
    police.get_by_role("button", name="Send answer").click()
    expect(police).to_have_title(re.compile(r"^Error: Answer action"))
    expect(police.get_by_role("alert")).to_contain_text(
        "Say why your agency has not fully agreed the action"
    )
    expect(police.get_by_role("radio", name="Not agreed")).to_be_checked()
    assert accessibility_violations(police) == []
    chair.goto(action_urls[POLICE])
    expect(heading(chair)).to_contain_text("Proposed")
    reason = "Operational: arrests are already shared through the daily MAPPA bulletin."
    police.get_by_label("Reason", exact=True).fill(reason)
    police.get_by_role("button", name="Send answer").click()
    success(police, "Your agency's answer has been recorded.")
    expect(heading(police)).to_contain_text("Not agreed")

    # The chair agrees the plan and starts monitoring; probation reports progress.
    chair.goto(panel_url)
    confirm(chair, "Agree the action plan")
    expect(heading(chair)).to_have_text(f"Case {CASE} Action plan agreed")
    confirm(chair, "Start monitoring the actions")
    expect(heading(chair)).to_have_text(f"Case {CASE} Monitoring")

    probation.goto(action_urls[PROBATION])
    probation.get_by_role("button", name="Add progress").click()
    probation.get_by_label("Progress and its evidence").fill(
        "Audit of 40 cases done; report sent to the chair."
    )
    probation.get_by_role("button", name="Add progress").click()
    success(probation, "The progress has been added.")
    expect(probation.get_by_role("main")).to_contain_text("Audit of 40 cases done")

    # The chair signs the action off and closes the panel.
    chair.goto(action_urls[PROBATION])
    confirm(chair, "Sign off as complete")
    success(chair, "The action has been signed off as complete.")
    chair.goto(panel_url)
    confirm(chair, "Close the panel")
    success(chair, "The panel is now closed.")

    # What the pages show at the end.
    expect(heading(chair)).to_have_text(f"Case {CASE} Closed")
    chair.goto(action_urls[PROBATION])
    expect(heading(chair)).to_contain_text("Completed")
    chair.goto(action_urls[POLICE])
    expect(heading(chair)).to_contain_text("Not agreed")
    expect(chair.locator(".govuk-summary-list")).to_contain_text(reason)

    chair.goto(session_url)
    minutes = chair.get_by_role("button", name="Download minutes (PDF)").get_attribute("href")
    assert minutes is not None
    pdf = chair.request.get(live_server + minutes)
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    chair.goto(live_server + "/")
    assert accessibility_violations(chair) == []
    assert csp_violations == []

"""Each demo person signs in through their agency's own demo provider, in a real browser, and
finds on their home page the work the demo data leaves waiting for them, most urgent first; the
README's walk-through says the same."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from portal import demo
from portal.demo import DemoAgency, local_provider, provider_config
from tests.browser.conftest import SignIn, accessibility_violations, heading
from tests.support.postgres import free_port

PROBATION = "Probation Service, Northshire (demo)"
POLICE = "Metropolitan Police"
INSPECTORATE = "HM Inspectorate of Probation (demo)"

# For one person of each role (and a second panel member, whose agency's action is overdue):
# what the demo leaves waiting for them, as the links of their to-do list begin.
WAITING = {
    ("Priya Shah", "panel chair"): [
        "Publish the minutes of the session of",
        f"Review {PROBATION}'s contribution to the panel for case SFO-DEMO-0219",
        "Share the learning “Partner agencies were not asked what they knew”",
        "Prepare the session of",
        "Sign off action A",
    ],
    ("David Clarke", "agency lead"): [
        "Make sure Metropolitan Police's contribution to the panel for case SFO-DEMO-0219",
        "Answer action A",
        "Acknowledge the learning “Police call-outs did not reach the probation practitioner”",
    ],
    ("Hannah Price", "panel member"): [
        "Come to the session of",
        "Write Metropolitan Police's contribution to the panel for case SFO-DEMO-0219",
        "Answer action A",
    ],
    ("Tom Reed", "panel member"): [
        "Report progress on action A",
        "Come to the session of",
        "Record the impact of action A",
    ],
    ("Sam Okafor", "observer"): [
        "Come to the session of",
        "Record your findings on 3 actions of dip sample DS",
    ],
    # The inspector who chairs a panel: inspectors of one agency share its samples.
    ("Rachel Obi", "panel chair"): ["Record your findings on 3 actions of dip sample DS"],
    ("Chris Evans", "practitioner"): ["Read the redacted extract EX-"],
    ("Nadia Khan", "disclosure lead"): ["Approve redacted extract EX-"],
}
AGENCY_OF = {
    "Priya Shah": PROBATION,
    "Tom Reed": PROBATION,
    "Chris Evans": PROBATION,
    "Nadia Khan": PROBATION,
    "David Clarke": POLICE,
    "Hannah Price": POLICE,
    "Sam Okafor": INSPECTORATE,
    "Rachel Obi": INSPECTORATE,
}


@pytest.fixture
def demo_providers(
    app: Flask,
    db: Session,
    live_server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[DemoAgency, ...]]:
    """The demo's data and its agencies' providers, on ports of the test's own so that it runs
    beside a demo, or other tests, using the demo's ports."""
    agencies = tuple(dataclasses.replace(agency, port=free_port()) for agency in demo.DEMO_AGENCIES)
    monkeypatch.setattr(demo, "DEMO_AGENCIES", agencies)
    with app.app_context():
        demo.seed(db)
    with ExitStack() as providers:
        for agency in agencies:
            providers.enter_context(local_provider(provider_config(agency, live_server), tmp_path))
        yield agencies


def todo_list(page: Page) -> list[str]:
    """The to-do list's links, in the order shown."""
    waiting = page.locator("ol[aria-labelledby='waiting'] > li > a")
    return [text.strip() for text in waiting.all_inner_texts()]


def subject(name: str) -> str:
    return name.lower().replace(" ", ".")


def test_each_demo_person_finds_the_work_the_demo_leaves_waiting_for_them(
    sign_in: SignIn,
    browser: Browser,
    live_server: str,
    demo_providers: tuple[DemoAgency, ...],
) -> None:
    for (name, role), expected in WAITING.items():
        page = sign_in(AGENCY_OF[name], subject(name), name)
        links = todo_list(page)
        assert links, f"{name} ({role}) finds nothing waiting"
        for start in expected:
            assert any(link.startswith(start) for link in links), (name, start, links)
        # Each item says what it is about and when it is due, or since when it has waited.
        items = page.locator("ol[aria-labelledby='waiting'] > li")
        for text in items.all_inner_texts():
            assert re.search(r"(Due|Waiting since) \d{1,2} \w+ \d{4}", text), (name, text)
        assert accessibility_violations(page) == [], name
        if name == "Priya Shah":
            # Most urgent first: last week's minutes have waited longest.
            assert links[0].startswith("Publish the minutes of the session of")
        if name == "Tom Reed":
            banner = page.get_by_role("region", name="Overdue actions")
            expect(banner).to_contain_text("Review risk assessments when a person on probation")
            expect(banner).to_contain_text("days late")
        if name == "Hannah Price":
            # Probation's overdue action is not hers to act on.
            expect(page.get_by_role("region", name="Overdue actions")).to_have_count(0)
        page.context.close()

    # A new starter signs in: they are told who approves them, and their lead and the
    # administrator find them waiting.
    context = browser.new_context()
    newcomer = context.new_page()
    newcomer.goto(live_server + "/sign-in")
    newcomer.get_by_role("button", name=f"Sign in with {POLICE}").click()
    newcomer.get_by_role("button", name="jordan.lee", exact=True).click()
    expect(heading(newcomer)).to_have_text("Your account is waiting for approval")
    expect(newcomer.get_by_role("main")).to_contain_text(
        "Your agency lead, David Clarke, approves accounts for Metropolitan Police"
    )
    assert accessibility_violations(newcomer) == []
    newcomer.get_by_role("link", name="Go back to the sign-in page").click()
    expect(heading(newcomer)).to_have_text("Sign in")
    context.close()

    for agency, name in ((POLICE, "David Clarke"), (INSPECTORATE, "Alex Morgan")):
        page = sign_in(agency, subject(name), name)
        assert "Approve Jordan Lee's account" in todo_list(page), name
        page.get_by_role("link", name="Approve Jordan Lee's account").click()
        expect(heading(page)).to_have_text("Jordan Lee")
        page.context.close()

"""A person signs in through their agency's provider in a real browser and sees the dashboard."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from agencies.models import Role, User
from tests.browser.conftest import accessibility_violations
from tests.support import people

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def test_sign_in_see_the_dashboard_and_sign_out(
    page: Page, live_server: str, db: Session, admin: User
) -> None:
    people.person(db, admin, people.provider_of(db, "probation"), "grace", [Role.PANEL_CHAIR])

    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Sign in with Northshire Probation").click()
    page.get_by_role("button", name="grace").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
    expect(page.get_by_text("OFFICIAL-SENSITIVE", exact=True)).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Northshire Probation")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Panel chair")
    # GOV.UK Frontend's JavaScript ran, loaded from a file as the CSP demands.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert accessibility_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-phone.png"), full_page=True)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign out of")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Sign out", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert page.csp_violations == []  # type: ignore[attr-defined]


def test_pending_account_sees_a_clear_page_and_nothing_else(
    page: Page, live_server: str, db: Session, admin: User
) -> None:
    page.goto(live_server + "/sign-in")
    page.get_by_role("button", name="Sign in with Northshire Probation").click()
    page.get_by_label("Subject").fill("a-new-starter")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is waiting for approval"
    )
    assert accessibility_violations(page) == []
    page.goto(live_server + "/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

"""A live portal on loopback and Debian's headless Chromium, driven by Playwright."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Route,
    expect,
    sync_playwright,
)

from tests.support import work

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Quiet Chromium: this machine's network reaches nothing but loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# CI runs a worker per core, each with its own browser, portal, providers and database servers,
# on two cores the machine's other work shares: a page can take seconds to come. Playwright's
# default wait of 5 seconds once ran out between pressing a link and its page arriving.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _loopback_only(route: Route) -> None:
    # Nothing a test opens may reach beyond this machine. Nor are GOV.UK's web fonts loaded: they
    # arrive after the page (`font-display: fallback`), and the text set again in them moves the
    # buttons; a click Playwright aimed at a link styled as a button before the move was twice
    # lost in CI (no request made: "Set up a panel", "Start monitoring the actions"). Pages are
    # checked in the fallback font, Arial, as people whose browsers block web fonts see them.
    request = route.request
    if urlsplit(request.url).hostname in {"127.0.0.1", "localhost"} and (
        request.resource_type != "font"
    ):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.route("**/*", _loopback_only)
    opened = context.new_page()
    opened.csp_violations = []  # type: ignore[attr-defined]
    opened.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and opened.csp_violations.append(message.text)
        ),  # type: ignore[attr-defined]
    )
    yield opened
    context.close()


@pytest.fixture
def worker(app: Flask, live_server: str) -> Iterator[None]:
    """A worker doing the live portal's jobs, as `flask worker` does beside the web processes."""
    with work.worker(app):
        yield


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def accessibility_violations(page: Page, best_practice: bool = False) -> list[str]:
    """What axe-core finds against WCAG 2.2 A and AA on the page as it stands; with
    `best_practice`, against axe's best-practice rules too (landmarks, headings, regions)."""
    session = page.context.new_cdp_session(page)
    # Evaluated through the DevTools protocol: the page's CSP rightly refuses injected scripts.
    if not page.evaluate("typeof axe !== 'undefined'"):
        session.send("Runtime.evaluate", {"expression": _axe_source()})
    session.detach()
    tags = WCAG_TAGS + (["best-practice"] if best_practice else [])
    result: list[str] = page.evaluate(
        """async (tags) => {
            const found = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return found.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(', '));
        }""",
        tags,
    )
    return result


@cache
def _axe_source() -> str:
    return AXE.read_text()


SignIn = Callable[[str, str, str], Page]


@pytest.fixture
def csp_violations() -> list[str]:
    return []


@pytest.fixture
def sign_in(browser: Browser, live_server: str, csp_violations: list[str]) -> Iterator[SignIn]:
    """Sign someone in, through their agency's provider, in a browser context of their own."""
    contexts: list[BrowserContext] = []

    def note_csp_violation(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    def signed_in(agency_name: str, subject: str, name: str) -> Page:
        context = browser.new_context()
        contexts.append(context)
        context.route("**/*", _loopback_only)
        page = context.new_page()
        page.on("console", note_csp_violation)
        page.goto(live_server + "/sign-in")
        page.get_by_role("button", name=f"Sign in with {agency_name}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in to")
        # The provider offers a button for each of its people; someone new types their subject.
        known = page.get_by_role("button", name=subject, exact=True)
        if known.count():
            known.click()
        else:
            page.get_by_label("Subject").fill(subject)
            page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        return page

    yield signed_in
    for context in contexts:
        context.close()


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def success(page: Page, text: str, timeout: float | None = None) -> None:
    expect(page.get_by_role("alert", name="Success")).to_contain_text(text, timeout=timeout)


def confirm(page: Page, button: str, confirmation: str | None = None) -> None:
    """Press a page's button that asks for confirmation, then confirm with the next page's."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(heading(page)).to_contain_text("?")
    page.get_by_role("button", name=confirmation or button, exact=True).click()

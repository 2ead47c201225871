"""A live portal on loopback and Debian's headless Chromium, driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Route, sync_playwright
from werkzeug.serving import make_server

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


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _loopback_only(route: Route) -> None:
    # The test provider's page links a stylesheet on a CDN: never leave this machine.
    if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
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


def accessibility_violations(page: Page) -> list[str]:
    """What axe-core finds against WCAG 2.2 A and AA on the page as it stands."""
    session = page.context.new_cdp_session(page)
    # Evaluated through the DevTools protocol: the page's CSP rightly refuses injected scripts.
    session.send("Runtime.evaluate", {"expression": AXE.read_text()})
    result: list[str] = page.evaluate(
        """async () => {
            const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
            const found = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return found.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(', '));
        }"""
    )
    return result

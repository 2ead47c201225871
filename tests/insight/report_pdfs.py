"""Asking for the annual report's PDF as its page's button does, a worker making it, and
downloading what it made: for the tests that read the PDF."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.support.work import run_jobs

_BUTTON = re.compile(r'<form method="post" action="([^"]*/insight/report/pdf[^"]*)"')
_FILE = re.compile(r'href="(/insight/report/pdfs/\d+\.pdf)"')


def ask_for_pdf(client: FlaskClient, report_url: str) -> str:
    """Press the report page's "Download as PDF" button: the job's progress page."""
    page = client.get(report_url).get_data(as_text=True)
    button = _BUTTON.search(page)
    assert button, f"no PDF button on {report_url}"
    # The filters are a GET form without a token: the page's only token is the button's.
    token = csrf_token(client, report_url)
    queued = client.post(html.unescape(button.group(1)), data={"csrf_token": token})
    assert queued.status_code == 303, queued.status_code
    return queued.headers["Location"]


def fetch_pdf(client: FlaskClient, progress_url: str) -> TestResponse:
    """Once the job is done, its progress page leads on to the PDF's page and that to the PDF."""
    done = client.get(progress_url)
    assert done.status_code == 303, f"{progress_url} is not done: {done.get_data(as_text=True)}"
    ready = client.get(done.headers["Location"])
    found = _FILE.search(ready.get_data(as_text=True))
    assert ready.status_code == 200 and found, f"no PDF on {done.headers['Location']}"
    return client.get(found.group(1))


def report_pdf_of(client: FlaskClient, report_url: str) -> TestResponse:
    """The PDF of the report at `report_url`, made by a worker for the person signed in."""
    progress_url = ask_for_pdf(client, report_url)
    run_jobs(client.application)
    return fetch_pdf(client, progress_url)

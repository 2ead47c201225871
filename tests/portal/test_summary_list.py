"""Our summary list (templates/components/summary_list.html) writes the HTML GOV.UK Frontend's
summary list macro writes, as a card or not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, render_template_string
from markupsafe import Markup

ROWS: list[dict[str, Any]] = [
    {"key": {"text": "Themes"}, "value": {"text": "Risk & <assessment>"}},
    {
        "key": {"html": Markup("<abbr>Level</abbr>")},
        "value": {"html": Markup("<p>One</p>\n<p>Two</p>\n")},
    },
    {},
    {
        "key": {"text": "Due", "classes": "app-key"},
        "value": {"html": "", "text": "None"},
        "classes": "app-row",
    },
    {"key": {"text": "Empty"}, "value": {}},
]


@pytest.mark.parametrize(
    "params",
    [
        {"rows": ROWS},
        {"rows": ROWS, "classes": "govuk-summary-list--no-border", "attributes": {"id": "plan"}},
        {"rows": ROWS, "card": {"title": {"text": "SFO-1 & <2>"}}},
        {
            "rows": ROWS,
            "card": {
                "title": {
                    "html": Markup('<a class="govuk-link" href="/a/1">A1: do it</a>'),
                    "headingLevel": 3,
                    "classes": "app-title",
                },
                "classes": "app-card",
                "attributes": {"data-id": "1"},
            },
        },
        {"rows": ROWS, "card": {"classes": "untitled"}},
        {"rows": []},
        # With actions, GOV.UK's own macro writes it.
        {
            "rows": [
                *ROWS,
                {
                    "key": {"text": "Name"},
                    "value": {"text": "A"},
                    "actions": {"items": [{"href": "/e", "text": "Change"}]},
                },
            ]
        },
        {
            "rows": ROWS,
            "card": {
                "title": {"text": "T"},
                "actions": {"items": [{"href": "/d", "text": "Delete"}]},
            },
        },
    ],
)
def test_it_writes_what_govuk_summary_list_writes(app: Flask, params: dict[str, Any]) -> None:
    with app.test_request_context():
        ours = render_template_string(
            '{% from "components/summary_list.html" import summaryList %}{{ summaryList(params) }}',
            params=params,
        )
        theirs = render_template_string(
            '{% from "govuk_frontend_jinja/components/summary-list/macro.html" import '
            "govukSummaryList %}{{ govukSummaryList(params) }}",
            params=params,
        )
    assert ours == theirs
    if params["rows"]:
        assert "Risk &amp; &lt;assessment&gt;" in ours
        assert re.search(r"<p>One</p>\n {6,}<p>Two</p>", ours)

"""The table every page shows (templates/components/table.html) writes the HTML GOV.UK Frontend's
table macro writes, inside its scrolling region."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, render_template_string
from markupsafe import Markup

ROWS: list[list[dict[str, Any]]] = [
    [
        {"html": Markup('<a class="govuk-link" href="/cases/1">SFO-1</a>')},
        {"text": "North East & <Cumbria>"},
        {"text": 12, "format": "numeric"},
    ],
    [],  # GOV.UK leaves an empty row out
    [
        {"text": "Second", "classes": "app-wide", "colspan": 2},
        {
            "text": "",
            "rowspan": 2,
            "attributes": {"data-sort": "3", "hidden": {"value": True, "optional": True}},
        },
    ],
    [{"html": ""}, {}, {"text": "<b>escaped</b>", "attributes": 'lang="en"'}],
]
HEAD = [
    {"text": "Case"},
    {"html": Markup("<abbr>Region</abbr>"), "classes": "app-narrow"},
    {"text": "Count", "format": "numeric", "colspan": 1, "rowspan": 1, "attributes": {"id": "n"}},
]


@pytest.mark.parametrize(
    "params",
    [
        {
            "caption": "Cases you can see",
            "captionClasses": "govuk-visually-hidden",
            "head": HEAD,
            "rows": ROWS,
        },
        {
            "rows": ROWS,
            "firstCellIsHeader": True,
            "classes": "app-table",
            "attributes": {"data-x": "1"},
        },
        {"caption": "Nothing", "head": HEAD, "rows": []},
        {"rows": [[{"text": "only"}]], "attributes": 'data-y="2"'},
    ],
)
def test_it_writes_what_govuk_table_writes(app: Flask, params: dict[str, Any]) -> None:
    with app.test_request_context():
        ours = render_template_string(
            '{% from "components/table.html" import govukTable %}{{ govukTable(params) }}',
            params=params,
        )
        theirs = render_template_string(
            '{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}'
            "{{ govukTable(params) }}",
            params=params,
        )
    label = params.get("caption") or "Table"
    assert ours == (
        f'<div class="app-table-scroll" role="region" aria-label="{label}" tabindex="0">'
        f"{theirs}</div>"
    )
    if params["rows"] is ROWS:
        assert "North East &amp; &lt;Cumbria&gt;" in ours
        assert "&lt;b&gt;escaped&lt;/b&gt;" in ours
        assert ours.count('<tr class="govuk-table__row">') == 3 + ("head" in params)

"""LongSelect writes the HTML GOV.UK Frontend's select writes (bench/long_select.py times both)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectField

from portal.widgets import LongSelect

AGENCIES = [("", "Any agency")] + [(str(n), f"Agency {n} & <partners>") for n in range(400)]


def _field(widget: GovSelect, data: str, error: str, hint: str) -> SelectField:
    class Chooser(Form):
        agency = SelectField("Agency", widget=widget, choices=AGENCIES, description=hint)

    form = Chooser(data={"agency": data})
    if error:
        form.agency.errors = [error]
    return form.agency


def _plain(html: str) -> str:
    return re.sub(r">\s+<", "><", " ".join(html.split()))


@pytest.mark.parametrize(
    ("data", "error", "hint"),
    [("", "", ""), ("7", "", ""), ("399", "Choose an agency", "The agency that owns it")],
)
def test_it_writes_what_govuk_select_writes(app: Flask, data: str, error: str, hint: str) -> None:
    with app.test_request_context():
        ours = str(_field(LongSelect(), data, error, hint)())
        theirs = str(_field(GovSelect(), data, error, hint)())
    assert _plain(ours) == _plain(theirs)
    assert "&lt;partners&gt;" in ours
    assert ours.count(" selected") == 1
    assert f'<option value="{data}" selected>' in ours

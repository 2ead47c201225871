"""LongSelect writes the HTML GOV.UK Frontend's select writes (bench/long_select.py times both)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

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


REGIONS = [SelectChoice("", "Any region"), SelectChoice("north_east", "North East & <Tyne>")]


@pytest.mark.parametrize("data", ["", "north_east"])
def test_it_writes_what_govuk_select_writes_for_select_choices(app: Flask, data: str) -> None:
    class Chooser(Form):
        ours = SelectField("Region", widget=LongSelect(), choices=REGIONS)
        theirs = SelectField("Region", widget=GovSelect(), choices=REGIONS)

    form = Chooser(data={"ours": data, "theirs": data})
    with app.test_request_context():
        ours, theirs = str(form.ours()), str(form.theirs())
    assert _plain(ours.replace("ours", "theirs")) == _plain(theirs)
    assert "North East &amp; &lt;Tyne&gt;" in ours
    assert f'<option value="{data}" selected>' in ours


def test_choices_in_groups_are_written_as_govuk_select_writes_them(app: Flask) -> None:
    groups = {"North": [("1", "Cumbria"), ("2", "Durham")], "South": [("3", "Kent")]}

    class Chooser(Form):
        ours = SelectField("Agency", widget=LongSelect(), choices=groups)
        theirs = SelectField("Agency", widget=GovSelect(), choices=groups)

    form = Chooser(data={"ours": "2", "theirs": "2"})
    with app.test_request_context():
        ours, theirs = str(form.ours()), str(form.theirs())
    assert _plain(ours.replace("ours", "theirs")) == _plain(theirs)
    assert '<option value="2" selected>Durham</option>' in ours

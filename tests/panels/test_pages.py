"""The panel pages as a person meets them: escaping, kept text, conflicts shown."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels.models.contributions import Contribution
from tests.support.people import signed_in_as
from tests.support.world import World, case_form

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def token(page: str) -> str:
    match = _CSRF.search(page)
    assert match
    return match.group(1)


def test_what_people_typed_is_escaped_in_lists_and_tables(
    app: Flask, db: Session, world: World
) -> None:
    client = signed_in_as(app.test_client(), db, world["chair"])
    page = client.get("/cases/new").get_data(as_text=True)
    response = client.post(
        "/cases/new",
        data=case_form(token(page), "<b>SFO-9</b>"),
    )
    assert response.status_code == 302
    listing = client.get("/cases").get_data(as_text=True)
    assert "&lt;b&gt;SFO-9&lt;/b&gt;" in listing
    assert "<b>SFO-9</b>" not in listing


def test_a_bad_case_form_keeps_what_was_typed_and_says_what_is_wrong(
    app: Flask, db: Session, world: World
) -> None:
    client = signed_in_as(app.test_client(), db, world["chair"])
    page = client.get("/cases/new").get_data(as_text=True)
    response = client.post(
        "/cases/new",
        data=case_form(token(page), "SFO-KEEP-ME", offence_date=("31", "2", "2026")),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Date of the offence must be a real date" in page
    assert 'value="SFO-KEEP-ME"' in page


def test_a_concurrent_edit_is_shown_and_nothing_is_lost(
    app: Flask, db: Session, world: World
) -> None:
    contribution = db.scalars(
        select(Contribution).where(
            Contribution.panel_id == world.panel.id,
            Contribution.agency_id == world.agencies["probation"].id,
        )
    ).one()
    url = f"/contributions/{contribution.id}/edit"
    first = signed_in_as(app.test_client(), db, world["probation_rep"])
    second = signed_in_as(app.test_client(), db, world["probation_rep"])
    form_one = first.get(url).get_data(as_text=True)
    form_two = second.get(url).get_data(as_text=True)

    def save(client, form: str, text: str):  # type: ignore[no-untyped-def]
        match = _VERSION.search(form)
        assert match
        return client.post(
            url,
            data={"csrf_token": token(form), "version": match.group(1), "involvement": text},
        )

    assert save(first, form_one, "Written first").status_code == 302
    clash = save(second, form_two, "Written second, at the same time")
    page = clash.get_data(as_text=True)
    assert clash.status_code == 200
    assert "Someone else saved changes while you were editing" in page
    assert "Written second, at the same time" in page  # their text is still in the form
    assert "What is saved now" in page and "Written first" in page
    db.expire_all()
    assert db.get(Contribution, contribution.id).involvement == "<p>Written first</p>"
    # Saving again from the refreshed form is a deliberate choice, and goes through.
    again = save(second, page, "Written second, at the same time")
    assert again.status_code == 302

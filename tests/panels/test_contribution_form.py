"""The contribution form as a police officer or NHS clinician meets it: plain words, the
deadline, and "Save and submit" beside "Save draft", which saves and then asks to confirm."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from panels.models.contributions import Contribution, ContributionState
from tests.conftest import csrf_token
from tests.support.people import signed_in_as
from tests.support.world import World


def police_draft(db: Session, world: World) -> Contribution:
    assert world.panel is not None
    return db.scalars(
        select(Contribution).where(
            Contribution.panel_id == world.panel.id,
            Contribution.agency_id == world.agencies["police"].id,
        )
    ).one()


def save(client: FlaskClient, draft: Contribution, involvement: str, button: str) -> TestResponse:
    """Post the contribution form with `involvement` written, by the button named `button`."""
    url = f"/contributions/{draft.id}/edit"
    return client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "version": str(draft.version),
            "involvement": involvement,
            button: "y",
        },
    )


def test_the_form_speaks_plainly_and_shows_the_deadline(
    app: Flask, db: Session, world: World
) -> None:
    draft = police_draft(db, world)
    client = signed_in_as(app.test_client(), db, world["police_rep"])
    page = client.get(f"/contributions/{draft.id}/edit").get_data(as_text=True)
    assert "The deadline for contributions is 31 December 2026" in page
    assert "Leave a blank line between paragraphs" in page
    for developer_words in ("&lt;em&gt;", "&lt;strong&gt;", "<em>", "<strong>", "HTML"):
        assert developer_words not in page, developer_words
    buttons = page[page.index('<div class="govuk-button-group">') :]
    assert buttons.index('name="save_and_submit"') < buttons.index('name="submit"')
    assert "Save and submit" in buttons and "Save draft" in buttons
    detail = client.get(f"/contributions/{draft.id}").get_data(as_text=True)
    assert "The deadline for contributions is 31 December 2026" in detail


def test_save_and_submit_saves_then_asks_to_confirm_the_submission(
    app: Flask, db: Session, world: World
) -> None:
    draft = police_draft(db, world)
    client = signed_in_as(app.test_client(), db, world["police_rep"])
    response = save(client, draft, "Arrested him twice in 2025.", "save_and_submit")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/contributions/{draft.id}/submit",
    )
    db.expire_all()
    assert "Arrested him twice in 2025." in draft.involvement
    assert draft.state is ContributionState.DRAFT  # not until they confirm
    confirm = client.get(f"/contributions/{draft.id}/submit").get_data(as_text=True)
    assert "Submit Northshire Police&#39;s contribution?" in confirm
    assert "The deadline for contributions is 31 December 2026" in confirm
    confirmed = client.post(
        f"/contributions/{draft.id}/submit",
        data={"csrf_token": csrf_token(client, f"/contributions/{draft.id}/submit")},
    )
    assert confirmed.status_code == 302
    db.expire_all()
    assert draft.state is ContributionState.SUBMITTED


def test_save_draft_saves_and_goes_back_to_the_contribution(
    app: Flask, db: Session, world: World
) -> None:
    draft = police_draft(db, world)
    client = signed_in_as(app.test_client(), db, world["police_rep"])
    response = save(client, draft, "Arrested him once.", "submit")
    assert response.headers["Location"] == f"/contributions/{draft.id}"
    db.expire_all()
    assert draft.state is ContributionState.DRAFT
    assert "Arrested him once." in draft.involvement

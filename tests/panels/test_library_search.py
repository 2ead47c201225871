"""The learning library's full-text search (PostgreSQL's text search, SQLite's FTS5: each test
runs on both, so both find the same learning), and the filter an agency's lead has for learning
waiting for their agency's acknowledgement."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import learning
from panels.learning import LibraryFilter
from panels.models.learning import LearningLevel, LearningPoint, LearningResponse, Theme
from tests.support.people import signed_in_as
from tests.support.world import World


def record(db: Session, world: World, title: str, description: str = "") -> LearningPoint:
    return learning.record(
        db,
        world["chair"],
        world.panel,
        title=title,
        description=description,
        level=LearningLevel.LOCAL,
        theme_ids=list(db.scalars(select(Theme.id).limit(1))),
        agency_ids=[world.agencies["police"].id],
    )


def found(db: Session, world: World, words: str) -> list[str]:
    points, total, _ = learning.library(db, world["chair"], LibraryFilter(text=words), 1, 50)
    assert total == len(points)
    return sorted(point.title for point in points)


@pytest.mark.usefixtures("app_context")
def test_search_finds_every_word_in_any_form_in_title_or_description(
    db: Session, world: World
) -> None:
    record(db, world, "Call-outs were not shared with probation", "<p>The police knew.</p>")
    record(db, world, "Risk not reviewed", "<p>Information about a new partner was lost.</p>")
    record(db, world, "Checks not made", "<p>Nobody asked children's services.</p>")
    db.commit()

    # "sharing" finds "shared" (both stemmers make them one word); case does not matter.
    assert found(db, world, "SHARING") == ["Call-outs were not shared with probation"]
    # Every word must be there, in the title or the description.
    assert found(db, world, "information partner") == ["Risk not reviewed"]
    assert found(db, world, "information children") == []
    # Stop words are not looked for, on either database: "the" and "about" change nothing.
    assert found(db, world, "the information about partner") == ["Risk not reviewed"]
    assert found(db, world, "the") == []
    # Whatever is typed is words, never the search engines' syntax.
    assert found(db, world, 'risk" OR "checks') == []
    assert found(db, world, "risk* -reviewed NEAR(x)") == []
    assert found(db, world, "reviewed AND") == ["Risk not reviewed"]


@pytest.mark.usefixtures("app_context")
def test_search_follows_learning_as_it_is_revised(db: Session, world: World) -> None:
    point = record(db, world, "Risk not reviewed")
    db.commit()
    assert found(db, world, "risk") == ["Risk not reviewed"]
    learning.revise(
        db,
        world["chair"],
        point,
        title="Curiosity lacking",
        description="<p>Nobody asked.</p>",
        level=LearningLevel.LOCAL,
        theme_ids=[theme.id for theme in point.themes],
        agency_ids=[world.agencies["police"].id],
    )
    db.commit()
    assert found(db, world, "risk") == []
    assert found(db, world, "curiosity asked") == ["Curiosity lacking"]


@pytest.mark.usefixtures("app_context")
def test_search_keeps_to_what_the_person_may_see(db: Session, world: World) -> None:
    record(db, world, "Risk not reviewed")
    db.commit()
    _, total, _ = learning.library(db, world["outsider"], LibraryFilter(text="risk"), 1, 10)
    assert total == 0


def _shared(db: Session, world: World, title: str) -> LearningPoint:
    point = record(db, world, title)
    learning.share(db, world["chair"], point)
    return point


def test_a_lead_filters_learning_waiting_for_their_agencys_acknowledgement(
    app: Flask, db: Session, world: World
) -> None:
    with app.test_request_context():
        first = _shared(db, world, "First shared")
        second = _shared(db, world, "Second shared")
        record(db, world, "Not shared yet")
        db.commit()
        lead = world["police_lead"]
        waiting = LibraryFilter(waiting_for_agency_id=lead.agency_id)
        points, total, _ = learning.library(db, lead, waiting, 1, 10)
        assert sorted(p.title for p in points) == ["First shared", "Second shared"]
        learning.acknowledge(
            db,
            lead,
            first,
            response=LearningResponse.BRIEFED_TEAMS,
            detail="Teams briefed.",
            done_on=date.today(),
        )
        db.commit()
        points, total, _ = learning.library(db, lead, waiting, 1, 10)
        assert [p.title for p in points] == ["Second shared"]
        # Another agency's acknowledgement does not take it off this agency's list.
        probation = LibraryFilter(waiting_for_agency_id=world.agencies["probation"].id)
        assert learning.library(db, world["chair"], probation, 1, 10)[1] == 0

    page = signed_in_as(app.test_client(), db, lead).get("/learning?waiting=y")
    text = page.get_data(as_text=True)
    assert "Only learning waiting for my agency" in text
    assert "1 learning point waiting for your agency" in text
    assert "Second shared" in text and "First shared" not in text
    assert f"/learning/{second.id}/acknowledge" in text


def test_only_a_lead_is_offered_the_filter_and_others_asking_for_it_get_everything(
    app: Flask, db: Session, world: World
) -> None:
    with app.test_request_context():
        _shared(db, world, "Shared with the police")
        db.commit()
    page = signed_in_as(app.test_client(), db, world["police_rep"]).get("/learning?waiting=y")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Only learning waiting for my agency" not in text
    assert "Shared with the police" in text
    assert "waiting for your agency" not in text


def test_the_library_search_page_shows_what_it_found(app: Flask, db: Session, world: World) -> None:
    with app.test_request_context():
        record(db, world, "Risk not reviewed")
        record(db, world, "Checks not made")
        db.commit()
    client = signed_in_as(app.test_client(), db, world["chair"])
    text = client.get("/learning?q=reviewing+risks").get_data(as_text=True)
    assert "Risk not reviewed" in text and "Checks not made" not in text
    assert "1 learning point" in text

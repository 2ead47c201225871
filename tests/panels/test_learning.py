"""Learning: recorded by the chair, shared with agencies, searched across panels."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from panels import learning
from panels.learning import LibraryFilter
from panels.models.cases import ProbationRegion
from panels.models.learning import LearningLevel, LearningPoint, Theme
from portal.errors import DomainError
from portal.policy import can
from tests.support.world import World

pytestmark = pytest.mark.usefixtures("app_context")


def themes(db: Session, *names: str) -> list[int]:
    return list(db.scalars(select(Theme.id).where(Theme.name.in_(names))))


def record(db: Session, world: World, title: str, *theme_names: str, agencies=("police",)):  # type: ignore[no-untyped-def]
    return learning.record(
        db,
        world["chair"],
        world.panel,
        title=title,
        description="What was learnt.",
        level=LearningLevel.MULTI_AGENCY,
        theme_ids=themes(db, *theme_names),
        agency_ids=[world.agencies[a].id for a in agencies],
    )


def test_the_themes_of_the_seeds_are_there_to_choose(db: Session) -> None:
    names = {theme.name for theme in learning.active_themes(db)}
    assert {"Risk assessment", "Information sharing", "MAPPA", "Professional curiosity"} <= names


def test_learning_needs_a_theme_and_only_invited_agencies(db: Session, world: World) -> None:
    with pytest.raises(DomainError, match="at least one theme"):
        record(db, world, "No theme")
    with pytest.raises(DomainError, match="agencies invited"):
        record(db, world, "Wrong agency", "MAPPA", agencies=("childrens",))


def test_shared_learning_reaches_every_member_of_the_agencies_concerned(
    db: Session, world: World
) -> None:
    point = record(db, world, "Call-outs were not shared", "Information sharing")
    assert not can(world["other_member"], "view", point)
    learning.share(db, world["chair"], point)
    db.flush()
    # A police officer on another panel, and one on none, now see it; children's services not.
    assert can(world["other_member"], "view", point)
    assert not can(world["outsider"], "view", point)
    shared = db.scalars(learning.shared_with(world.agencies["police"].id)).all()
    assert [p.title for p in shared] == ["Call-outs were not shared"]
    with pytest.raises(DomainError):
        learning.revise(
            db,
            world["chair"],
            point,
            title="Changed",
            description="",
            level=point.level,
            theme_ids=themes(db, "MAPPA"),
            agency_ids=[],
        )


def test_learning_names_agencies_before_it_is_shared(db: Session, world: World) -> None:
    point = record(db, world, "Nobody named", "MAPPA", agencies=())
    with pytest.raises(DomainError):
        learning.share(db, world["chair"], point)


def test_the_library_filters_and_shows_recurring_themes(db: Session, world: World) -> None:
    record(
        db, world, "Call-outs were not shared", "Information sharing", "Domestic abuse enquiries"
    )
    record(db, world, "Risk not reviewed", "Risk assessment", "Information sharing")
    record(db, world, "Checks not made", "Safeguarding and children's services checks")
    db.flush()
    chair = world["chair"]

    points, total, recurring = learning.library(db, chair, LibraryFilter(), 1, 10)
    assert total == 3
    assert recurring[0] == ("Information sharing", 2)

    by_text, total, _ = learning.library(db, chair, LibraryFilter(text="risk"), 1, 10)
    assert [p.title for p in by_text] == ["Risk not reviewed"]
    (info,) = themes(db, "Information sharing")
    _, total, _ = learning.library(db, chair, LibraryFilter(theme_id=info), 1, 10)
    assert total == 2
    _, total, _ = learning.library(db, chair, LibraryFilter(region=ProbationRegion.WALES), 1, 10)
    assert total == 0
    _, total, _ = learning.library(
        db, chair, LibraryFilter(since=date.today(), until=date.today()), 1, 10
    )
    assert total == 3
    _, total, _ = learning.library(db, chair, LibraryFilter(until=date(2020, 1, 1)), 1, 10)
    assert total == 0
    page_two, total, _ = learning.library(db, chair, LibraryFilter(), 2, 2)
    assert (len(page_two), total) == (1, 3)


def test_the_library_shows_nobody_learning_they_may_not_see(db: Session, world: World) -> None:
    record(db, world, "Unshared", "MAPPA")
    db.flush()
    for who in ("outsider", "practitioner", "other_member"):
        _, total, recurring = learning.library(db, world[who], LibraryFilter(), 1, 10)
        assert (total, recurring) == (0, []), who
    assert db.scalar(select(LearningPoint.id)) is not None

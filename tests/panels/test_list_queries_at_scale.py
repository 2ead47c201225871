"""The main pages make as many SQL queries with 5,000 rows as with 5 (the rows beyond the first
five written in bulk, as bench/national_data.py writes them, so the test stays fast).

One database for the whole module on each engine: the world built once, five rows of every
kind added and every page counted, then 5,000 of every kind and every page counted again."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from agencies import agencies
from agencies.models import Agency, AgencyKind
from panels.models.actions import Action, ActionState
from panels.models.cases import Case, OffenceCategory, ProbationRegion, ReviewStatus
from panels.models.learning import (
    LearningLevel,
    LearningPoint,
    Theme,
    learning_point_agencies,
    learning_point_themes,
)
from panels.models.panels import Invitation, Panel, PanelMember, PanelRole, PanelState
from portal.app import create_app
from tests.conftest import app_settings
from tests.panels.test_list_queries import add_actions, add_learning, add_panels, count_queries
from tests.support import people
from tests.support.providers import Provider
from tests.support.world import World, build

MANY = 5_000


def _next_id(db: Session, model: type) -> int:
    return (db.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]


def bulk_panels(db: Session, world: World) -> None:
    """MANY more cases and panels chaired by the chair, the police invited and represented."""
    chair, rep, police = world["chair"], world["police_rep"], world.agencies["police"]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    case_id, panel_id = _next_id(db, Case), _next_id(db, Panel)
    cases, panels, invitations, members = [], [], [], []
    for number in range(MANY):
        created = now - timedelta(hours=number)
        cases.append(
            dict(
                id=case_id + number,
                reference=f"SFO-BULK-{number:05d}",
                region=ProbationRegion.WALES,
                offence_category=OffenceCategory.MURDER,
                offence_date=created.date(),
                review_status=ReviewStatus.IN_PROGRESS,
                created_by_id=chair.id,
                created_at=created,
            )
        )
        panels.append(
            dict(
                id=panel_id + number,
                case_id=case_id + number,
                chair_id=chair.id,
                state=PanelState.OPEN,
                created_at=created,
            )
        )
        invitations.append(dict(panel_id=panel_id + number, agency_id=police.id))
        members.append(dict(panel_id=panel_id + number, user_id=chair.id, role=PanelRole.CHAIR))
        members.append(
            dict(panel_id=panel_id + number, user_id=rep.id, role=PanelRole.REPRESENTATIVE)
        )
    db.execute(insert(Case), cases)
    db.execute(insert(Panel), panels)
    db.execute(insert(Invitation), invitations)
    db.execute(insert(PanelMember), members)


def bulk_actions(db: Session, world: World) -> None:
    police = world.agencies["police"]
    today = datetime.now(UTC).date()
    db.execute(
        insert(Action),
        [
            dict(
                panel_id=world.panel.id,  # type: ignore[union-attr]
                description="<p>Do it.</p>",
                owner_agency_id=police.id,
                owner_role="Lead",
                target_date=today - timedelta(days=number % 30),
                measure_of_success="<p>Done.</p>",
                state=ActionState.NOT_AGREED,
            )
            for number in range(MANY)
        ],
    )


def bulk_learning(db: Session, world: World) -> None:
    first = _next_id(db, LearningPoint)
    now = datetime.now(UTC)
    theme = db.scalar(select(Theme.id))
    agencies = [world.agencies["police"].id, world.agencies["probation"].id]
    db.execute(
        insert(LearningPoint),
        [
            dict(
                id=first + number,
                panel_id=world.panel.id,  # type: ignore[union-attr]
                title=f"Learning {number}",
                description="<p>Information was not shared.</p>",
                level=LearningLevel.LOCAL,
                created_by_id=world["chair"].id,
                created_at=now - timedelta(minutes=number),
                shared_at=now,
            )
            for number in range(MANY)
        ],
    )
    db.execute(
        insert(learning_point_themes),
        [dict(learning_point_id=first + number, theme_id=theme) for number in range(MANY)],
    )
    db.execute(
        insert(learning_point_agencies),
        [
            dict(learning_point_id=first + number, agency_id=agency)
            for number in range(MANY)
            for agency in agencies
        ],
    )


def bulk_agencies(db: Session, world: World) -> None:
    db.execute(
        insert(Agency),
        [
            dict(name=f"Bulk agency {number:04d}", kind=AgencyKind.HOUSING, active=True)
            for number in range(MANY)
        ],
    )


def add_agencies(db: Session, world: World, numbers: range) -> None:
    db.execute(
        insert(Agency),
        [dict(name=f"Agency {n}", kind=AgencyKind.HOUSING, active=True) for n in numbers],
    )


Fill = Callable[..., None]
PAGES: list[tuple[str, str, Fill, Fill]] = [
    ("/cases", "chair", add_panels, bulk_panels),
    ("/panels", "chair", add_panels, bulk_panels),
    ("/", "chair", add_panels, bulk_panels),
    ("/", "police_rep", add_panels, bulk_panels),
    ("/panels/{panel}/actions", "chair", add_actions, bulk_actions),
    ("/learning", "chair", add_learning, bulk_learning),
    ("/learning?q=learning", "chair", add_learning, bulk_learning),
    ("/learning?waiting=y", "police_lead", add_learning, bulk_learning),
    ("/learning/shared", "police_rep", add_learning, bulk_learning),
    ("/admin/agencies", "admin", add_agencies, bulk_agencies),
]
PAGE_IDS = [f"{url}-{who}" for url, who, _few, _many in PAGES]
# Each kind of row added once, though several pages show it.
FEW = list(dict.fromkeys(few for _url, _who, few, _many in PAGES))
MANY_ROWS = list(dict.fromkeys(many for _url, _who, _few, many in PAGES))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[str]:
    """A copy of the migrated database for this module alone."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("at-scale") / "portal.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    server: str = request.getfixturevalue("postgres_server")
    maintenance = create_engine(
        server.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
    )
    with maintenance.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS portal_at_scale WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE portal_at_scale TEMPLATE portal"))
    yield server.rsplit("/", 1)[0] + "/portal_at_scale"
    with maintenance.connect() as connection:
        connection.execute(text("DROP DATABASE portal_at_scale WITH (FORCE)"))
    maintenance.dispose()


@pytest.fixture(scope="module")
def counted(
    module_database: str,
    portal_base_url: str,
    portal_keys: dict[str, Any],
    provider: Provider,
    _tampering_provider: Provider,
) -> Iterator[dict[str, tuple[int, int, str]]]:
    """For each page: its queries with 5 rows of every kind, with 5,005, and its HTML then."""
    app = create_app(app_settings(module_database, portal_base_url, portal_keys))
    db: Session = app.extensions["db_sessionmaker"]()
    probation, police = (
        agencies.register_agency(
            db,
            None,
            name=name,
            kind=kind,
            slug=slug,
            issuer=issuer.issuer,
            client_id="learning-panel-portal",
        )
        for name, kind, slug, issuer in [
            ("Northshire Probation", AgencyKind.PROBATION, "probation", provider),
            ("Northshire Police", AgencyKind.POLICE, "police", _tampering_provider),
        ]
    )
    db.commit()
    admin = people.administrator(app, db, "probation", "ada", "Ada Lovelace")
    with app.test_request_context():
        world = build(db, admin, probation, police)
        for few in FEW:
            few(db, world, range(5))
        db.commit()
    urls = [url.format(panel=world.panel.id) for url, _who, _f, _m in PAGES]  # type: ignore[union-attr]
    at_five = [
        count_queries(app, db, world, who, url)[0]
        for url, (_u, who, _f, _m) in zip(urls, PAGES, strict=True)
    ]
    for many in MANY_ROWS:
        many(db, world)
    db.commit()
    at_many = [
        count_queries(app, db, world, who, url)
        for url, (_u, who, _f, _m) in zip(urls, PAGES, strict=True)
    ]
    yield {
        page: (five, queries, html)
        for page, five, (queries, html) in zip(PAGE_IDS, at_five, at_many, strict=True)
    }
    db.close()
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("page", PAGE_IDS)
def test_pages_make_the_same_queries_for_5_and_5000_rows(
    counted: dict[str, tuple[int, int, str]], page: str
) -> None:
    at_five, at_many, html = counted[page]
    assert at_many == at_five, f"{page}: {at_five} queries for 5 rows, {at_many} for {MANY}"
    if not page.startswith("/-"):
        assert "govuk-pagination" in html, f"{page} shows {MANY} rows without pagination"
        assert html.count("govuk-pagination__item") <= 7, "every page number listed"

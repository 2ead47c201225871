"""The database restarted while pages are served: clean "service unavailable" pages, no committed
change lost, no refused change half-applied, and the portal and its workers carry on afterwards
without being restarted themselves. PostgreSQL only: SQLite has no server to restart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker
from werkzeug.test import TestResponse

from agencies import agencies
from agencies.models import AgencyKind, Role, User
from panels.models.cases import Case
from portal import audit, clock, jobs, migrate
from portal.app import create_app
from portal.audit import AuditEvent
from portal.jobs import Job, JobState
from tests.conftest import app_settings, csrf_token
from tests.support import people
from tests.support.postgres import Server, restartable_server
from tests.support.world import case_form

# The server a job handler below stops, as an outage in the middle of a job.
_outage: dict[str, Server] = {}


@jobs.handler("test.restart.record")
def _record(db: Session, job: Job, progress: jobs.Progress) -> None:
    audit.record(db, None, "test.restart.recorded", "job", job.id)


@jobs.handler("test.restart.cut-off")
def _cut_off(db: Session, job: Job, progress: jobs.Progress) -> None:
    audit.record(db, None, "test.restart.recorded", "job", job.id)
    db.flush()  # the job's work has reached the server, uncommitted, when it stops
    server = _outage.pop("server", None)
    if server is not None:
        server.stop()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A PostgreSQL server of this module's own, with a migrated template database: stopping
    the tests' shared server would break every other test."""
    with restartable_server() as started:
        migrate.upgrade(started.url)
        _maintenance(started, "ALTER DATABASE portal IS_TEMPLATE true")
        yield started


def _maintenance(server: Server, statement: str) -> None:
    engine = create_engine(server.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture
def app(server: Server, portal_base_url: str, portal_keys: dict[str, Any]) -> Iterator[Flask]:
    """The portal on a fresh copy of the database; the server is running again afterwards,
    whatever the test did to it."""
    _maintenance(server, "DROP DATABASE IF EXISTS portal_restart WITH (FORCE)")
    _maintenance(server, "CREATE DATABASE portal_restart TEMPLATE portal")
    url = server.url.rsplit("/", 1)[0] + "/portal_restart"
    app = create_app(app_settings(url, portal_base_url, portal_keys))
    yield app
    app.extensions["db_engine"].dispose()
    if not server.is_running():
        server.start()


@pytest.fixture
def sessions(app: Flask) -> sessionmaker[Session]:
    """Sessions for the test's own setting up and checking, each closed before the server stops:
    a session holding a connection across the restart would only find it cut."""
    made: sessionmaker[Session] = app.extensions["db_sessionmaker"]
    return made


@pytest.fixture
def chair(app: Flask, sessions: sessionmaker[Session]) -> User:
    with sessions() as db:
        probation = agencies.register_agency(
            db,
            None,
            name="Northshire Probation",
            kind=AgencyKind.PROBATION,
            slug="probation",
            issuer="http://127.0.0.1:9/never-used",
            client_id="portal",
        )
        db.commit()
        admin = people.administrator(app, db, "probation", "ada", "Ada Lovelace")
        assert probation.provider is not None
        return people.person(db, admin, probation.provider, "grace", [Role.PANEL_CHAIR])


@pytest.fixture
def client(app: Flask, sessions: sessionmaker[Session], chair: User) -> FlaskClient:
    with sessions() as db:
        return people.signed_in_as(app.test_client(), db, chair)


def add_case(client: FlaskClient, reference: str, token: str) -> TestResponse:
    return client.post("/cases/new", data=case_form(token, reference))


def references(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as db:
        return list(db.scalars(select(Case.reference).order_by(Case.reference)))


def audited(sessions: sessionmaker[Session], action: str) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def assert_service_unavailable(response: TestResponse) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page
    assert "Sorry, the service is unavailable" in page
    assert int(response.headers["Retry-After"]) > 0
    # The portal's own page, with everything a page carries, and nothing of the failure.
    assert "OFFICIAL-SENSITIVE" in page
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    for internal in ("Traceback", "OperationalError", "psycopg", "127.0.0.1"):
        assert internal not in page


def test_pages_say_the_service_is_unavailable_while_the_database_restarts_and_nothing_is_lost(
    server: Server, sessions: sessionmaker[Session], client: FlaskClient
) -> None:
    token = csrf_token(client, "/cases/new")
    assert add_case(client, "SFO-BEFORE-0001", token).status_code == 302

    server.stop()
    assert_service_unavailable(client.get("/"))
    assert_service_unavailable(client.get("/cases"))
    # A change sent while it is down is refused as a whole, not half-applied.
    assert_service_unavailable(add_case(client, "SFO-DURING-0002", token))

    server.start()
    # The very next request works: the app was not restarted, its pool found new connections.
    listing = client.get("/cases")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "SFO-BEFORE-0001" in page
    assert "SFO-DURING-0002" not in page
    assert references(sessions) == ["SFO-BEFORE-0001"]
    assert audited(sessions, "case.created") == 1
    # Still signed in, and able to save again.
    assert add_case(client, "SFO-AFTER-0003", csrf_token(client, "/cases/new")).status_code == 302
    assert references(sessions) == ["SFO-AFTER-0003", "SFO-BEFORE-0001"]


def test_a_restart_between_two_requests_goes_unnoticed(server: Server, client: FlaskClient) -> None:
    assert client.get("/cases").status_code == 200
    # Every connection the portal's pool holds is cut: the pool checks each before lending it.
    server.stop()
    server.start()
    assert client.get("/cases").status_code == 200


def test_a_change_cut_off_by_the_restart_is_refused_and_none_of_it_is_kept(
    app: Flask, server: Server, sessions: sessionmaker[Session], client: FlaskClient
) -> None:
    token = csrf_token(client, "/cases/new")

    def stop_once_the_case_is_written(db: Session, _flush: UOWTransaction) -> None:
        # The case and its audit event have reached the server, in a transaction not yet
        # committed, when the server goes down.
        if any(isinstance(record, Case) for record in db.new) and server.is_running():
            server.stop()

    event.listen(app.extensions["db_sessionmaker"], "after_flush", stop_once_the_case_is_written)
    try:
        assert_service_unavailable(add_case(client, "SFO-CUT-OFF-0001", token))
    finally:
        event.remove(
            app.extensions["db_sessionmaker"], "after_flush", stop_once_the_case_is_written
        )
    assert not server.is_running()

    server.start()
    assert references(sessions) == []
    assert audited(sessions, "case.created") == 0
    assert client.get("/cases").status_code == 200
    # Sending it again after the restart saves it, once.
    assert add_case(client, "SFO-CUT-OFF-0001", token).status_code == 302
    assert references(sessions) == ["SFO-CUT-OFF-0001"]


def test_the_health_check_says_unavailable_while_the_database_is_down(
    server: Server, app: Flask
) -> None:
    client = app.test_client()
    assert client.get("/health").get_json() == {"status": "ok"}
    server.stop()
    response = client.get("/health")
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    server.start()
    assert client.get("/health").get_json() == {"status": "ok"}


def test_the_worker_keeps_going_through_the_outage_and_does_the_job_after_it(
    app: Flask, server: Server, sessions: sessionmaker[Session]
) -> None:
    with sessions() as db:
        job = jobs.enqueue(db, "test.restart.record")
        db.commit()

    server.stop()
    # `flask worker` catches the failure and looks again later; --once makes it stop instead.
    during = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert during.exit_code == 0, (during.output, during.exception)
    assert "Stopped." in during.output

    server.start()
    with sessions() as db:
        waiting = db.get(Job, job.id)
        assert waiting is not None
        assert (waiting.state, waiting.attempts) == (JobState.QUEUED, 0)
    after = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert after.exit_code == 0, (after.output, after.exception)
    with sessions() as db:
        done = db.get(Job, job.id)
        assert done is not None
        assert (done.state, done.attempts) == (JobState.DONE, 1)
    assert audited(sessions, "test.restart.recorded") == 1


def test_a_job_cut_off_by_the_outage_is_done_again_once_and_only_once(
    server: Server, sessions: sessionmaker[Session]
) -> None:
    with sessions() as db:
        job = jobs.enqueue(db, "test.restart.cut-off")
        db.commit()

    _outage["server"] = server
    with pytest.raises(SQLAlchemyError):
        jobs.run_one(sessions)
    assert not server.is_running()

    server.start()
    with sessions() as db:
        claimed = db.get(Job, job.id)
        assert claimed is not None
        # Still held by the worker that was cut off; its work was rolled back with its lease.
        assert (claimed.state, claimed.attempts) == (JobState.RUNNING, 1)
    assert audited(sessions, "test.restart.recorded") == 0
    assert jobs.run_one(sessions) is None

    # Once the lease runs out another run of a worker takes it over and does it.
    later = clock.now() + jobs.LEASE + timedelta(seconds=1)
    assert jobs.run_one(sessions, now=later) == job.id
    with sessions() as db:
        done = db.get(Job, job.id)
        assert done is not None
        assert (done.state, done.attempts) == (JobState.DONE, 2)
    assert audited(sessions, "test.restart.recorded") == 1

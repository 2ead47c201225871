"""The job queue: queued with the change it is for, done once by one of several workers, tried
again with back-off and set aside, claimed again when its worker dies, periodic without cron."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from portal import audit, clock, jobs
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.jobs import Job, JobState

ROOT = Path(__file__).resolve().parents[2]
runs: list[int] = []
runs_lock = threading.Lock()


@jobs.handler("test.record")
def _record(db: Session, job: Job, progress: jobs.Progress) -> None:
    progress("Recording")
    with runs_lock:
        runs.append(job.id)
    time.sleep(float(job.payload.get("seconds", 0)))
    audit.record(db, None, "test.recorded", "job", job.id)


@jobs.handler("test.fail")
def _fail(db: Session, job: Job, progress: jobs.Progress) -> None:
    audit.record(db, None, "test.half_done", "job", job.id)  # rolled back with the failure
    raise RuntimeError("the document could not be read")


@jobs.handler("test.refuse")
def _refuse(db: Session, job: Job, progress: jobs.Progress) -> None:
    audit.record(db, None, "test.half_done", "job", job.id)  # rolled back with the refusal
    raise DomainError("The review is empty.")


@jobs.handler("test.refuse-and-record")
def _refuse_and_record(db: Session, job: Job, progress: jobs.Progress) -> str:
    audit.record(db, None, "test.refusal_recorded", "job", job.id)
    return "The review is empty."


@jobs.handler("test.done", back_off=(timedelta(hours=1),))
def _done(db: Session, job: Job, progress: jobs.Progress) -> None:
    if job.payload.get("fail"):
        raise RuntimeError("the mail server is down")
    job.done_path = "/cases/1/review"
    job.outcome = "The review has been read."


@pytest.fixture
def sessions(app: Flask) -> sessionmaker[Session]:
    runs.clear()
    made: sessionmaker[Session] = app.extensions["db_sessionmaker"]
    return made


def recorded(db: Session, action: str = "test.recorded") -> int:
    return db.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def test_a_job_is_queued_only_with_the_change_it_is_for(db: Session) -> None:
    jobs.enqueue(db, "test.record")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Job)) == 0
    jobs.enqueue(db, "test.record")
    db.commit()
    assert db.scalars(select(Job.state)).all() == [JobState.QUEUED]


def test_unknown_kinds_cannot_be_queued(db: Session) -> None:
    with pytest.raises(ValueError, match="no handler"):
        jobs.enqueue(db, "test.nobody-does-this")


def test_a_worker_does_a_job_and_its_work_is_committed_with_it(
    db: Session, sessions: sessionmaker[Session]
) -> None:
    job = jobs.enqueue(db, "test.record")
    db.commit()
    assert jobs.run_one(sessions) == job.id
    db.refresh(job)
    assert (job.state, job.progress, job.attempts) == (JobState.DONE, "Done", 1)
    assert recorded(db) == 1
    assert jobs.run_one(sessions) is None


def test_a_failing_job_is_tried_again_later_then_set_aside(
    db: Session, sessions: sessionmaker[Session]
) -> None:
    job = jobs.enqueue(db, "test.fail")
    db.commit()
    now = clock.now()
    for attempt, wait in enumerate(jobs.BACK_OFF, start=1):
        assert jobs.run_one(sessions, now) == job.id
        db.refresh(job)
        assert (job.state, job.attempts) == (JobState.QUEUED, attempt)
        assert job.run_after == now + wait
        assert jobs.run_one(sessions, now) is None  # not due yet
        now = job.run_after
    assert jobs.run_one(sessions, now) == job.id
    db.refresh(job)
    assert job.state is JobState.SET_ASIDE
    assert job.last_error == "RuntimeError: the document could not be read"
    assert [aside.id for aside in jobs.set_aside(db)] == [job.id]
    assert recorded(db, "test.half_done") == 0

    jobs.try_again(db, None, job)
    db.commit()
    assert (job.state, job.attempts) == (JobState.QUEUED, 0)
    assert recorded(db, "job.retried") == 1


def test_a_job_a_rule_refuses_ends_at_once_with_the_reason_and_none_of_its_work(
    db: Session, sessions: sessionmaker[Session]
) -> None:
    job = jobs.enqueue(db, "test.refuse", requested_by_id=None, title="Reading the review")
    db.commit()
    assert jobs.run_one(sessions) == job.id
    db.refresh(job)
    assert (job.state, job.outcome, job.attempts) == (
        JobState.REFUSED,
        "The review is empty.",
        1,
    )
    assert job.state.finished and job.finished_at is not None
    assert recorded(db, "test.half_done") == 0
    assert jobs.run_one(sessions, clock.now() + timedelta(days=1)) is None  # never again
    assert jobs.set_aside(db) == []  # nothing for an administrator to fix


def test_a_refusal_the_handler_returns_keeps_its_record(
    db: Session, sessions: sessionmaker[Session]
) -> None:
    job = jobs.enqueue(db, "test.refuse-and-record")
    db.commit()
    jobs.run_one(sessions)
    db.refresh(job)
    assert (job.state, job.outcome) == (JobState.REFUSED, "The review is empty.")
    assert recorded(db, "test.refusal_recorded") == 1


def test_a_job_says_where_to_go_once_done_and_each_kind_has_its_own_back_off(
    db: Session, sessions: sessionmaker[Session]
) -> None:
    done = jobs.enqueue(db, "test.done")
    failing = jobs.enqueue(db, "test.done", {"fail": True})
    db.commit()
    now = clock.now()
    jobs.run_one(sessions, now)
    jobs.run_one(sessions, now)
    db.refresh(done)
    db.refresh(failing)
    assert (done.state, done.done_path, done.outcome) == (
        JobState.DONE,
        "/cases/1/review",
        "The review has been read.",
    )
    assert (failing.state, failing.run_after) == (JobState.QUEUED, now + timedelta(hours=1))
    jobs.run_one(sessions, failing.run_after)
    db.refresh(failing)
    assert failing.state is JobState.SET_ASIDE  # after its one wait, not the default three


def test_two_workers_never_run_one_job_twice(db: Session, sessions: sessionmaker[Session]) -> None:
    job = jobs.enqueue(db, "test.record", {"seconds": 0.5})
    db.commit()
    done: list[int | None] = []
    workers = [threading.Thread(target=lambda: done.append(jobs.run_one(sessions))) for _ in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(done, key=str) == [job.id, None]
    assert runs == [job.id]
    assert recorded(db) == 1


def test_a_job_whose_worker_is_killed_runs_again_and_completes_once(
    app: Flask, db: Session, sessions: sessionmaker[Session], database_url: str
) -> None:
    job = jobs.enqueue(db, "test.record", {"seconds": 60})
    db.commit()
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import tests.portal.test_jobs; from portal.app import create_app; from portal import"
            " jobs; app = create_app(); jobs.run_one(app.extensions['db_sessionmaker'])",
        ],
        cwd=ROOT,
        env={**os.environ, "PORTAL_MODE": "test", "DATABASE_URL": database_url},
    )
    try:
        deadline = time.monotonic() + 30
        while db.scalar(select(Job.progress).where(Job.id == job.id)) != "Recording":
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.1)
            db.expire_all()
    finally:
        worker.kill()
        worker.wait(timeout=10)

    db.expire_all()
    assert db.get(Job, job.id).state is JobState.RUNNING  # type: ignore[union-attr]
    assert jobs.run_one(sessions) is None  # its lease still holds it
    job.payload = {"seconds": 0}
    db.commit()
    assert jobs.run_one(sessions, clock.now() + jobs.LEASE + timedelta(seconds=1)) == job.id
    db.refresh(job)
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert recorded(db) == 1  # the killed run's work was never committed


def test_periodic_jobs_are_queued_once_a_period_whoever_asks(db: Session) -> None:
    now = clock.now()
    jobs.queue_periodic(db, now)
    jobs.queue_periodic(db, now)
    reminders = select(Job).where(Job.kind == "panels.remind-overdue")
    assert len(db.scalars(reminders).all()) == 1
    jobs.queue_periodic(db, now + timedelta(days=1))
    assert len(db.scalars(reminders).all()) == 2


def test_the_worker_command_does_what_is_due(app: Flask, db: Session) -> None:
    job = jobs.enqueue(db, "test.record")
    db.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    db.refresh(job)
    assert job.state is JobState.DONE
    # The worker also queued and did today's overdue reminders, without cron.
    reminders = db.scalars(select(Job).where(Job.kind == "panels.remind-overdue")).all()
    assert [reminder.state for reminder in reminders] == [JobState.DONE]

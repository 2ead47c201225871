"""Slow or risky work done by worker processes (`flask --app portal.app worker`), not requests.

A job is a row in the portal's own database, added to the session of the change that needs it,
so it is queued exactly when that change is committed and never without it. Any number of
workers on any number of machines claim jobs with a compare-and-set on the row (the same on
SQLite and PostgreSQL) and hold them for a lease; a job whose worker died is claimed again when
its lease runs out. A job's own writes are committed together with its completion, and only by
the worker still holding the lease, so a job's effects land once. A failing job is tried again
with back-off, then set aside for an administrator to see. Periodic jobs are queued by the
workers themselves, once per period, so no cron is needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import JSON, CursorResult, Integer, String, Text, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from portal import audit, clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column
from portal.errors import DomainError

logger = logging.getLogger(__name__)

# Wait this long after the n-th failure before trying again; set the job aside after the last.
BACK_OFF = (timedelta(seconds=30), timedelta(minutes=5), timedelta(minutes=30))
MAX_ATTEMPTS = len(BACK_OFF) + 1
# Longer than any job takes: a worker still running a job when its lease ends loses it, and
# its work is rolled back rather than committed twice.
LEASE = timedelta(minutes=15)
ERROR_LENGTH = 500


class JobState(LabelledEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    SET_ASIDE = "set_aside"


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState, "job_state"), default=JobState.QUEUED, index=True
    )
    # At most one job per key: a periodic job's run ("panels.remind-overdue:20417").
    unique_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # What the job is doing, in words for the person waiting ("Finding what to redact…").
    progress: Mapped[str] = mapped_column(String(200), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


Progress = Callable[[str], None]
Handler = Callable[[Session, Job, Progress], None]


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: timedelta


_handlers: dict[str, Handler] = {}
_periodic: dict[str, Periodic] = {}


def handler(kind: str, every: timedelta | None = None) -> Callable[[Handler], Handler]:
    """Declare the function that does jobs of `kind`; with `every`, a job of it runs once per
    period of that length."""

    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        if every is not None:
            _periodic[kind] = Periodic(kind, every)
        return function

    return register


def enqueue(
    db: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    unique_key: str | None = None,
    run_after: datetime | None = None,
) -> Job:
    """Add a job to the session: it is queued when the caller commits the change it is for."""
    if kind not in _handlers:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    job = Job(
        kind=kind,
        payload=payload or {},
        state=JobState.QUEUED,
        unique_key=unique_key,
        attempts=0,
        progress="Waiting to start",
        run_after=run_after or clock.now(),
    )
    db.add(job)
    return job


def queue_periodic(db: Session, now: datetime | None = None) -> int:
    """Queue this period's run of every periodic job not queued yet; commits. Several workers
    may call it at once: the unique key lets only one of them queue each run."""
    now = now or clock.now()
    queued = 0
    for periodic in _periodic.values():
        period = int(now.timestamp() // periodic.every.total_seconds())
        try:
            with db.begin_nested():
                enqueue(db, periodic.kind, unique_key=f"{periodic.kind}:{period}", run_after=now)
            queued += 1
        except IntegrityError:
            pass  # this period's run is already queued
    db.commit()
    return queued


def run_one(sessions: sessionmaker[Session], now: datetime | None = None) -> int | None:
    """Claim one due job and do it; return its id, or None when nothing was due."""
    now = now or clock.now()
    claim = _claim(sessions, now)
    if claim is None:
        return None
    job_id, lease = claim
    with sessions() as db:
        job = db.get(Job, job_id)
        assert job is not None  # claimed just now, and jobs are never deleted
        try:
            _handlers[job.kind](db, job, lambda text: _report(sessions, job_id, lease, text))
            if not _finish(db, job_id, lease):
                db.rollback()  # another worker took the job over; its run counts
                return job_id
            db.commit()
        except Exception as error:  # a job's failure must never stop the worker
            db.rollback()
            logger.exception("job %s (%s) failed", job_id, job.kind)
            _failed(sessions, job_id, lease, error, now)
    return job_id


def _claim(sessions: sessionmaker[Session], now: datetime) -> tuple[int, datetime] | None:
    due = or_(
        and_(Job.state == JobState.QUEUED, Job.run_after <= now),
        and_(Job.state == JobState.RUNNING, Job.locked_until < now),  # its worker died
    )
    lease = now + LEASE
    with sessions() as db:
        for job_id in db.scalars(select(Job.id).where(due).order_by(Job.run_after).limit(5)):
            taken = cast(
                CursorResult[Any],
                db.execute(
                    update(Job)
                    .where(Job.id == job_id, due)
                    .values(
                        state=JobState.RUNNING,
                        locked_until=lease,
                        attempts=Job.attempts + 1,
                        progress="Started",
                    )
                ),
            ).rowcount
            db.commit()
            if taken:
                return job_id, lease
    return None


def _holding(job_id: int, lease: datetime) -> Any:
    return and_(Job.id == job_id, Job.state == JobState.RUNNING, Job.locked_until == lease)


def _report(sessions: sessionmaker[Session], job_id: int, lease: datetime, text: str) -> None:
    # In a transaction of its own, so the person waiting sees it while the job runs.
    with sessions() as db:
        db.execute(update(Job).where(_holding(job_id, lease)).values(progress=text[:200]))
        db.commit()


def _finish(db: Session, job_id: int, lease: datetime) -> bool:
    finished = cast(
        CursorResult[Any],
        db.execute(
            update(Job)
            .where(_holding(job_id, lease))
            .values(
                state=JobState.DONE, progress="Done", finished_at=clock.now(), locked_until=None
            )
        ),
    ).rowcount
    return bool(finished)


def _failed(
    sessions: sessionmaker[Session], job_id: int, lease: datetime, error: Exception, now: datetime
) -> None:
    with sessions() as db:
        job = db.get(Job, job_id)
        if job is None or job.locked_until != lease:
            return
        job.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        job.locked_until = None
        if job.attempts >= MAX_ATTEMPTS:
            job.state, job.progress = JobState.SET_ASIDE, "Failed"
            job.finished_at = now
        else:
            job.state, job.progress = JobState.QUEUED, "Waiting to try again"
            job.run_after = now + BACK_OFF[job.attempts - 1]
        db.commit()


def set_aside(db: Session) -> list[Job]:
    """Jobs that kept failing, newest first, for an administrator to see."""
    return list(
        db.scalars(
            select(Job).where(Job.state == JobState.SET_ASIDE).order_by(Job.finished_at.desc())
        )
    )


def try_again(db: Session, actor_id: int | None, job: Job) -> None:
    """Queue a set-aside job once more, from its first attempt (audited)."""
    if job.state is not JobState.SET_ASIDE:
        raise DomainError("Only a job that was set aside can be tried again.")
    job.state, job.attempts, job.run_after = JobState.QUEUED, 0, clock.now()
    job.progress, job.finished_at = "Waiting to start", None
    audit.record(db, actor_id, "job.retried", "job", job.id, kind=job.kind)

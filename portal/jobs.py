"""Slow or risky work done by worker processes (`flask --app portal.app worker`), not requests.

A job is a row in the portal's own database, added to the session of the change that needs it,
so it is queued exactly when that change is committed and never without it. Any number of
workers on any number of machines claim jobs with a compare-and-set on the row (the same on
SQLite and PostgreSQL) and hold them for a lease; a job whose worker died is claimed again when
its lease runs out. A job's own writes are committed together with its completion, and only by
the worker still holding the lease, so a job's effects land once. A failing job is tried again
with back-off, then set aside for an administrator to see; a job refused by a rule of the
domain (a document that cannot be read) ends at once with the reason, for the person who asked
for it, who follows its progress on `/jobs/<id>`. Periodic jobs are queued by the workers
themselves, once per period, so no cron is needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    JSON,
    CursorResult,
    ForeignKey,
    Integer,
    String,
    Text,
    and_,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from portal import audit, clock
from portal.db import Base, LabelledEnum, UtcDateTime, enum_column
from portal.errors import DomainError

logger = logging.getLogger(__name__)

# Wait this long after the n-th failure before trying again; set the job aside after the last.
BACK_OFF = (timedelta(seconds=30), timedelta(minutes=5), timedelta(minutes=30))
# Longer than any job takes: a worker still running a job when its lease ends loses it, and
# its work is rolled back rather than committed twice.
LEASE = timedelta(minutes=15)
ERROR_LENGTH = 500


class JobState(LabelledEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    # Ended by a rule of the domain, with the reason in `outcome`: trying again cannot help.
    REFUSED = "refused"
    SET_ASIDE = "set_aside"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.REFUSED, JobState.SET_ASIDE)


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
    # The person waiting for it, who alone may follow it on /jobs/<id>; None for the portal's own.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # What it is, for that person ("Reading the review of case SFO-1"), where they go once it is
    # done (its handler may set it, e.g. to the extract it made) and where to go back to if not.
    title: Mapped[str] = mapped_column(String(200), default="")
    done_path: Mapped[str | None] = mapped_column(String(500))
    back_path: Mapped[str | None] = mapped_column(String(500))
    # What came of it, in words for that person: what was done, or why it was refused.
    outcome: Mapped[str | None] = mapped_column(Text)


Progress = Callable[[str], None]
# A handler does the job's work in the session it is given, reporting progress as it goes. When
# a rule refuses the work it raises DomainError, and none of its writes stand; or it returns the
# reason, and its writes stand (the record of the refusal). It may set the job's `done_path` and
# `outcome` (what was done, in words for the person who asked). Reporting progress commits in
# another session: on SQLite, report before the handler's session writes anything, as its write
# lock would hold the report up.
Handler = Callable[[Session, Job, Progress], str | None]


@dataclass(frozen=True)
class Kind:
    handler: Handler
    back_off: tuple[timedelta, ...]
    every: timedelta | None


_kinds: dict[str, Kind] = {}


def handler(
    kind: str, every: timedelta | None = None, back_off: tuple[timedelta, ...] = BACK_OFF
) -> Callable[[Handler], Handler]:
    """Declare the function that does jobs of `kind`; with `every`, a job of it runs once per
    period of that length. A failing job waits `back_off[n]` after its n-th failure and is set
    aside after the last."""

    def register(function: Handler) -> Handler:
        _kinds[kind] = Kind(function, back_off, every)
        return function

    return register


def enqueue(
    db: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    unique_key: str | None = None,
    run_after: datetime | None = None,
    requested_by_id: int | None = None,
    title: str = "",
    back_path: str | None = None,
) -> Job:
    """Add a job to the session: it is queued when the caller commits the change it is for."""
    if kind not in _kinds:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    job = Job(
        kind=kind,
        payload=payload or {},
        state=JobState.QUEUED,
        unique_key=unique_key,
        attempts=0,
        progress="Waiting to start",
        run_after=run_after or clock.now(),
        requested_by_id=requested_by_id,
        title=title[:200],
        back_path=back_path,
    )
    db.add(job)
    return job


def queue_periodic(db: Session, now: datetime | None = None) -> int:
    """Queue this period's run of every periodic job not queued yet; commits. Several workers
    may call it at once: the unique key lets only one of them queue each run."""
    now = now or clock.now()
    queued = 0
    for name, kind in _kinds.items():
        if kind.every is None:
            continue
        period = int(now.timestamp() // kind.every.total_seconds())
        try:
            with db.begin_nested():
                enqueue(db, name, unique_key=f"{name}:{period}", run_after=now)
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
            try:
                refusal = _kinds[job.kind].handler(
                    db, job, lambda text: _report(sessions, job_id, lease, text)
                )
            except DomainError as refused:
                db.rollback()  # none of a refused job's work stands
                refusal = refused.message
            if not _finish(db, job_id, lease, refusal):
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


def _finish(db: Session, job_id: int, lease: datetime, refusal: str | None) -> bool:
    ended: dict[str, Any] = {"state": JobState.DONE, "progress": "Done"}
    if refusal:
        ended = {"state": JobState.REFUSED, "progress": "Could not be done", "outcome": refusal}
    finished = cast(
        CursorResult[Any],
        db.execute(
            update(Job)
            .where(_holding(job_id, lease))
            .values(**ended, finished_at=clock.now(), locked_until=None)
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
        back_off = _kinds[job.kind].back_off
        if job.attempts > len(back_off):
            job.state, job.progress = JobState.SET_ASIDE, "Failed"
            job.finished_at = now
        else:
            job.state, job.progress = JobState.QUEUED, "Waiting to try again"
            job.run_after = now + back_off[job.attempts - 1]
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

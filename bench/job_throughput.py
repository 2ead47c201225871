"""How many jobs a second the queue's workers get through, with one worker and with two, on
SQLite and on a PostgreSQL server of its own: the queue's own cost (claim, lease, completion),
each job doing nothing but write one audit event.

Run from the repository root: `.venv/bin/python -m bench.job_throughput [--jobs 2000]`.
A script, not a test: it prints figures and checks nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from portal import audit, jobs, migrate
from portal.jobs import Job, JobState
from tests.support.postgres import running_server


@jobs.handler("bench.noop")
def _noop(db: Session, job: Job, progress: jobs.Progress) -> None:
    audit.record(db, None, "bench.done", "job", job.id)


def _work(url: str) -> None:
    engine = create_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    while jobs.run_one(sessions) is not None:
        pass
    engine.dispose()


def measure(url: str, count: int, workers: int) -> float:
    """Jobs a second for `workers` processes emptying a queue of `count` jobs."""
    engine = create_engine(url)
    with Session(engine) as db:
        db.query(Job).delete()
        for _ in range(count):
            jobs.enqueue(db, "bench.noop")
        db.commit()
    # fork keeps the handler registered above in each worker.
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_work, args=(url,)) for _ in range(workers)]
    began = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    took = time.perf_counter() - began
    with Session(engine) as db:
        done = db.scalar(select(func.count()).where(Job.state == JobState.DONE))
        assert done == count, f"{done} of {count} jobs done"
    engine.dispose()
    return count / took


@contextmanager
def databases() -> Iterator[list[tuple[str, str]]]:
    with tempfile.TemporaryDirectory() as directory, running_server() as postgres:
        sqlite = f"sqlite:///{Path(directory) / 'bench.db'}"
        migrate.upgrade(sqlite)
        migrate.upgrade(postgres)
        yield [("SQLite", sqlite), ("PostgreSQL", postgres)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2000)
    count = parser.parse_args().jobs
    print(f"{'database':<12}{'workers':>8}{'jobs/s':>10}")
    with databases() as urls:
        for name, url in urls:
            for workers in (1, 2):
                print(f"{name:<12}{workers:>8}{measure(url, count, workers):>10.0f}")


if __name__ == "__main__":
    main()

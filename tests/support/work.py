"""Doing queued jobs in a test, as a worker process would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import Flask

from portal import jobs


def run_jobs(app: Flask, now: datetime | None = None) -> list[int]:
    """Do every job that is due (at `now`), one after another; the ids of those done."""
    sessions = app.extensions["db_sessionmaker"]
    done = []
    with app.app_context():
        while (job_id := jobs.run_one(sessions, now)) is not None:
            done.append(job_id)
    return done


@contextmanager
def worker(app: Flask, interval: float = 0.1) -> Iterator[None]:
    """A worker beside a live server, in a thread of the test's process: the same queue code a
    `flask worker` process runs, looking for work every `interval` seconds."""
    stop = threading.Event()
    sessions = app.extensions["db_sessionmaker"]

    def work() -> None:
        with app.app_context():
            while not stop.is_set():
                if jobs.run_one(sessions) is None:
                    stop.wait(interval)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)

"""How long asking for the annual report's PDF takes (the POST that queues the job) and how long
a worker takes to make it, for each role that reads the report: the PDF is no longer made in a
request, so bench.web times the report's pages but neither of these.

    .venv/bin/python -m bench.report_pdf --url postgresql+psycopg://... --times 5

In this process: the POST through Flask's test client (the whole portal but gunicorn), the job
through the queue's own `run_one`, as a worker does it. It queues and makes PDFs in the
database it is given: use a copy. A script, not a test.
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agencies.models import User
from bench.web import PEOPLE, free_port, percentile, portal_environment
from insight import report_job
from portal import jobs, sign_in_sessions
from portal.app import create_app
from portal.jobs import Job, JobState

READERS = ("chair", "agency lead", "administrator", "observer")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} {percentile(values, 95):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a copy of a national database")
    parser.add_argument("--times", type=int, default=5, help="PDFs made for each role")
    parser.add_argument("--year", type=int, default=2025)
    arguments = parser.parse_args()
    app = create_app(portal_environment(arguments.url, free_port(), secrets.token_hex(32)))
    sessions = app.extensions["db_sessionmaker"]
    report = f"/insight/report?year={arguments.year}"
    print(f"{'role':16} {'POST: median, p95 ms':>22} {'job: median, p95 ms':>22} {'PDF KB':>7}")
    # Each request pushes an app context of its own (Flask-WTF keeps its token in `g`): only
    # the work done here, not the requests, runs in one held open.
    with Session(app.extensions["db_engine"]) as db:
        # The copy's own queued jobs (the demo's emails, the periodic jobs) wait, so that the
        # worker here does the reports alone.
        db.execute(
            update(Job)
            .where(Job.state == JobState.QUEUED)
            .values(run_after=datetime(9999, 1, 1, tzinfo=UTC))
        )
        db.commit()
        for role in READERS:
            user = db.scalar(select(User).where(User.subject == PEOPLE[role]))
            assert user is not None, f"{PEOPLE[role]} is not in the database"
            client = app.test_client()
            with app.app_context():
                sign_in_session = sign_in_sessions.start(db, user.id, None)
                db.commit()
            with client.session_transaction() as session:
                session.update(
                    sign_in_session=sign_in_session.id, _user_id=str(user.id), _fresh=True
                )
            token = _CSRF.search(client.get(report).get_data(as_text=True))
            assert token, f"no CSRF token on {report}"
            posts, made, pdf = [], [], ""
            for _ in range(arguments.times):
                began = time.perf_counter()
                answer = client.post(
                    f"/insight/report/pdf?year={arguments.year}",
                    data={"csrf_token": token.group(1)},
                )
                posts.append((time.perf_counter() - began) * 1000)
                assert answer.status_code == 303, answer.status_code
                job_id = int(answer.headers["Location"].rsplit("/", 1)[1])
                began = time.perf_counter()
                with app.app_context():
                    jobs.run_one(sessions)
                made.append((time.perf_counter() - began) * 1000)
                job = db.get(Job, job_id)
                assert job is not None and job.kind == report_job.MAKE
                db.refresh(job)
                assert job.done_path, f"job {job_id} was not done: {job.state} {job.last_error}"
                pdf = job.done_path + ".pdf"
            size = len(client.get(pdf).data) / 1024
            print(f"{role:16} {_ms(posts):>22} {_ms(made):>22} {size:7.0f}")


if __name__ == "__main__":
    main()

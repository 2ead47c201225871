"""How many pages a second a signed-in person gets from the portal while a chair keeps uploading
worst-case reviews, against the same pages when nothing else is happening.

The portal runs as in production: gunicorn with two workers, one `flask --app portal.app worker`
beside it, the demo's data, and people signed in through the demo's own OpenID provider
(`scripts/local_provider.mjs`). Tom Reed (a panel member) reads his home page and `/cases` from
several threads at once; then, for as long again, Priya Shah (the chair) keeps uploading the
worst documents `tests/extracts/documents.py` builds to `POST /cases/<id>/review`, keeping three
of them waiting for the worker and following each on its progress page. For reference the same
is measured of a bare Flask page under the same gunicorn settings. The worst documents are
chosen at the start by timing the reader on each candidate: the bombs as the tests build them,
and the same bombs grown to just inside the reader's caps.

Run from the repository root: `.venv/bin/python -m bench.upload_load [--seconds 20]
[--threads 4] [--postgres]`. It needs Node (for the provider) and port 9402 free (the demo's
probation provider: stop `scripts/demo` first). A script, not a test: it prints figures and
checks nothing. On a small or shared machine the figures move from run to run by several per
cent: compare the two columns of one run, not runs with each other.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

import portal.models  # noqa: F401 (every table, so the jobs table's references resolve)
from extracts.document_reader import CAPS, UnreadableDocument, read_document
from portal.demo import DEMO_AGENCIES, local_provider, provider_config, wait_for
from portal.jobs import Job
from tests.extracts import documents
from tests.support.local_provider import authorize
from tests.support.postgres import free_port, running_server

ROOT = Path(__file__).resolve().parents[1]
PROBATION = next(agency for agency in DEMO_AGENCIES if agency.slug == "demo-probation")
READER, CHAIR = "tom.reed", "priya.shah"
CASE = "SFO-DEMO-0142"
PAGES = ("/", "/cases")
TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A job's progress page while the job runs, as a person sees it (its caption) and as its own
# script finds it (to check again every few seconds).
_RUNNING = re.compile(r'>In progress<|data-module="app-job-progress"')


def bare_app() -> Flask:
    """The reference: a Flask page that does nothing (`gunicorn 'bench.upload_load:bare_app()'`)."""
    app = Flask(__name__)
    app.add_url_rule("/", "page", lambda: "<!DOCTYPE html><title>Bare</title><p>Hello</p>")
    return app


@dataclass(frozen=True)
class Document:
    name: str
    data: bytes
    what: str


def candidates() -> list[Document]:
    # Each page's drawing just inside the cap for one page, as many pages as the cap for the
    # whole document allows: the most a PDF may make the reader parse.
    page = CAPS.page_content_bytes - 1024
    pages = CAPS.content_bytes // CAPS.page_content_bytes
    return [
        Document("paragraphs.docx", documents.many_paragraphs(), "260,000 tiny paragraphs"),
        Document(
            "paragraphs-inside-cap.docx",
            documents.many_paragraphs(CAPS.paragraphs - 1),
            f"{CAPS.paragraphs - 1:,} tiny paragraphs",
        ),
        Document("huge-text.docx", documents.huge_text_node(), "one 50 MB run of text"),
        Document(
            "shared-stream.pdf", documents.shared_content_stream_pdf(), "4 pages, one 1 MB stream"
        ),
        Document(
            "shared-stream-inside-caps.pdf",
            documents.shared_content_stream_pdf(pages=pages, content=page),
            f"{pages} pages, one {page // 1024} KB stream",
        ),
        Document(
            "form-drawing-inside-cap.pdf",
            documents.form_drawing_pdf(content=page),
            f"one page drawing a {page // 1024} KB form",
        ),
    ]


def cpu_seconds(document: Document) -> tuple[float, str]:
    """Processor time the reader's process spends on it, and what the person is told."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        outcome = f"read, {len(read_document(document.name, document.data)):,} characters"
    except UnreadableDocument as refused:
        outcome = "refused: " + refused.message.removeprefix("This document could not be read: ")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), outcome


def worst_documents() -> list[Document]:
    """The .docx and the PDF that cost the reader most, after printing what each candidate cost."""
    print(f"{'candidate upload':<32}{'bytes':>9}{'reader cpu s':>14}  outcome")
    worst: dict[str, tuple[float, Document]] = {}
    for document in candidates():
        cost, outcome = cpu_seconds(document)
        print(f"{document.name:<32}{len(document.data):>9,}{cost:>14.2f}  {outcome}")
        suffix = Path(document.name).suffix
        if suffix not in worst or cost > worst[suffix][0]:
            worst[suffix] = (cost, document)
    return [document for _cost, document in worst.values()]


@dataclass(frozen=True)
class Figures:
    pages_per_second: float
    median_ms: float
    p95_ms: float
    failed: int


def measure(
    url: str, sessions: list[requests.Session], paths: tuple[str, ...], seconds: float
) -> Figures:
    """Each session asks for the pages in turn, all at once, for `seconds`."""
    latencies: list[float] = []
    failed = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def read(session: requests.Session, offset: int) -> None:
        mine: list[float] = []
        wrong = 0
        turn = offset
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                status = session.get(
                    url + paths[turn % len(paths)], allow_redirects=False, timeout=60
                ).status_code
            except requests.RequestException:
                status = 0
            took = time.perf_counter() - began
            turn += 1
            if status == 200:
                mine.append(took)
            else:
                wrong += 1
        with lock:
            latencies.extend(mine)
            failed[0] += wrong

    began = time.monotonic()
    threads = [threading.Thread(target=read, args=(s, n)) for n, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - began
    if not latencies:
        return Figures(0.0, float("nan"), float("nan"), failed[0])
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0]
    return Figures(
        len(latencies) / took, statistics.median(latencies) * 1000, p95 * 1000, failed[0]
    )


class Uploader(threading.Thread):
    """The chair, uploading the worst documents in turn and following each on its progress
    page; `backlog` uploads wait for the worker at any time, so it never runs out of work."""

    def __init__(
        self,
        url: str,
        session: requests.Session,
        case_id: int,
        uploads: list[Document],
        backlog: int,
    ) -> None:
        super().__init__(daemon=True)
        self.url, self.session, self.case_id = url, session, case_id
        self.uploads, self.backlog = uploads, backlog
        self.stop = threading.Event()
        self.sent = self.finished = self.failed = 0
        self.latencies: list[float] = []
        self.waiting: collections.deque[str] = collections.deque()
        # What the portal answered each upload: "303 to /jobs/", "200" (the form again), ...
        self.answers: collections.Counter[str] = collections.Counter()

    def run(self) -> None:
        form = f"{self.url}/cases/{self.case_id}/review"
        match = _CSRF.search(self.session.get(form, timeout=60).text)
        if not match:
            self.failed += 1
            return
        turn = 0
        while not self.stop.is_set():
            upload = self.uploads[turn % len(self.uploads)]
            turn += 1
            began = time.perf_counter()
            response = self.session.post(
                form,
                data={"csrf_token": match.group(1)},
                files={"document": (upload.name, upload.data, TYPES[Path(upload.name).suffix])},
                allow_redirects=False,
                timeout=120,
            )
            self.latencies.append(time.perf_counter() - began)
            self.sent += 1
            location = response.headers.get("Location", "")
            self.answers[f"{response.status_code} {_answer(response, location)}"] += 1
            if response.is_redirect and "/jobs/" in location:
                self.waiting.append(urljoin(form, location))
            elif response.status_code in (200, 302, 303):
                self.finished += 1  # read during the request, as before the work moved to jobs
            else:
                self.failed += 1
            while len(self.waiting) >= self.backlog and not self.stop.is_set():
                self._follow(self.waiting[0])

    def _follow(self, job: str) -> None:
        page = self.session.get(job, allow_redirects=False, timeout=60)
        if page.status_code == 200 and _RUNNING.search(page.text):
            self.stop.wait(1.0)  # the page's script asks every 2 s; ask a little more eagerly
            return
        self.waiting.popleft()
        if page.is_redirect or page.status_code == 200:
            self.finished += 1  # done (on to the review) or refused with its reason
        else:
            self.failed += 1


def _answer(response: requests.Response, location: str) -> str:
    if response.is_redirect:
        return "to " + re.sub(r"\d+", "<id>", urlsplit(location).path)
    problem = re.search(r"govuk-error-summary__body.*?<(?:li|p)[^>]*>(.*?)<", response.text, re.S)
    return f"({problem.group(1).strip()})" if problem else ""


def sign_in(url: str, subject: str) -> requests.Session:
    """Signed in through the demo's probation provider, as a browser without scripts would be."""
    session = requests.Session()
    start = session.get(f"{url}/sign-in/{PROBATION.slug}", allow_redirects=False, timeout=30)
    session.get(authorize(None, start.headers["Location"], subject), timeout=30)
    home = session.get(url + "/", allow_redirects=False, timeout=30)
    if home.status_code != 200:
        raise RuntimeError(f"{subject} could not sign in: {home.status_code}")
    return session


def copies(session: requests.Session, count: int) -> list[requests.Session]:
    """One session a thread (requests' sessions are not shared between threads), one sign-in."""
    made = []
    for _ in range(count):
        copy = requests.Session()
        copy.cookies.update(session.cookies)
        made.append(copy)
    return made


@contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        started = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)  # noqa: S603
        try:
            yield started
        finally:
            started.terminate()
            try:
                started.wait(timeout=30)
            except subprocess.TimeoutExpired:
                started.kill()
                started.wait()


def gunicorn(app: str, port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", app]


def case_id(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT id FROM cases WHERE reference = :r"), {"r": CASE})
    engine.dispose()
    if found is None:
        raise RuntimeError(f"the demo's case {CASE} is missing")
    return int(found)


def job_outcomes(database_url: str) -> list[str]:
    """What became of the uploads the worker finished, and how long each waited and took."""
    engine = create_engine(database_url)
    with Session(engine) as db:
        finished = db.scalars(
            # Only the chair's uploads are jobs someone asked for; the periodic ones are not.
            select(Job).where(Job.requested_by_id.is_not(None), Job.finished_at.is_not(None))
        ).all()
    engine.dispose()
    refused = "This document could not be read: "
    outcomes = collections.Counter(
        f"{job.state.value}: {(job.outcome or '').removeprefix(refused)}" for job in finished
    )
    lines = [f"{count:>5} {outcome}" for outcome, count in outcomes.most_common()]
    took = [
        (job.finished_at - job.created_at).total_seconds() for job in finished if job.finished_at
    ]
    if took:
        lines.append(
            f"upload to finished: median {statistics.median(took):.1f} s, most {max(took):.1f} s"
        )
    return lines


@contextmanager
def database(postgres: bool, directory: Path) -> Iterator[str]:
    if postgres:
        with running_server() as url:
            yield url
    else:
        yield f"sqlite:///{directory / 'bench.db'}"


def row(label: str, figures: Figures, uploads: str = "") -> None:
    print(
        f"{label:<34}{figures.pages_per_second:>9.1f}{figures.median_ms:>12.1f}"
        f"{figures.p95_ms:>10.1f}{figures.failed:>8}  {uploads}"
    )


def fall(idle: Figures, loaded: Figures) -> str:
    if not idle.pages_per_second:
        return "n/a"
    return f"{100 * (1 - loaded.pages_per_second / idle.pages_per_second):.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each measurement")
    parser.add_argument("--threads", type=int, default=4, help="the reader's concurrent requests")
    parser.add_argument("--backlog", type=int, default=3, help="uploads waiting for the worker")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    options = parser.parse_args()

    uploads = worst_documents()
    print("uploading in turn: " + ", ".join(f"{u.name} ({u.what})" for u in uploads) + "\n")

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as running:
        directory = Path(tmp)
        database_url = running.enter_context(database(options.postgres, directory))
        port, bare_port = free_port(), free_port()
        url, bare_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        env = {
            **os.environ,
            "PORTAL_MODE": "demo",
            "DATABASE_URL": database_url,
            "PORTAL_BASE_URL": url,
            # Both gunicorn workers must sign cookies with the same key.
            "SECRET_KEY": secrets.token_hex(32),
        }
        flask = [sys.executable, "-m", "flask", "--app", "portal.app"]
        for step in (["db", "upgrade"], ["demo", "seed"]):
            subprocess.run([*flask, *step], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        running.enter_context(local_provider(provider_config(PROBATION, url), directory))
        running.enter_context(
            process(gunicorn("portal.app:create_app()", port), env, directory / "portal.log")
        )
        running.enter_context(process([*flask, "worker"], env, directory / "worker.log"))
        running.enter_context(
            process(
                gunicorn("bench.upload_load:bare_app()", bare_port), env, directory / "bare.log"
            )
        )
        wait_for(url + "/health")
        wait_for(bare_url + "/")

        readers = copies(sign_in(url, READER), options.threads)
        chair = sign_in(url, CHAIR)
        bare = [requests.Session() for _ in range(options.threads)]
        measure(url, readers, PAGES, 2)  # templates compiled, connections made
        measure(bare_url, bare, ("/",), 1)

        seconds = options.seconds
        idle = measure(url, readers, PAGES, seconds)
        bare_idle = measure(bare_url, bare, ("/",), seconds)

        uploader = Uploader(url, chair, case_id(database_url), uploads, options.backlog)
        uploader.start()
        time.sleep(3)  # the worker busy with the first uploads
        done_before = uploader.finished
        loaded = measure(url, readers, PAGES, seconds)
        bare_loaded = measure(bare_url, bare, ("/",), seconds)
        done = uploader.finished - done_before
        uploader.stop.set()
        uploader.join(timeout=120)
        outcomes = job_outcomes(database_url)

    load = os.getloadavg()
    print(
        f"gunicorn 2 workers + 1 job worker, {'PostgreSQL' if options.postgres else 'SQLite'}; "
        f"{options.threads} threads reading {', '.join(PAGES)} as {READER}; {seconds:g} s each; "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} at the end"
    )
    print(f"{'':<34}{'pages/s':>9}{'median ms':>12}{'p95 ms':>10}{'failed':>8}")
    row("portal pages, idle", idle)
    row("portal pages, chair uploading", loaded)
    row("bare Flask page, idle", bare_idle)
    row("bare Flask page, chair uploading", bare_loaded)
    upload_ms = statistics.median(uploader.latencies) * 1000 if uploader.latencies else float("nan")
    print(
        f"\nuploads: {uploader.sent} sent, {done} read or refused by the worker in the "
        f"{2 * seconds:g} s measured ({done / (2 * seconds):.2f}/s), {uploader.failed} failed; "
        f"median upload request {upload_ms:.0f} ms"
    )
    for answer, count in uploader.answers.most_common():
        print(f"{count:>5} answered {answer}")
    print("\n".join(outcomes))
    print(
        f"\nfall in pages/s while uploading: portal {fall(idle, loaded)}, "
        f"bare Flask {fall(bare_idle, bare_loaded)}"
    )


if __name__ == "__main__":
    main()

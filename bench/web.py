"""How long each page takes the portal, served by gunicorn as in production, on PostgreSQL, at the
demo's size and at a national service's ten years (bench/national_data.py), beside a bare Flask
page of the same size served the same way (bench/bare.py).

For each demo role it signs in (a sign-in session made as the sign-in callback makes one, and the
signed session cookie the portal would set: every request then goes through the whole portal),
asks for every main page N times, each request followed by one of the bare page so both see the
same load on a shared machine, and prints the median and 95th percentile of each, in
milliseconds, and the ratio of the page's median to the bare page's. Times are client round
trips on loopback, from sending the request to reading the last byte of the answer (gunicorn's
sync workers close the connection after each answer, so each includes a loopback connect,
about 0.1 ms).

At national size it then prints the slowest SQL statements, with the plan PostgreSQL chose and
what running it took (EXPLAIN ANALYZE), from one more pass over every page in this process
timing each statement; and the statements pg_stat_statements saw take longest in all.

    .venv/bin/python -m bench.web                          # a server of its own; makes both sizes
    .venv/bin/python -m bench.web --national-url postgresql+psycopg://... --demo-url ...
    .venv/bin/python -m bench.web --requests 5 --sizes demo

A script, not a test: it prints figures and checks nothing but that each page answers 200.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from agencies.models import User
from portal import sign_in_sessions
from portal.app import create_app
from tests.support.postgres import _as_postgres, _bin, free_port

ROOT = Path(__file__).resolve().parents[1]
# Where the servers' own messages go (a page's traceback, if one fails).
LOG = ROOT / "instance" / "bench-web.log"
# As production runs it (README: "Running it for real"), sized for this 2-core machine.
GUNICORN = ["--workers", "2", "--worker-class", "sync", "--timeout", "120"]
# As a production server on SSDs holding its data in memory is set: index lookups cost little
# more than reading in order, and no query of a web page is worth compiling (JIT).
POSTGRES_SETTINGS = ("random_page_cost=1.1", "jit=off")
# The demo people signed in as: one of each role.
PEOPLE = {
    "chair": "priya.shah",
    "agency lead": "david.clarke",
    "administrator": "alex.morgan",
    "member": "hannah.price",
    "observer": "sam.okafor",
    "practitioner": "chris.evans",
    "disclosure lead": "nadia.khan",
}


@dataclass
class Figure:
    role: str
    label: str
    path: str
    status: int
    size: int
    times: list[float]
    bare: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)

    @property
    def ratio(self) -> float:
        return self.median / statistics.median(self.bare)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


# -- a PostgreSQL server of the benchmark's own, as tests/support/postgres.py starts one --------


@contextmanager
def postgres_server() -> Iterator[str]:
    """A fresh server with pg_stat_statements loaded; yields its URL without a database name."""
    directory = tempfile.mkdtemp(prefix="portal-bench-pg-")
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = os.path.join(directory, "data")
    port = free_port()
    subprocess.run(  # noqa: S603 (our own commands)
        _as_postgres([_bin("initdb"), "-D", data, "-U", "portal", "-A", "trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = (
        f"-h 127.0.0.1 -p {port} -k {directory} -F -c fsync=off -c full_page_writes=off "
        "-c shared_preload_libraries=pg_stat_statements -c shared_buffers=256MB "
        "-c maintenance_work_mem=256MB " + " ".join(f"-c {s}" for s in POSTGRES_SETTINGS)
    )
    subprocess.run(  # noqa: S603 (our own commands)
        _as_postgres(
            [_bin("pg_ctl"), "-D", data, "-o", options, "-l", f"{directory}/log", "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://portal@127.0.0.1:{port}"
    finally:
        subprocess.run(  # noqa: S603 (our own commands)
            _as_postgres([_bin("pg_ctl"), "-D", data, "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(directory, ignore_errors=True)


def create_database(server: str, name: str) -> str:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


def generate(url: str, scale: str) -> None:
    subprocess.run(  # noqa: S603 (our own commands)
        [sys.executable, "-m", "bench.national_data", "--database-url", url, "--scale", scale],
        cwd=ROOT,
        check=True,
    )


# -- the two applications under gunicorn ----------------------------------------------------------


def portal_environment(database_url: str, port: int, secret: str) -> dict[str, str]:
    return {
        **os.environ,
        "PORTAL_MODE": "production",
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback: the cookie is not marked Secure. Nothing else changes.
        "PORTAL_HTTPS": "false",
    }


@contextmanager
def gunicorn(application: str, port: int, environment: dict[str, str]) -> Iterator[None]:
    # Its errors (a page failing with a traceback) go to a log, not between the figures.
    log = open(LOG, "a")  # noqa: SIM115 (closed with the server)
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            *GUNICORN,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            application,
        ],
        cwd=ROOT,
        env=environment,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _size, _took = get(port, "/health" if "portal" in application else "/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{application} did not start")
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def get(port: int, path: str, cookie: str = "") -> tuple[int, int, float]:
    """Status, size and round trip in milliseconds of one GET, the whole body read."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    size = 0
    while chunk := response.read(65536):
        size += len(chunk)
    took = (time.perf_counter() - began) * 1000
    connection.close()
    return response.status, size, took


# -- signing in, and the pages each person uses ------------------------------------------------


def cookie_for(app: Flask, db: Session, user: User) -> str:
    """What the browser of `user` holds once signed in: a fresh sign-in session, in the signed
    session cookie the portal sets."""
    sign_in_session = sign_in_sessions.start(db, user.id, None)
    db.commit()
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    value = serializer.dumps(
        {"sign_in_session": sign_in_session.id, "_user_id": str(user.id), "_fresh": True}
    )
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def _one(db: Session, sql: str, **params: Any) -> Any:
    return db.execute(text(sql), params).scalar()


def pages_for(app: Flask, db: Session, role: str, user: User) -> list[tuple[str, str]]:
    """(label, path) of the pages `user` uses daily, the records chosen among the biggest they
    can see."""
    pages = [
        ("home", "/"),
        ("cases", "/cases"),
        ("panels", "/panels"),
        ("panels, page 5", "/panels?page=5"),
        ("learning library", "/learning"),
        ("library search", "/learning?q=information+sharing"),
        ("library search, rare words", "/learning?q=stalking+behaviour+recall"),
        ("learning shared with my agency", "/learning/shared"),
        ("my extracts", "/my-extracts"),
    ]
    if role == "agency lead":
        pages += [
            ("library: waiting for my agency", "/learning?waiting=on"),
            ("users", "/users"),
        ]
    if role == "administrator":
        pages += [
            ("users", "/users"),
            ("users, page 50", "/users?page=50"),
            ("agencies", "/admin/agencies"),
            ("jobs set aside", "/admin/jobs"),
        ]
    # The biggest panel they sit on (or, for those on none, that their agency is invited to).
    panel = _one(
        db,
        "SELECT panel_members.panel_id FROM panel_members JOIN actions "
        "ON actions.panel_id = panel_members.panel_id WHERE panel_members.user_id = :user "
        "GROUP BY panel_members.panel_id ORDER BY count(*) DESC, panel_members.panel_id LIMIT 1",
        user=user.id,
    )
    if panel is None and role == "administrator":
        panel = _one(db, "SELECT max(panel_id) FROM actions")
    if panel is not None:
        case = _one(db, "SELECT case_id FROM panels WHERE id = :panel", panel=panel)
        contribution = _one(
            db,
            "SELECT id FROM contributions WHERE panel_id = :panel AND state <> 'draft' "
            "ORDER BY id LIMIT 1",
            panel=panel,
        )
        session = _one(
            db,
            "SELECT panel_sessions.id FROM panel_sessions LEFT JOIN session_attendees "
            "ON session_attendees.session_id = panel_sessions.id WHERE panel_id = :panel "
            "GROUP BY panel_sessions.id ORDER BY count(session_attendees.id) DESC LIMIT 1",
            panel=panel,
        )
        action = _one(
            db,
            "SELECT actions.id FROM actions LEFT JOIN action_updates "
            "ON action_updates.action_id = actions.id WHERE panel_id = :panel "
            "GROUP BY actions.id ORDER BY count(action_updates.id) DESC LIMIT 1",
            panel=panel,
        )
        point = _one(db, "SELECT max(id) FROM learning_points WHERE panel_id = :panel", panel=panel)
        pages += [
            ("a case", f"/cases/{case}"),
            ("a panel", f"/panels/{panel}"),
            ("action plan", f"/panels/{panel}/actions"),
            ("action plan CSV", f"/panels/{panel}/actions.csv"),
            ("action plan PDF", f"/panels/{panel}/actions.pdf"),
        ]
        if contribution:
            pages.append(("a contribution", f"/contributions/{contribution}"))
        if session:
            pages.append(("a session", f"/sessions/{session}"))
            pages.append(("a session's calendar", f"/sessions/{session}/calendar.ics"))
        if action:
            pages.append(("an action", f"/actions/{action}"))
        if point:
            pages.append(("a learning point", f"/learning/{point}"))
    # Whatever the insight area offers (pages and their exports), if it is there yet.
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if (
            rule.rule.startswith("/insight")
            and "GET" in (rule.methods or ())
            and not rule.arguments
        ):
            pages.append((f"insight {rule.rule}", rule.rule))
    # The report's PDF is made by a worker, asked for with a POST (timed apart, with the job:
    # bench/report_pdf.py); here, the person's latest job's progress and latest PDF, if any.
    job = _one(db, "SELECT max(id) FROM jobs WHERE requested_by_id = :user", user=user.id)
    if job is not None:
        pages.append(("a job's progress", f"/jobs/{job}"))
    made = _one(
        db, "SELECT max(id) FROM insight_report_pdfs WHERE requested_by_id = :user", user=user.id
    )
    if made is not None:
        pages += [
            ("insight /insight/report/pdfs/<id>", f"/insight/report/pdfs/{made}"),
            ("insight /insight/report/pdfs/<id>.pdf", f"/insight/report/pdfs/{made}.pdf"),
        ]
    return pages


# -- measuring -----------------------------------------------------------------------------------


WARM_REQUESTS = 12


def measure(
    portal_port: int, bare_port: int, cookie: str, path: str, requests: int
) -> tuple[int, int, list[float], list[float]]:
    # Warm, as a server in use is: templates compiled, connections in the pools, and the
    # page's statements prepared on them (psycopg prepares a statement on its fifth use on a
    # connection; two workers, each with its own connections).
    for _ in range(WARM_REQUESTS):
        status, size, took = get(portal_port, path, cookie)
        bare_took = get(bare_port, "/")[2]
        if status >= 400:  # a failing page is reported once, not timed
            return status, size, [took], [bare_took]
    times, bare = [], []
    for _ in range(requests):
        status, size, took = get(portal_port, path, cookie)
        times.append(took)
        bare.append(get(bare_port, "/")[2])
    return status, size, times, bare


def run_size(
    label: str, database_url: str, arguments: argparse.Namespace, report: Callable[[str], None]
) -> list[Figure]:
    requests = arguments.requests
    roles = arguments.roles.split(",") if arguments.roles else list(PEOPLE)
    wanted = re.compile(arguments.pages or "")
    secret = secrets.token_hex(32)
    portal_port, bare_port = free_port(), free_port()
    environment = portal_environment(database_url, portal_port, secret)
    # The app in this process only signs cookies and reads the database for the page list.
    app = create_app(environment)
    figures: list[Figure] = []
    _reset_statements(database_url)
    with (
        gunicorn("portal.app:create_app()", portal_port, environment),
        gunicorn("bench.bare:create_app()", bare_port, {**os.environ}),
    ):
        with app.app_context(), Session(app.extensions["db_engine"]) as db:
            people = []
            for role, subject in PEOPLE.items():
                if role not in roles:
                    continue
                user = db.scalar(select(User).where(User.subject == subject))
                assert user is not None, f"{subject} is not in the database: seed the demo"
                people.append(
                    (role, user, cookie_for(app, db, user), pages_for(app, db, role, user))
                )
        report(f"\n## {label}: median and 95th percentile of {requests} requests, in ms\n")
        report(
            f"{'role':16} {'page':34} {'status':>6} {'KB':>6} {'median':>7} {'p95':>7} "
            f"{'bare':>5} {'ratio':>6}"
        )
        for role, _user, cookie, pages in people:
            for page_label, path in pages:
                if not wanted.search(page_label):
                    continue
                status, size, times, bare = measure(portal_port, bare_port, cookie, path, requests)
                figure = Figure(role, page_label, path, status, size, times, bare)
                figures.append(figure)
                report(
                    f"{role:16} {page_label[:34]:34} {status:>6} {size / 1024:>6.0f} "
                    f"{figure.median:>7.1f} {figure.p95:>7.1f} {statistics.median(bare):>5.1f} "
                    f"{figure.ratio:>6.1f}"
                )
    all_bare = [took for figure in figures for took in figure.bare]
    report(
        f"\nbare Flask page: median {statistics.median(all_bare):.1f} ms, "
        f"p95 {percentile(all_bare, 95):.1f} ms over {len(all_bare)} requests"
    )
    slow = [f for f in figures if f.ratio > 5 or f.p95 > 150]
    report(f"pages over a target (median > 5x bare or p95 > 150 ms): {len(slow)}")
    for figure in slow:
        report(
            f"  {figure.role}: {figure.label} {figure.path} median {figure.median:.0f} ms "
            f"({figure.ratio:.1f}x), p95 {figure.p95:.0f} ms"
        )
    app.extensions["db_engine"].dispose()
    return figures


# -- the slowest statements ----------------------------------------------------------------------


def _reset_statements(database_url: str) -> None:
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        try:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            connection.execute(text("SELECT pg_stat_statements_reset()"))
        except Exception:  # noqa: BLE001, S110 (not loaded here: the profile still runs)
            pass
    engine.dispose()


def slowest_statements(
    database_url: str, figures: list[Figure], report: Callable[[str], None], count: int = 12
) -> None:
    """Each page once more, in this process, timing every statement; the slowest with their
    plans."""
    secret = secrets.token_hex(32)
    app = create_app(portal_environment(database_url, free_port(), secret))
    engine: Engine = app.extensions["db_engine"]
    timings: dict[str, tuple[float, str, Any, str]] = {}
    current = {"page": ""}

    def before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        conn.info["began"] = time.perf_counter()

    def after(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        took = (time.perf_counter() - conn.info.pop("began")) * 1000
        if (
            statement.lstrip().upper().startswith("SELECT")
            and took > timings.get(statement, (0.0,))[0]
        ):
            timings[statement] = (took, statement, parameters, current["page"])

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    client = app.test_client()
    with Session(engine) as db:
        cookies = {}
        for role, subject in PEOPLE.items():
            user = db.scalar(select(User).where(User.subject == subject))
            assert user is not None
            cookies[role] = cookie_for(app, db, user).split("=", 1)[1]
    for figure in figures:
        current["page"] = f"{figure.role}: {figure.path}"
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[figure.role])
        client.get(figure.path)
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    report(f"\n## The {count} slowest statements at this size (one pass over every page)\n")
    ranked = sorted(timings.values(), key=lambda found: found[0], reverse=True)[:count]
    with engine.connect() as connection:
        for took, statement, parameters, page in ranked:
            report(f"### {took:.1f} ms, on {page}\n{' '.join(statement.split())[:1500]}")
            plan = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).all()
            report("\n".join("    " + row[0] for row in plan) + "\n")
    with engine.connect() as connection:
        try:
            rows = connection.execute(
                text(
                    "SELECT calls, total_exec_time, mean_exec_time, query "
                    "FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' "
                    "ORDER BY total_exec_time DESC LIMIT :count"
                ),
                {"count": count},
            ).all()
        except Exception:  # noqa: BLE001 (pg_stat_statements not loaded)
            rows = []
    if rows:
        report("\n## pg_stat_statements: most time in all, during the timed run\n")
        for calls, total, mean, query in rows:
            report(
                f"{calls:>6} calls {total:>9.0f} ms total {mean:>7.2f} ms mean  "
                f"{' '.join(query.split())[:300]}"
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="requests per page")
    parser.add_argument("--demo-url", help="a PostgreSQL database with the demo seeded")
    parser.add_argument("--national-url", help="a PostgreSQL database made by national_data")
    parser.add_argument("--sizes", default="demo,national")
    parser.add_argument("--output", help="also write the report to this file")
    parser.add_argument("--roles", help="only these roles, comma-separated (default: all)")
    parser.add_argument("--pages", help="only pages whose label matches this regular expression")
    arguments = parser.parse_args()
    lines: list[str] = []

    def report(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    sizes = arguments.sizes.split(",")
    with contextlib_server(arguments) as urls:
        for size in sizes:
            figures = run_size(size, urls[size], arguments, report)
            if size == "national" or sizes == [size]:
                slowest_statements(urls[size], figures, report)
    if arguments.output:
        Path(arguments.output).write_text("\n".join(lines) + "\n")


@contextmanager
def contextlib_server(arguments: argparse.Namespace) -> Iterator[dict[str, str]]:
    """The databases to measure: those given, or made on a server of the benchmark's own."""
    given = {"demo": arguments.demo_url, "national": arguments.national_url}
    wanted = arguments.sizes.split(",")
    if all(given[size] for size in wanted):
        yield given
        return
    with postgres_server() as server:
        urls = dict(given)
        for size in wanted:
            if not urls[size]:
                urls[size] = create_database(server, size)
                print(f"Generating the {size} data in {urls[size]}...", flush=True)
                generate(urls[size], size)
        yield urls


if __name__ == "__main__":
    main()

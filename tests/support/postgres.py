"""A throw-away PostgreSQL server from Debian's packages, on a free loopback port."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: run scripts/setup --for-tests (it installs Debian's "
            "postgresql package)."
        )
    return found[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; CI runs as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass(frozen=True)
class Server:
    """A server of one's own that a test may stop and start again, as a restart or an outage."""

    url: str
    data: str
    options: str
    log: str

    def start(self) -> None:
        """Start it again on the same port with the same data; returns once it accepts."""
        subprocess.run(
            _as_postgres(
                [_bin("pg_ctl"), "-D", self.data, "-o", self.options, "-l", self.log, "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        """Stop it as an administrator's restart does: open connections are cut, their
        transactions rolled back, committed work kept. Returns once it has stopped."""
        subprocess.run(
            _as_postgres([_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"]),
            check=True,
            capture_output=True,
        )

    def is_running(self) -> bool:
        status = subprocess.run(
            _as_postgres([_bin("pg_ctl"), "-D", self.data, "status"]), capture_output=True
        )
        return status.returncode == 0


@contextmanager
def running_server() -> Iterator[str]:
    """Yield the URL of a fresh server's `portal` database; stop and delete it afterwards."""
    with restartable_server() as server:
        yield server.url


@contextmanager
def restartable_server() -> Iterator[Server]:
    """A fresh server with a `portal` database, as a `Server` that can be stopped and started;
    stopped (if running) and deleted afterwards."""
    directory = tempfile.mkdtemp(prefix="portal-pg-")
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = os.path.join(directory, "data")
    port = free_port()
    subprocess.run(
        _as_postgres([_bin("initdb"), "-D", data, "-U", "portal", "-A", "trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = f"-h 127.0.0.1 -p {port} -k {directory} -F -c fsync=off -c full_page_writes=off"
    server = Server(
        f"postgresql+psycopg://portal@127.0.0.1:{port}/portal", data, options, f"{directory}/log"
    )
    server.start()
    try:
        subprocess.run(
            _as_postgres(
                [_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "portal", "portal"]
            ),
            check=True,
            capture_output=True,
        )
        yield server
    finally:
        subprocess.run(
            _as_postgres([_bin("pg_ctl"), "-D", data, "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(directory, ignore_errors=True)

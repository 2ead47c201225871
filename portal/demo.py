"""Demo mode: fictional agencies and people, and a local sign-in provider for each agency.

Like the application factory it wires areas together (it seeds agencies, panels and
extracts), so only `portal.app` imports it.

Every person and organisation here is invented, apart from the Metropolitan Police's name.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from urllib.parse import urlsplit

import click
import requests
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import run_simple

from agencies import agencies
from agencies.models import (
    Agency,
    AgencyKind,
    IdentityProvider,
    Role,
    RoleGrant,
    User,
    UserStatus,
)
from extracts.demo import seed_extracts
from insight.demo import seed_history
from panels.demo import seed_panels
from portal import clock
from portal.db import get_db

PROVIDER_HOST = "127.0.0.1"
PORTAL_PORT = 5000
DEMO_CLIENT_ID = "learning-panel-portal"
ROOT = Path(__file__).resolve().parents[1]
# Where the demo's emails land: a Maildir beside the demo's database.
MAILBOX = ROOT / "instance" / "demo-mail"
PROVIDER_SCRIPT = ROOT / "scripts" / "local_provider.mjs"


@dataclass(frozen=True)
class DemoPerson:
    subject: str
    name: str
    roles: tuple[Role, ...]
    approved: bool = True

    @property
    def email(self) -> str:
        return self.name.lower().replace(" ", ".").replace("dr.", "") + "@example.gov.uk"

    @property
    def description(self) -> str:
        """Who they are in the portal, as their provider's sign-in page says."""
        if not self.approved:
            return "new starter: not yet approved"
        return ", ".join(role.label.lower() for role in self.roles)


@dataclass(frozen=True)
class DemoAgency:
    name: str
    kind: AgencyKind
    slug: str
    port: int
    people: tuple[DemoPerson, ...]

    @property
    def issuer(self) -> str:
        return f"http://{PROVIDER_HOST}:{self.port}"


def _person(name: str, role: Role, *more: Role) -> DemoPerson:
    return DemoPerson(name.lower().replace(" ", "."), name, (role, *more))


DEMO_AGENCIES = (
    DemoAgency(
        "Probation Service, Northshire (demo)",
        AgencyKind.PROBATION,
        "demo-probation",
        9402,
        (
            _person("Grace Hill", Role.AGENCY_LEAD),
            _person("Priya Shah", Role.PANEL_CHAIR),
            _person("Tom Reed", Role.PANEL_MEMBER),
            _person("Chris Evans", Role.PRACTITIONER),
            _person("Nadia Khan", Role.DISCLOSURE_LEAD),
        ),
    ),
    DemoAgency(
        "Metropolitan Police",
        AgencyKind.POLICE,
        "demo-met-police",
        9403,
        (
            _person("David Clarke", Role.AGENCY_LEAD),
            _person("Hannah Price", Role.PANEL_MEMBER),
            _person("Omar Malik", Role.PRACTITIONER),
            DemoPerson("jordan.lee", "Jordan Lee", (), approved=False),
        ),
    ),
    DemoAgency(
        "Northshire Children's Services (demo)",
        AgencyKind.CHILDRENS_SERVICES,
        "demo-childrens-services",
        9404,
        (
            _person("Fiona Grant", Role.AGENCY_LEAD),
            _person("Ben Carter", Role.PANEL_MEMBER),
        ),
    ),
    DemoAgency(
        "Northshire Mental Health NHS Trust (demo)",
        AgencyKind.MENTAL_HEALTH,
        "demo-mental-health",
        9405,
        (
            _person("Aisha Rahman", Role.AGENCY_LEAD),
            _person("Mark Jones", Role.PANEL_MEMBER),
        ),
    ),
    # Last, so that the first person holding each role is of a local agency: the probation
    # chair, not the inspector who chairs one panel (the reflow test visits one per role).
    DemoAgency(
        "HM Inspectorate of Probation (demo)",
        AgencyKind.INSPECTORATE,
        "demo-hmip",
        9401,
        (
            _person("Alex Morgan", Role.ADMINISTRATOR),
            _person("Sam Okafor", Role.OBSERVER),
            # An inspector who convenes a panel herself, as the inspectorate does.
            _person("Rachel Obi", Role.PANEL_CHAIR),
        ),
    ),
)


def seed(db: Session) -> None:
    """Add the demo agencies, their approved people and their panels; running it again changes
    nothing."""
    for demo in DEMO_AGENCIES:
        if db.scalar(select(Agency.id).where(Agency.name == demo.name)):
            continue
        agency = agencies.register_agency(
            db,
            None,
            name=demo.name,
            kind=demo.kind,
            slug=demo.slug,
            issuer=demo.issuer,
            client_id=DEMO_CLIENT_ID,
            token_endpoint_auth_method="none",  # noqa: S106 (a method's name)
            is_demo=True,
        )
        for person in demo.people:
            if not person.approved:
                continue  # they will be made pending at their first sign-in
            db.add(
                User(
                    issuer=demo.issuer,
                    subject=person.subject,
                    agency_id=agency.id,
                    name=person.name,
                    email=person.email,
                    status=UserStatus.APPROVED,
                    approved_at=clock.now(),
                    role_grants=[RoleGrant(role=role) for role in person.roles],
                )
            )
    db.commit()
    people = {
        user.name.split()[0]: user
        for user in db.scalars(select(User).where(User.status == UserStatus.APPROVED))
    }
    slugs = {provider.slug: provider.agency_id for provider in db.scalars(select(IdentityProvider))}
    seed_history(db, slugs)
    seed_panels(db, people, slugs)
    seed_extracts(db, people)


def provider_config(demo: DemoAgency, portal_url: str) -> dict[str, Any]:
    """This agency's local provider: its people, and the portal as its one client."""
    return {
        "issuer": demo.issuer,
        "title": demo.name,
        "people": [
            {
                "sub": person.subject,
                "name": person.name,
                "email": person.email,
                "description": person.description,
            }
            for person in demo.people
        ],
        "clients": [
            {
                "client_id": DEMO_CLIENT_ID,
                # A public client: PKCE alone, so the demo needs no secret.
                "token_endpoint_auth_method": "none",
                "redirect_uris": [f"{portal_url}/sign-in/{demo.slug}/callback"],
                "post_logout_redirect_uris": [f"{portal_url}/signed-out"],
                "backchannel_logout_uri": f"{portal_url}/sign-in/{demo.slug}/back-channel-logout",
                "backchannel_logout_session_required": True,
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }
        ],
    }


@contextmanager
def local_provider(config: dict[str, Any], directory: Path) -> Iterator[str]:
    """Run the certified provider (oidc-provider, through scripts/local_provider.mjs) with
    `config` until the block ends; yield its issuer once it answers."""
    path = directory / f"provider-{urlsplit(config['issuer']).port}.json"
    path.write_text(json.dumps(config))
    process = subprocess.Popen(  # noqa: S603
        ["node", str(PROVIDER_SCRIPT), str(path)],  # noqa: S607 (Node from the PATH)
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(config["issuer"] + "/.well-known/openid-configuration")
        yield config["issuer"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(url, timeout=1).raise_for_status()
            return
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((PROVIDER_HOST, port)) != 0


@contextmanager
def _mailbox() -> Iterator[tuple[str, int]]:
    """A mail server on loopback that keeps every email the demo sends in `MAILBOX` (a Maildir:
    one file per email in its `new/`), so people can read them and nothing leaves the machine."""
    # Imported here: aiosmtpd comes with the demo's packages (the `demo` extra), not
    # production's, and this module is imported in production too.
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    MAILBOX.parent.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind((PROVIDER_HOST, 0))
        port: int = probe.getsockname()[1]
    server = Controller(Mailbox(MAILBOX), hostname=PROVIDER_HOST, port=port)
    server.start()
    try:
        yield PROVIDER_HOST, port
    finally:
        server.stop()


@contextmanager
def _worker(mail_server: tuple[str, int]) -> Iterator[None]:
    """A worker beside the demo's web process, doing its queued jobs (as production runs some)
    and sending email to the demo's mailbox."""
    host, port = mail_server
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "portal.app", "worker"],
        cwd=ROOT,
        env={**os.environ, "SMTP_HOST": host, "SMTP_PORT": str(port)},
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@click.group(
    "demo", cls=AppGroup, help="Demo mode: fictional agencies, people and local sign-in providers."
)
def demo_group() -> None:
    pass


@demo_group.command("seed")
def seed_command() -> None:
    """Add the demo agencies and people to the database."""
    seed(get_db())
    click.echo("Demo agencies and people are in place.")


@demo_group.command("serve")
@click.option("--port", default=PORTAL_PORT, show_default=True)
def serve_command(port: int) -> None:
    """Start each demo agency's sign-in provider, then the portal."""
    if not current_app.config["DEMO_PROVIDERS_ALLOWED"]:
        raise click.ClickException("Demo providers run only with PORTAL_MODE=demo.")
    busy = [str(d.port) for d in DEMO_AGENCIES if not _port_free(d.port)]
    if busy or not _port_free(port):
        raise click.ClickException(
            f"Port(s) {', '.join(busy + ([] if _port_free(port) else [str(port)]))} are in use: "
            "is the demo already running?"
        )
    portal_url = f"http://{PROVIDER_HOST}:{port}"
    current_app.config["PORTAL_BASE_URL"] = portal_url
    with TemporaryDirectory() as directory, ExitStack() as providers:
        for demo in DEMO_AGENCIES:
            providers.enter_context(
                local_provider(provider_config(demo, portal_url), Path(directory))
            )
        providers.enter_context(_worker(providers.enter_context(_mailbox())))
        click.echo(
            f"\n  The portal is at {portal_url}/ — sign in as any demo person."
            f"\n  The emails it sends are in {MAILBOX}/new.\n"
        )
        run_simple(PROVIDER_HOST, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]

"""A national service's ten years of data, invented, for measuring the portal at the size it
will reach: about 400 agencies of every kind across the 12 probation regions, 25,000 people,
10,000 cases and panels, 50,000 contributions, 80,000 actions with their progress, 50,000
learning points shared and acknowledged, their sessions, and millions of audit events.

The demo is seeded first, through the same operations people use, so its people (the ones the
benchmark signs in as) find national-scale lists: Priya Shah chairs a few hundred panels, the
demo agencies are invited to many more, and the Metropolitan Police (a demo agency) takes part
in London's panels. The bulk is then written straight into the tables (SQLAlchemy Core on
SQLite, COPY on PostgreSQL): going through the operations one row at a time would take hours.

Run from the repository root, on an empty or migrated database (it migrates it first):

    .venv/bin/python -m bench.national_data --database-url sqlite:///instance/national.db
    .venv/bin/python -m bench.national_data --database-url postgresql+psycopg://... --scale demo

`--scale demo` is the demo alone; `small` a miniature of `national` for the tests. Every person
and organisation in it is invented; it is deterministic (seeded) so two runs give the same data.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Table,
    bindparam,
    create_engine,
    func,
    insert,
    select,
    text,
    update,
)

from agencies.models import AgencyKind, Role, UserStatus
from panels.models.actions import ActionState, EvidenceState
from panels.models.cases import (
    MappaCategory,
    MappaLevel,
    OffenceCategory,
    ProbationRegion,
    QualityRating,
    ReviewStatus,
)
from panels.models.contributions import ContributionState
from panels.models.impact import ImpactOutcome, impact_review_due_after
from panels.models.learning import LearningLevel, LearningResponse
from panels.models.panels import PanelRole, PanelState
from panels.models.sessions import Attendance, EntryKind
from portal import clock, demo, migrate
from portal.app import create_app
from portal.db import Base, get_db
from portal.jobs import JobState


@dataclass(frozen=True)
class Scale:
    agencies: int
    people: int
    cases: int
    audit_events: int
    years: int = 10


SCALES = {
    "national": Scale(agencies=400, people=25_000, cases=10_000, audit_events=2_500_000),
    # Every kind of agency, every state of every record, in a few seconds: for the tests.
    "small": Scale(agencies=40, people=900, cases=90, audit_events=3_000, years=2),
}

# How many agencies of each kind a national service deals with, out of 400; and how many staff
# each kind has on the portal, relatively.
KIND_SHARE = {
    AgencyKind.PROBATION: 12,
    AgencyKind.POLICE: 43,
    AgencyKind.CHILDRENS_SERVICES: 100,
    AgencyKind.ADULT_SOCIAL_CARE: 60,
    AgencyKind.MENTAL_HEALTH: 50,
    AgencyKind.HEALTH: 45,
    AgencyKind.YOUTH_JUSTICE: 50,
    AgencyKind.PRISON: 20,
    AgencyKind.HOUSING: 12,
    AgencyKind.VOLUNTARY_SECTOR: 6,
    AgencyKind.INSPECTORATE: 2,
}
STAFF_WEIGHT = {
    AgencyKind.PROBATION: 700,
    AgencyKind.POLICE: 150,
    AgencyKind.CHILDRENS_SERVICES: 40,
    AgencyKind.ADULT_SOCIAL_CARE: 20,
    AgencyKind.MENTAL_HEALTH: 40,
    AgencyKind.HEALTH: 20,
    AgencyKind.YOUTH_JUSTICE: 15,
    AgencyKind.PRISON: 25,
    AgencyKind.HOUSING: 20,
    AgencyKind.VOLUNTARY_SECTOR: 10,
    AgencyKind.INSPECTORATE: 250,
}
KIND_SUFFIX = {
    AgencyKind.PROBATION: "Probation Service, {region}",
    AgencyKind.POLICE: "{place} Constabulary",
    AgencyKind.CHILDRENS_SERVICES: "{place} Children's Services",
    AgencyKind.ADULT_SOCIAL_CARE: "{place} Adult Social Care",
    AgencyKind.MENTAL_HEALTH: "{place} Mental Health NHS Trust",
    AgencyKind.HEALTH: "{place} Integrated Care Board",
    AgencyKind.YOUTH_JUSTICE: "{place} Youth Justice Service",
    AgencyKind.PRISON: "HMP {place}",
    AgencyKind.HOUSING: "{place} Housing Association",
    AgencyKind.VOLUNTARY_SECTOR: "{place} Community Trust",
    AgencyKind.INSPECTORATE: "{place} Inspectorate",
}
# Invented places: no real county, town or prison is named.
PLACE_STARTS = [
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "Elm",
    "Fen",
    "Glen",
    "Hart",
    "Ivy",
    "Kings",
    "Lang",
    "Marl",
    "Nor",
    "Oak",
    "Pen",
    "Quen",
    "Rad",
    "Stan",
    "Thorn",
    "Wes",
    "Wil",
    "Yar",
    "Brack",
    "Cor",
    "Dray",
    "Ever",
    "Fal",
    "Gos",
    "Hal",
    "Kel",
    "Lin",
    "Mor",
    "Pal",
    "Ros",
    "Sel",
    "Tal",
    "Ul",
    "Ven",
    "Wyn",
    "Ald",
]
PLACE_ENDS = [
    "ford",
    "ley",
    "mere",
    "dale",
    "wick",
    "ton",
    "bury",
    "field",
    "stow",
    "holm",
    "worth",
    "combe",
]
FIRST_NAMES = [
    "Aaron",
    "Abigail",
    "Adam",
    "Aisha",
    "Alice",
    "Amir",
    "Amy",
    "Andrew",
    "Anna",
    "Ben",
    "Beth",
    "Callum",
    "Carla",
    "Chloe",
    "Chris",
    "Daniel",
    "Deborah",
    "Dev",
    "Eleanor",
    "Emma",
    "Farah",
    "Fiona",
    "Gareth",
    "Gemma",
    "Hamza",
    "Helen",
    "Ian",
    "Imran",
    "Jack",
    "Jade",
    "James",
    "Jasmine",
    "Joe",
    "Julia",
    "Karen",
    "Kate",
    "Kieran",
    "Laura",
    "Leah",
    "Liam",
    "Lucy",
    "Mark",
    "Maya",
    "Megan",
    "Mohammed",
    "Naomi",
    "Nathan",
    "Neil",
    "Nicola",
    "Oliver",
    "Olivia",
    "Paul",
    "Peter",
    "Rachel",
    "Rebecca",
    "Rhys",
    "Rosie",
    "Ruth",
    "Ryan",
    "Sadia",
    "Sally",
    "Sean",
    "Sophie",
    "Stephen",
    "Tariq",
    "Tom",
    "Victoria",
    "Will",
    "Yasmin",
    "Zoe",
]
SURNAMES = [
    "Adams",
    "Ahmed",
    "Ali",
    "Allen",
    "Bailey",
    "Baker",
    "Bell",
    "Bennett",
    "Brown",
    "Campbell",
    "Clark",
    "Collins",
    "Cooper",
    "Cox",
    "Davies",
    "Dixon",
    "Edwards",
    "Evans",
    "Fisher",
    "Foster",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hill",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "King",
    "Lewis",
    "Lloyd",
    "Martin",
    "Mason",
    "Mills",
    "Mitchell",
    "Moore",
    "Morgan",
    "Morris",
    "Murphy",
    "Owen",
    "Parker",
    "Patel",
    "Phillips",
    "Powell",
    "Price",
    "Reid",
    "Richards",
    "Roberts",
    "Robinson",
    "Rogers",
    "Scott",
    "Shaw",
    "Singh",
    "Smith",
    "Stewart",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]

# Learning is searched: its words must vary as real learning does.
SUBJECTS = (
    "The probation practitioner",
    "The police public protection unit",
    "Children's social care",
    "The community mental health team",
    "The prison offender manager",
    "The MAPPA meeting",
    "The approved premises staff",
    "The youth justice worker",
    "The housing officer",
    "The GP surgery",
    "The substance misuse service",
    "The senior probation officer",
)
FAILINGS = (
    "did not share information about {topic} with partner agencies",
    "did not review the risk assessment when {event}",
    "was not told that {event}",
    "did not make domestic abuse enquiries after {event}",
    "did not check with children's services before {event}",
    "relied on self-report about {topic} without verification",
    "did not escalate concerns about {topic} to a manager",
    "closed the referral about {topic} without recording why",
    "did not consider recall when {event}",
    "had no management oversight of decisions about {topic}",
)
TOPICS = (
    "a new partner",
    "contact with children",
    "deteriorating mental health",
    "heavy drinking",
    "cocaine use",
    "threats to a former partner",
    "missed appointments",
    "weapons",
    "an address change",
    "stalking behaviour",
    "gang association",
    "financial control",
    "a breach of licence conditions",
    "suicidal thoughts",
    "homelessness",
    "coercive control",
)
EVENTS = (
    "the person moved address",
    "a new relationship began",
    "police were called to the home",
    "the person was released from custody",
    "a child joined the household",
    "medication was stopped",
    "the person lost their job",
    "a victim reported harassment",
    "the case was transferred between teams",
    "the person was arrested for another offence",
)
LESSONS = (
    "Practitioners should record the reasons for their decisions and discuss them in supervision.",
    "Information held by one agency should be shared promptly through the agreed protocol.",
    "Risk assessments should be reviewed whenever circumstances change significantly.",
    "Managers should check that safeguarding enquiries have been completed.",
    "Professional curiosity means testing what the person says against other sources.",
    "Multi-agency meetings should agree who acts on each concern and by when.",
    "Workload pressures should be escalated before they affect contact with people on probation.",
    "Victims' concerns should be heard and fed into the risk management plan.",
    "Release plans should be agreed with the receiving area before release.",
    "Substance misuse should be treated as a risk factor, not only a health need.",
)
AUDIT_ACTIONS = (
    ("signin.succeeded", "user"),
    ("signin.succeeded", "user"),
    ("signin.succeeded", "user"),
    ("signout", "user"),
    ("contribution.saved", "contribution"),
    ("contribution.saved", "contribution"),
    ("contribution.submitted", "contribution"),
    ("action.proposed", "action"),
    ("action.progress_reported", "action"),
    ("learning.recorded", "learning_point"),
    ("learning.shared", "learning_point"),
    ("learning.acknowledged", "learning_point"),
    ("panel.opened", "panel"),
    ("panel.agency_invited", "panel"),
    ("panel.member_added", "panel"),
    ("session.scheduled", "panel_session"),
    ("session.minutes_published", "panel_session"),
    ("action_plan.exported", "panel"),
    ("case.created", "case"),
)


# A panel's life, in the order the chair moves it on (panels.models.panels.PANEL_TRANSITIONS).
PANEL_LIFE = (
    PanelState.DRAFT,
    PanelState.OPEN,
    PanelState.CONTRIBUTIONS_CLOSED,
    PanelState.ACTION_PLAN_AGREED,
    PanelState.MONITORING,
    PanelState.CLOSED,
)


# The moves whose first time a panel keeps (panels.panels.move_to), and where.
FIRST_MOMENTS = {
    PanelState.OPEN: "opened_at",
    PanelState.ACTION_PLAN_AGREED: "plan_agreed_at",
    PanelState.CLOSED: "closed_at",
}


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


class Loader:
    """Writes rows in bulk: COPY on PostgreSQL, Core `insert()` in chunks on SQLite. Ids are
    given by the generator (so rows can point at each other before they are written) and the
    sequences set past them at the end."""

    CHUNK = 5_000

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.tables: dict[str, Table] = dict(Base.metadata.tables)
        self.written: dict[str, int] = defaultdict(int)
        self._next: dict[str, int] = {}

    def next_ids(self, table: str) -> Iterator[int]:
        """Fresh ids for `table`, after any rows already in it (the demo's)."""
        start = self._next.get(table)
        if start is None:
            start = (self.connection.scalar(select(func.max(self.tables[table].c.id))) or 0) + 1
        while True:
            self._next[table] = start + 1
            yield start
            start += 1

    def write(self, table_name: str, rows: Iterable[dict[str, Any]]) -> int:
        table = self.tables[table_name]
        defaults = _defaults(table)
        count = 0
        for chunk in _chunks(rows, self.CHUNK):
            complete = [{**defaults, **row} for row in chunk]
            if self.postgres:
                self._copy(table, complete)
            else:
                self.connection.execute(insert(table), complete)
            count += len(complete)
        self.written[table_name] += count
        return count

    def write_plain(
        self, table_name: str, columns: list[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        """The fast way, for the biggest tables: rows as tuples of `columns`, naive UTC
        datetimes, plain strings; straight to the driver (COPY, or executemany)."""
        table = self.tables[table_name]
        count = 0
        names = ", ".join(f'"{name}"' for name in columns)
        for chunk in _chunks(rows, 50_000):
            if self.postgres:
                cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                cursor.executemany(
                    f"INSERT INTO {table.name} ({names}) VALUES ({marks})",  # noqa: S608 (our own table names)
                    [tuple(_sqlite_value(value) for value in row) for row in chunk],
                )
            count += len(chunk)
        self.written[table_name] += count
        return count

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        columns = [column.name for column in table.columns]
        json_columns = {
            column.name for column in table.columns if column.type.__class__.__name__ == "JSON"
        }
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        names = ", ".join(f'"{name}"' for name in columns)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_pg_value(row[name], name in json_columns) for name in columns])

    def finish(self) -> None:
        """Move every sequence past the ids written, and refresh the planner's statistics."""
        if self.postgres:
            for name, table in self.tables.items():
                if "id" in table.c and isinstance(table.c.id.type, Integer):
                    self.connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 (our own table names)
                            f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
                        )
                    )


def _sqlite_value(value: Any) -> Any:
    # As SQLAlchemy's SQLite DateTime stores it, so comparisons in queries hold.
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _pg_value(value: Any, is_json: bool) -> Any:
    if is_json:
        return json.dumps(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return _enum_value(value)


def _defaults(table: Table) -> dict[str, Any]:
    """A value for every column a row leaves out: its default, or NULL."""
    found: dict[str, Any] = {}
    now = clock.now()
    for column in table.columns:
        default = column.default
        if default is None:
            found[column.name] = None
        elif getattr(default, "is_callable", False):
            found[column.name] = now if "now" in repr(default.arg) else default.arg(None)  # type: ignore[attr-defined]
        else:
            found[column.name] = default.arg  # type: ignore[attr-defined]
    return found


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


T = TypeVar("T")


def _pick(roll: float, *chances: tuple[float, T], otherwise: T) -> T:
    """The first choice whose cumulative chance `roll` (from 0 to 1) falls below, else
    `otherwise`: `_pick(roll, (0.1, A), (0.7, B), otherwise=C)` is A one time in ten, B six."""
    return next((choice for below, choice in chances if roll < below), otherwise)


@dataclass
class PanelFacts:
    """What later tables need to know of a panel, kept while generating."""

    id: int
    case_id: int
    region: ProbationRegion
    chair_id: int
    state: PanelState
    created_at: datetime
    agencies: list[int] = field(default_factory=list)
    members: list[tuple[int, int]] = field(default_factory=list)  # (user id, agency id)
    contributions: list[tuple[int, int]] = field(default_factory=list)  # (id, agency id)
    learning: list[int] = field(default_factory=list)
    sessions: list[tuple[int, datetime]] = field(default_factory=list)


class Generator:
    def __init__(self, connection: Connection, scale: Scale, seed: int = 13) -> None:
        self.loader = Loader(connection)
        self.connection = connection
        self.scale = scale
        self.random = random.Random(seed)  # noqa: S311 (invented data, not secrets)
        self.now = clock.now()
        self.today = clock.today()
        self.start = self.now - timedelta(days=365 * scale.years)
        self.region_of: dict[int, ProbationRegion | None] = {}
        self.kind_of: dict[int, AgencyKind] = {}
        self.by_region_kind: dict[tuple[ProbationRegion | None, AgencyKind], list[int]] = (
            defaultdict(list)
        )
        self.staff: dict[int, dict[Role, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.approved: dict[int, list[int]] = defaultdict(list)
        self.user_ids: list[int] = []
        self.panels: list[PanelFacts] = []
        self.themes: list[int] = []
        self.demo: dict[str, int] = {}
        self.demo_agencies: dict[str, int] = {}
        self._sentences = self._sentence_pool(400)
        self._user_agency: dict[int, int] = {}
        self.impact_reviews: list[dict[str, Any]] = []
        self.completed: list[tuple[int, ProbationRegion, datetime]] = []
        # Audit events of the records' own history (panel moves, actions answered and signed
        # off): (when, actor, action, object type, object id, details), written with the rest.
        self.events: list[tuple[datetime, int, str, str, int, dict[str, str]]] = []
        # Each panel's first opening, plan agreement and closing, from the same moves, kept on
        # the panel as panels.panels.move_to keeps them: set once the moves are known.
        self.panel_moments: list[dict[str, Any]] = []

    # -- helpers ------------------------------------------------------------------------------

    def _when(self, after: datetime, days: float) -> datetime:
        """A moment `days` after `after` (at most now), at a working hour."""
        moment = after + timedelta(days=days)
        moment = min(moment, self.now - timedelta(minutes=5))
        return moment.replace(
            hour=9 + int(self.random.random() * 8), minute=self.random.randrange(60)
        )

    def _sentence_pool(self, count: int) -> list[str]:
        pool = []
        for _ in range(count):
            failing = self.random.choice(FAILINGS).format(
                topic=self.random.choice(TOPICS), event=self.random.choice(EVENTS)
            )
            pool.append(f"{self.random.choice(SUBJECTS)} {failing}.")
        return pool

    def _paragraphs(self, sentences: int) -> str:
        chosen = self.random.sample(self._sentences, sentences)
        lesson = self.random.choice(LESSONS)
        return f"<p>{' '.join(chosen)}</p><p>{lesson}</p>"

    def _person_name(self) -> str:
        return f"{self.random.choice(FIRST_NAMES)} {self.random.choice(SURNAMES)}"

    def _pick(self, agency_id: int, *roles: Role) -> int:
        for role in roles:
            found = self.staff[agency_id].get(role)
            if found:
                return self.random.choice(found)
        return self.random.choice(self.approved[agency_id])

    # -- the demo's people and agencies -------------------------------------------------------

    def read_demo(self) -> None:
        """The demo's agencies and people, which the national data takes in."""
        rows = self.connection.execute(
            text(
                "SELECT users.id, users.subject, users.agency_id, users.status, role_grants.role "
                "FROM users LEFT JOIN role_grants ON role_grants.user_id = users.id"
            )
        )
        for user_id, subject, agency_id, status, role in rows:
            self.demo[subject] = user_id
            if status == UserStatus.APPROVED.value:
                if user_id not in self.approved[agency_id]:
                    self.approved[agency_id].append(user_id)
                    self.user_ids.append(user_id)
                if role:
                    self.staff[agency_id][Role(role)].append(user_id)
        for agency_id, name, kind in self.connection.execute(
            text("SELECT id, name, kind FROM agencies")
        ):
            self.demo_agencies[name] = agency_id
            self.kind_of[agency_id] = AgencyKind(kind)
        self.themes = list(self.connection.scalars(text("SELECT id FROM themes WHERE active")))

    def _demo_agency(self, kind: AgencyKind) -> int | None:
        return next(
            (
                agency
                for agency, found in self.kind_of.items()
                if found is kind and agency in self.demo_agencies.values()
            ),
            None,
        )

    # -- agencies and people ------------------------------------------------------------------

    def agencies(self) -> None:
        total_share = sum(KIND_SHARE.values())
        places = [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
        self.random.shuffle(places)
        place = iter(places)
        regions = list(ProbationRegion)
        ids = self.loader.next_ids("agencies")
        agency_rows, provider_rows = [], []
        provider_ids = self.loader.next_ids("identity_providers")
        for kind, share in KIND_SHARE.items():
            if kind is AgencyKind.PROBATION:
                count = len(regions)
            else:
                count = max(1, round(self.scale.agencies * share / total_share))
            for number in range(count):
                agency_id = next(ids)
                if kind is AgencyKind.PROBATION:
                    region: ProbationRegion | None = regions[number]
                    name = KIND_SUFFIX[kind].format(region=region.label)  # type: ignore[union-attr]
                elif kind is AgencyKind.INSPECTORATE:
                    region, name = None, KIND_SUFFIX[kind].format(place=next(place))
                else:
                    region = regions[number % len(regions)]
                    name = KIND_SUFFIX[kind].format(place=next(place))
                self.region_of[agency_id] = region
                self.kind_of[agency_id] = kind
                self.by_region_kind[(region, kind)].append(agency_id)
                created = self._when(self.start, self.random.random() * 60)
                agency_rows.append(
                    {
                        "id": agency_id,
                        "name": name,
                        "kind": kind,
                        "active": True,
                        "created_at": created,
                    }
                )
                slug = f"national-{agency_id}"
                provider_rows.append(
                    {
                        "id": next(provider_ids),
                        "agency_id": agency_id,
                        "slug": slug,
                        "issuer": f"https://login.{slug}.example.org",
                        "client_id": "learning-panel-portal",
                        "token_endpoint_auth_method": "private_key_jwt",
                        "auto_approve": False,
                        "is_demo": False,
                        "enabled": True,
                        "created_at": created,
                    }
                )
        self.loader.write("agencies", agency_rows)
        self.loader.write("identity_providers", provider_rows)

    def people(self) -> None:
        agencies = [agency for agency in self.region_of]
        weights = [STAFF_WEIGHT[self.kind_of[agency]] for agency in agencies]
        total = sum(weights)
        user_ids = self.loader.next_ids("users")
        users, grants = [], []
        admin = None
        for agency_id, weight in zip(agencies, weights, strict=True):
            kind = self.kind_of[agency_id]
            count = max(6, round(self.scale.people * weight / total))
            issuer = f"https://login.national-{agency_id}.example.org"
            for number in range(count):
                user_id = next(user_ids)
                name = self._person_name()
                roll = self.random.random()
                status = _pick(
                    roll,
                    (0.02, UserStatus.PENDING),
                    (0.03, UserStatus.SUSPENDED),
                    otherwise=UserStatus.APPROVED,
                )
                roles: list[Role] = []
                if status is not UserStatus.PENDING:
                    roles = self._roles_for(kind, number)
                created = self._when(self.start, self.random.random() * 3600)
                users.append(
                    {
                        "id": user_id,
                        "issuer": issuer,
                        "subject": f"n{user_id}",
                        "agency_id": agency_id,
                        "name": name,
                        "email": f"{name.lower().replace(' ', '.')}.{user_id}@example.org",
                        "status": status,
                        "created_at": created,
                        "approved_at": None if status is UserStatus.PENDING else created,
                        "last_signed_in_at": self._when(created, self.random.random() * 300),
                    }
                )
                for role in roles:
                    grants.append(
                        {
                            "user_id": user_id,
                            "role": role,
                            "granted_by_id": admin,
                            "granted_at": created,
                        }
                    )
                if status is UserStatus.APPROVED:
                    self.approved[agency_id].append(user_id)
                    self.user_ids.append(user_id)
                    for role in roles:
                        self.staff[agency_id][role].append(user_id)
        self.loader.write("users", users)
        self.loader.write("role_grants", grants)

    def _roles_for(self, kind: AgencyKind, number: int) -> list[Role]:
        if number < 2:
            return [Role.AGENCY_LEAD]
        if kind is AgencyKind.INSPECTORATE:
            return [Role.ADMINISTRATOR] if number < 4 else [Role.OBSERVER]
        if kind is AgencyKind.PROBATION:
            if number < 32:
                return [Role.PANEL_CHAIR]
            if number < 40:
                return [Role.DISCLOSURE_LEAD]
            return [Role.PANEL_MEMBER] if self.random.random() < 0.25 else [Role.PRACTITIONER]
        return [Role.PANEL_MEMBER] if self.random.random() < 0.35 else [Role.PRACTITIONER]

    # -- cases, panels, who is on them --------------------------------------------------------

    def _agency_for(self, region: ProbationRegion, kind: AgencyKind) -> int | None:
        found = self.by_region_kind.get((region, kind)) or [
            agency
            for (_, k), agencies in self.by_region_kind.items()
            if k is kind
            for agency in agencies
        ]
        return self.random.choice(found) if found else None

    def cases_and_panels(self) -> None:
        demo_probation = self._demo_agency(AgencyKind.PROBATION)
        met = self.demo_agencies.get("Metropolitan Police")
        demo_children = self._demo_agency(AgencyKind.CHILDRENS_SERVICES)
        demo_health = self._demo_agency(AgencyKind.MENTAL_HEALTH)
        priya = self.demo.get("priya.shah")
        regions = list(ProbationRegion)
        span = (self.now - self.start).days - 7
        created_days = sorted(self.random.random() * span for _ in range(self.scale.cases))
        case_ids, panel_ids = self.loader.next_ids("cases"), self.loader.next_ids("panels")
        invitation_ids = self.loader.next_ids("panel_invitations")
        member_ids = self.loader.next_ids("panel_members")
        cases, panels, invitations, members = [], [], [], []
        observers = [
            user
            for agency, roles in self.staff.items()
            if self.kind_of.get(agency) is AgencyKind.INSPECTORATE
            for user in roles.get(Role.OBSERVER, [])
        ]
        per_year: dict[int, int] = defaultdict(int)
        for days in created_days:
            created = self._when(self.start, days)
            region = self.random.choice(regions)
            probation = self._agency_for(region, AgencyKind.PROBATION)
            assert probation is not None
            # The demo's probation service shares the North East with the national one.
            if (
                demo_probation
                and region is ProbationRegion.NORTH_EAST
                and self.random.random() < 0.6
            ):
                probation = demo_probation
            if priya and probation == demo_probation and self.random.random() < 0.5:
                chair = priya
            else:
                chair = self._pick(probation, Role.PANEL_CHAIR)
            case_id, panel_id = next(case_ids), next(panel_ids)
            per_year[created.year] += 1
            age = (self.now - created).days
            # The newest is always still being set up: every state is there at any scale.
            state = PanelState.DRAFT if days == created_days[-1] else self._panel_state(age)
            offence = created - timedelta(days=30 + self.random.random() * 120)
            status = (
                ReviewStatus.QUALITY_ASSURED
                if age > 365
                else ReviewStatus.COMPLETED
                if age > 180
                else ReviewStatus.IN_PROGRESS
                if age > 30
                else ReviewStatus.NOTIFIED
            )
            mappa = self.random.random() < 0.4
            cases.append(
                {
                    "id": case_id,
                    "reference": f"SFO-{created.year}-{per_year[created.year]:04d}-{case_id}",
                    "region": region,
                    "offence_category": self.random.choice(list(OffenceCategory)),
                    "offence_date": offence.date(),
                    "charge_date": (offence + timedelta(days=self.random.randint(1, 40))).date()
                    if self.random.random() < 0.8
                    else None,
                    "high_profile": self.random.random() < 0.05,
                    "mappa_category": self.random.choice(list(MappaCategory)) if mappa else None,
                    "mappa_level": self.random.choice(list(MappaLevel)) if mappa else None,
                    "review_status": status,
                    "quality_rating": self.random.choice(list(QualityRating))
                    if status is ReviewStatus.QUALITY_ASSURED
                    else None,
                    "created_by_id": chair,
                    "created_at": created,
                }
            )
            panels.append(
                {
                    "id": panel_id,
                    "case_id": case_id,
                    "chair_id": chair,
                    "state": state,
                    "terms_of_reference": "<p>To understand what each agency knew and did in the "
                    "two years before the offence, and to agree learning and actions.</p>",
                    "contribution_deadline": (created + timedelta(days=42)).date(),
                    "action_plan_target_date": (created + timedelta(days=120)).date(),
                    "created_at": created,
                    "version": 3,
                }
            )
            facts = PanelFacts(panel_id, case_id, region, chair, state, created)
            invited = [probation]
            police = (
                met
                if region is ProbationRegion.LONDON and met
                else self._agency_for(region, AgencyKind.POLICE)
            )
            invited.append(police)  # type: ignore[arg-type]
            near_demo = probation == demo_probation
            if self.random.random() < 0.75:
                invited.append(
                    demo_children
                    if near_demo and demo_children and self.random.random() < 0.6
                    else self._agency_for(region, AgencyKind.CHILDRENS_SERVICES)
                )
            if self.random.random() < 0.65:
                invited.append(
                    demo_health
                    if near_demo and demo_health and self.random.random() < 0.6
                    else self._agency_for(region, AgencyKind.MENTAL_HEALTH)
                )
            for kind in self.random.sample(
                [
                    AgencyKind.HEALTH,
                    AgencyKind.ADULT_SOCIAL_CARE,
                    AgencyKind.YOUTH_JUSTICE,
                    AgencyKind.PRISON,
                    AgencyKind.HOUSING,
                    AgencyKind.VOLUNTARY_SECTOR,
                ],
                self.random.choice((0, 1, 1, 2, 2, 3)),
            ):
                invited.append(self._agency_for(region, kind))
            facts.agencies = list(dict.fromkeys(a for a in invited if a is not None))
            members.append(
                {
                    "id": next(member_ids),
                    "panel_id": panel_id,
                    "user_id": chair,
                    "role": PanelRole.CHAIR,
                    "added_at": created,
                }
            )
            facts.members.append((chair, probation))
            for agency in facts.agencies:
                invitations.append(
                    {
                        "id": next(invitation_ids),
                        "panel_id": panel_id,
                        "agency_id": agency,
                        "invited_at": created,
                        "notified_at": None if state is PanelState.DRAFT else created,
                    }
                )
                representative = self._pick(agency, Role.PANEL_MEMBER, Role.PRACTITIONER)
                if representative == chair:
                    continue
                members.append(
                    {
                        "id": next(member_ids),
                        "panel_id": panel_id,
                        "user_id": representative,
                        "role": PanelRole.REPRESENTATIVE,
                        "added_at": created,
                    }
                )
                facts.members.append((representative, agency))
            if observers and self.random.random() < 0.3:
                observer = self.random.choice(observers)
                if self.demo.get("sam.okafor") and near_demo and self.random.random() < 0.5:
                    observer = self.demo["sam.okafor"]
                members.append(
                    {
                        "id": next(member_ids),
                        "panel_id": panel_id,
                        "user_id": observer,
                        "role": PanelRole.OBSERVER,
                        "added_at": created,
                    }
                )
                facts.members.append((observer, self._agency_of_user(observer)))
            self.panels.append(facts)
        self.loader.write("cases", cases)
        self.loader.write("panels", panels)
        self.loader.write("panel_invitations", invitations)
        self.loader.write("panel_members", members)

    def _agency_of_user(self, user_id: int) -> int:
        if not self._user_agency:
            self._user_agency = {
                user: agency for agency, people in self.approved.items() for user in people
            }
        return self._user_agency[user_id]

    def _panel_state(self, age: int) -> PanelState:
        roll = self.random.random()
        if age < 60:
            return _pick(
                roll,
                (0.1, PanelState.DRAFT),
                (0.7, PanelState.OPEN),
                otherwise=PanelState.CONTRIBUTIONS_CLOSED,
            )
        if age < 180:
            return _pick(
                roll,
                (0.15, PanelState.OPEN),
                (0.4, PanelState.CONTRIBUTIONS_CLOSED),
                otherwise=PanelState.ACTION_PLAN_AGREED,
            )
        if age < 730:
            return _pick(
                roll,
                (0.15, PanelState.ACTION_PLAN_AGREED),
                (0.8, PanelState.MONITORING),
                otherwise=PanelState.CLOSED,
            )
        return PanelState.MONITORING if roll < 0.08 else PanelState.CLOSED

    # -- contributions --------------------------------------------------------------------------

    def contributions(self) -> None:
        ids = self.loader.next_ids("contributions")
        chronology_ids = self.loader.next_ids("chronology_entries")
        revision_ids = self.loader.next_ids("contribution_revisions")
        contributions, chronology, revisions = [], [], []
        for panel in self.panels:
            if panel.state is PanelState.DRAFT:
                continue
            writers = dict((agency, user) for user, agency in panel.members[1:])
            for agency in panel.agencies:
                state = self._contribution_state(panel.state)
                author = writers.get(agency) or self._pick(agency, Role.PANEL_MEMBER)
                contribution_id = next(ids)
                updated = self._when(panel.created_at, 10 + self.random.random() * 30)
                sections = {
                    "involvement": self._paragraphs(2),
                    "analysis": self._paragraphs(2),
                    "good_practice": "<p>Contact was kept up throughout the period.</p>",
                    "learning": self._paragraphs(1),
                    "proposed_actions": "<p>Brief every team on the findings.</p>",
                }
                versions = 1 if state is ContributionState.DRAFT else self.random.randint(1, 3)
                contributions.append(
                    {
                        "id": contribution_id,
                        "panel_id": panel.id,
                        "agency_id": agency,
                        "state": state,
                        **sections,
                        "chair_comments": "<p>Please say more about the risk assessment.</p>"
                        if state in (ContributionState.RETURNED, ContributionState.RESUBMITTED)
                        else "",
                        "version": versions,
                        "updated_at": updated,
                        "updated_by_id": author,
                        "submitted_at": None if state is ContributionState.DRAFT else updated,
                    }
                )
                panel.contributions.append((contribution_id, agency))
                for number in range(self.random.randint(1, 3)):
                    chronology.append(
                        {
                            "id": next(chronology_ids),
                            "contribution_id": contribution_id,
                            "event_date": (
                                panel.created_at - timedelta(days=400 - number * 90)
                            ).date(),
                            "event": self.random.choice(self._sentences),
                            "agency_action": "Recorded on the case management system.",
                            "comment": "",
                        }
                    )
                for version in range(1, versions + 1):
                    revisions.append(
                        {
                            "id": next(revision_ids),
                            "contribution_id": contribution_id,
                            "version": version,
                            "sections": {"involvement": sections["involvement"][:200]},
                            "saved_by_id": author,
                            "saved_at": updated,
                        }
                    )
        self.loader.write("contributions", contributions)
        self.loader.write("chronology_entries", chronology)
        self.loader.write("contribution_revisions", revisions)

    def _contribution_state(self, panel_state: PanelState) -> ContributionState:
        roll = self.random.random()
        if panel_state is PanelState.OPEN:
            return _pick(
                roll,
                (0.4, ContributionState.DRAFT),
                (0.65, ContributionState.SUBMITTED),
                (0.8, ContributionState.RETURNED),
                (0.9, ContributionState.RESUBMITTED),
                otherwise=ContributionState.ACCEPTED,
            )
        if panel_state is PanelState.CONTRIBUTIONS_CLOSED:
            return _pick(
                roll,
                (0.3, ContributionState.SUBMITTED),
                (0.4, ContributionState.RESUBMITTED),
                otherwise=ContributionState.ACCEPTED,
            )
        return ContributionState.SUBMITTED if roll < 0.03 else ContributionState.ACCEPTED

    # -- sessions -------------------------------------------------------------------------------

    def sessions(self) -> None:
        ids = self.loader.next_ids("panel_sessions")
        attendee_ids = self.loader.next_ids("session_attendees")
        item_ids = self.loader.next_ids("session_agenda_items")
        entry_ids = self.loader.next_ids("session_entries")
        sessions, attendees, items, entries = [], [], [], []
        counts = {
            PanelState.DRAFT: 0,
            PanelState.OPEN: 1,
            PanelState.CONTRIBUTIONS_CLOSED: 2,
            PanelState.ACTION_PLAN_AGREED: 3,
            PanelState.MONITORING: 3,
            PanelState.CLOSED: 4,
        }
        for panel in self.panels:
            for number in range(counts[panel.state]):
                session_id = next(ids)
                starts = panel.created_at + timedelta(days=30 + 45 * number)
                starts = starts.replace(hour=10, minute=0, second=0, microsecond=0)
                past = starts < self.now
                published = past and self.random.random() < 0.9
                sessions.append(
                    {
                        "id": session_id,
                        "panel_id": panel.id,
                        "starts_at": starts,
                        "duration_minutes": 120,
                        "location": "Room 2, Probation Office",
                        "online_link": "",
                        "agenda": "<p>Contributions, then learning and actions.</p>",
                        "minutes": self._paragraphs(3) if published else "",
                        "decisions": "<p>The panel agreed the learning below.</p>"
                        if published
                        else "",
                        "minutes_published_at": starts + timedelta(days=7) if published else None,
                        "created_at": panel.created_at,
                        "version": 2,
                    }
                )
                panel.sessions.append((session_id, starts))
                if past:
                    for user, agency in panel.members:
                        roll = self.random.random()
                        attendees.append(
                            {
                                "id": next(attendee_ids),
                                "session_id": session_id,
                                "user_id": user,
                                "agency_id": agency,
                                "attendance": _pick(
                                    roll,
                                    (0.85, Attendance.PRESENT),
                                    (0.95, Attendance.APOLOGIES),
                                    otherwise=Attendance.ABSENT,
                                ),
                            }
                        )
                for position, (contribution, _agency) in enumerate(panel.contributions[:2]):
                    item_id = next(item_ids)
                    items.append(
                        {
                            "id": item_id,
                            "session_id": session_id,
                            "position": position,
                            "title": "An agency's contribution",
                            "contribution_id": contribution,
                            "notes": "<p>Discussed.</p>" if past else "",
                            "created_at": panel.created_at,
                        }
                    )
                    if past:
                        entries.append(
                            {
                                "id": next(entry_ids),
                                "item_id": item_id,
                                "kind": EntryKind.DECISION if position else EntryKind.QUESTION,
                                "text": "<p>" + self.random.choice(LESSONS) + "</p>",
                                "learning_point_id": None,
                                "action_id": None,
                                "taken_up_in_id": None,
                                "recorded_by_id": panel.chair_id,
                                "recorded_at": starts,
                            }
                        )
        self.loader.write("panel_sessions", sessions)
        self.loader.write("session_attendees", attendees)
        self.loader.write("session_agenda_items", items)
        self.loader.write("session_entries", entries)

    # -- learning -------------------------------------------------------------------------------

    def learning(self) -> None:
        ids = self.loader.next_ids("learning_points")
        ack_ids = self.loader.next_ids("learning_acknowledgements")
        points, themes, shared_with, acks, reminders = [], [], [], [], []
        levels = list(LearningLevel)
        responses = list(LearningResponse)
        sharing = {
            PanelState.ACTION_PLAN_AGREED: 0.8,
            PanelState.MONITORING: 0.95,
            PanelState.CLOSED: 0.98,
            PanelState.CONTRIBUTIONS_CLOSED: 0.2,
            PanelState.OPEN: 0.05,
        }
        for panel in self.panels:
            if panel.state is PanelState.DRAFT:
                continue
            for _ in range(self.random.choice((4, 5, 5, 6))):
                point_id = next(ids)
                created = self._when(panel.created_at, 40 + self.random.random() * 40)
                subject = self.random.choice(SUBJECTS)
                failing = self.random.choice(FAILINGS).format(
                    topic=self.random.choice(TOPICS), event=self.random.choice(EVENTS)
                )
                shared = self.random.random() < sharing.get(panel.state, 0)
                shared_at = self._when(created, 7 + self.random.random() * 20) if shared else None
                points.append(
                    {
                        "id": point_id,
                        "panel_id": panel.id,
                        "title": f"{subject} {failing}"[:200],
                        "description": self._paragraphs(2),
                        "level": self.random.choice(levels),
                        "created_by_id": panel.chair_id,
                        "created_at": created,
                        "shared_at": shared_at,
                    }
                )
                panel.learning.append(point_id)
                for theme in self.random.sample(self.themes, self.random.randint(1, 3)):
                    themes.append({"learning_point_id": point_id, "theme_id": theme})
                named = self.random.sample(
                    panel.agencies, min(len(panel.agencies), self.random.randint(1, 3))
                )
                for agency in named:
                    shared_with.append({"learning_point_id": point_id, "agency_id": agency})
                    if shared_at is None:
                        continue
                    waited = (self.now - shared_at).days
                    if self.random.random() < (0.8 if waited > 28 else 0.3):
                        lead = self._pick(agency, Role.AGENCY_LEAD)
                        when = self._when(shared_at, min(waited, 5 + self.random.random() * 40))
                        response = self.random.choice(responses)
                        acks.append(
                            {
                                "id": next(ack_ids),
                                "learning_point_id": point_id,
                                "agency_id": agency,
                                "acknowledged_by_id": lead,
                                "acknowledged_at": when,
                                "response": response,
                                "detail": "Teams were briefed at their next meeting."
                                if response is not LearningResponse.NO_ACTION
                                else "Our procedures already cover this.",
                                "done_on": when.date(),
                            }
                        )
                    elif waited > 28 and self.random.random() < 0.8:
                        reminders.append(
                            {
                                "learning_point_id": point_id,
                                "agency_id": agency,
                                "sent_at": shared_at + timedelta(days=28),
                            }
                        )
        self.loader.write("learning_points", points)
        self.loader.write("learning_point_themes", themes)
        self.loader.write("learning_point_agencies", shared_with)
        self.loader.write("learning_acknowledgements", acks)
        self.loader.write("learning_reminders", reminders)

    # -- actions --------------------------------------------------------------------------------

    def actions(self) -> None:
        ids = self.loader.next_ids("actions")
        update_ids = self.loader.next_ids("action_updates")
        evidence_ids = self.loader.next_ids("action_evidence")
        actions, updates, evidence = [], [], []
        roles = (
            "Head of Public Protection",
            "Service Manager",
            "Designated Safeguarding Lead",
            "Head of Operations",
            "Training Lead",
        )
        for panel in self.panels:
            if panel.state is PanelState.DRAFT:
                continue
            # When each action was answered and signed off, for the panel's moves after them.
            answered_at: list[datetime] = []
            finished_at: list[datetime] = []
            for number in range(self.random.choice((7, 8, 8, 9))):
                owner = self.random.choice(panel.agencies)
                state = self._action_state(panel.state)
                created = self._when(panel.created_at, 50 + self.random.random() * 30)
                target = (created + timedelta(days=60 + self.random.random() * 300)).date()
                responded = None if state is ActionState.PROPOSED else self._when(created, 14)
                completed = (
                    max(self._when(created, 60 + self.random.random() * 200), responded)  # type: ignore[type-var]
                    if state is ActionState.COMPLETED
                    else None
                )
                action_id = next(ids)
                responder = self._pick(owner, Role.AGENCY_LEAD)
                # A completed action was agreed, or partly agreed, before it was signed off.
                answer = (
                    (
                        ActionState.AGREED
                        if self.random.random() < 0.75
                        else ActionState.PARTLY_AGREED
                    )
                    if state is ActionState.COMPLETED
                    else state
                )
                reason = (
                    "Resources are committed elsewhere this year."
                    if answer in (ActionState.PARTLY_AGREED, ActionState.NOT_AGREED)
                    else ""
                )
                if responded is not None:
                    answered_at.append(responded)
                    # As panels.actions.respond records it (portal.state_machine.move).
                    self.events.append(
                        (
                            responded,
                            responder,
                            "action.answered",
                            "action",
                            action_id,
                            {
                                "old": ActionState.PROPOSED.value,
                                "new": answer.value,
                                "reason": reason,
                            },
                        )
                    )
                if completed is not None:
                    finished_at.append(completed)
                    due_on = impact_review_due_after(completed.date())
                    # As panels.actions.sign_off records it.
                    self.events.append(
                        (
                            completed,
                            panel.chair_id,
                            "action.signed_off",
                            "action",
                            action_id,
                            {
                                "old": answer.value,
                                "new": ActionState.COMPLETED.value,
                                "impact_review_due": due_on.isoformat(),
                            },
                        )
                    )
                due = impact_review_due_after(completed.date()) if completed else None
                if completed and due and due < self.today and self.random.random() < 0.8:
                    reviewed = self._when(datetime.combine(due, datetime.min.time(), UTC), -10)
                    self.impact_reviews.append(
                        {
                            "action_id": action_id,
                            "outcome": self.random.choice(list(ImpactOutcome)),
                            "evidence": "<p>An audit of 20 cases found the new checks made.</p>",
                            "recorded_by_id": responder,
                            "recorded_at": max(reviewed, completed),
                        }
                    )
                if completed:
                    self.completed.append((action_id, panel.region, completed))
                actions.append(
                    {
                        "id": action_id,
                        "panel_id": panel.id,
                        "description": f"<p>{self.random.choice(LESSONS)} Action {number + 1} "
                        f"for the panel of case {panel.case_id}.</p>",
                        "owner_agency_id": owner,
                        "owner_role": self.random.choice(roles),
                        "target_date": target,
                        "measure_of_success": "<p>An audit of 20 cases shows the change.</p>",
                        "learning_point_id": self.random.choice(panel.learning)
                        if panel.learning and self.random.random() < 0.5
                        else None,
                        "contribution_id": None,
                        "state": state,
                        # As panels.actions.respond keeps it: the answer of the event above.
                        "answer": answer if responded is not None else None,
                        "response_reason": f"<p>{reason}</p>" if reason else "",
                        "responded_by_id": responder if responded else None,
                        "responded_at": responded,
                        "completed_at": completed,
                        "impact_review_due": due,
                        "overdue_notified_at": None,
                        "created_at": created,
                        "version": 2,
                    }
                )
                if state in (ActionState.AGREED, ActionState.PARTLY_AGREED, ActionState.COMPLETED):
                    assert responded is not None
                    for update in range(self.random.choice((0, 1, 1, 2, 3))):
                        update_id = next(update_ids)
                        written = self._when(responded, 20 + 40 * update)
                        updates.append(
                            {
                                "id": update_id,
                                "action_id": action_id,
                                "author_id": responder,
                                "text": "<p>Briefings held with three teams; audit booked.</p>",
                                "created_at": written,
                            }
                        )
                        if self.random.random() < 0.02:
                            body = b"Training attendance record: 14 of 15 staff attended."
                            evidence.append(
                                {
                                    "id": next(evidence_ids),
                                    "action_id": action_id,
                                    "update_id": update_id,
                                    "filename": "training-record.txt",
                                    "content_type": "text/plain",
                                    "size": len(body),
                                    "original": body,
                                    "text": body.decode(),
                                    "state": EvidenceState.READ,
                                    "refusal": "",
                                    "uploaded_by_id": responder,
                                    "uploaded_at": written,
                                }
                            )
            self._panel_moves(panel, answered_at, finished_at)
        self.loader.write("actions", actions)
        self._keep_panel_moments()
        self.loader.write("action_updates", updates)
        self.loader.write("action_evidence", evidence)
        review_ids = self.loader.next_ids("action_impact_reviews")
        self.loader.write(
            "action_impact_reviews",
            ({"id": next(review_ids), **review} for review in self.impact_reviews),
        )

    def _panel_moves(
        self, panel: PanelFacts, answered: list[datetime], finished: list[datetime]
    ) -> None:
        """The chair's moves of the panel to where it is now, each audited as
        panels.panels.move_to records it (portal.state_machine.move): opened within a week,
        contributions closed after their deadline, the plan agreed once every action is
        answered, monitored, and closed after the last action is signed off."""
        r = self.random.random
        reached = PANEL_LIFE[: PANEL_LIFE.index(panel.state) + 1]
        moments = {
            PanelState.OPEN: self._when(panel.created_at, 1 + r() * 6),
            PanelState.CONTRIBUTIONS_CLOSED: self._when(panel.created_at, 42 + r() * 10),
        }
        agreed = self._when(max(answered, default=panel.created_at), 2 + r() * 10)
        moments[PanelState.ACTION_PLAN_AGREED] = agreed
        monitoring = self._when(agreed, 7 + r() * 21)
        moments[PanelState.MONITORING] = monitoring
        moments[PanelState.CLOSED] = self._when(max([monitoring, *finished]), 5 + r() * 25)
        latest = self.now - timedelta(minutes=1)
        previous, old = panel.created_at, PanelState.DRAFT
        kept: dict[str, Any] = {"panel_id": panel.id}
        for state in reached[1:]:
            # Each after the one before, and none after now.
            moment = max(min(moments[state], latest), previous + timedelta(seconds=1))
            if state in FIRST_MOMENTS:
                kept[FIRST_MOMENTS[state]] = moment
            self.events.append(
                (
                    moment,
                    panel.chair_id,
                    "panel.state_changed",
                    "panel",
                    panel.id,
                    {"old": old.value, "new": state.value},
                )
            )
            previous, old = moment, state
        self.panel_moments.append(kept)

    def _keep_panel_moments(self) -> None:
        """Set each panel's moments (written before its moves were known) in one statement
        run for every panel moved."""
        if not self.panel_moments:
            return
        panels = self.loader.tables["panels"]
        names = tuple(FIRST_MOMENTS.values())
        self.connection.execute(
            update(panels)
            .where(panels.c.id == bindparam("panel_id"))
            .values({name: bindparam(f"new_{name}") for name in names}),
            [
                {"panel_id": kept["panel_id"], **{f"new_{n}": kept.get(n) for n in names}}
                for kept in self.panel_moments
            ],
        )

    def dip_samples(self) -> None:
        """Each year the inspectorate samples ten completed actions in each region and records
        whether they were delivered as intended and their impact evidenced (the latest year's
        findings not all recorded yet)."""
        inspectors = [
            user
            for agency, roles in self.staff.items()
            if self.kind_of.get(agency) is AgencyKind.INSPECTORATE
            for user in roles.get(Role.ADMINISTRATOR, []) + roles.get(Role.OBSERVER, [])
        ]
        if not inspectors:
            return
        by_region_year: dict[tuple[ProbationRegion, int], list[tuple[int, datetime]]] = defaultdict(
            list
        )
        for action_id, region, completed in self.completed:
            by_region_year[(region, completed.year)].append((action_id, completed))
        sample_ids = self.loader.next_ids("dip_samples")
        item_ids = self.loader.next_ids("dip_sample_items")
        samples, items = [], []
        for (region, year), completed in sorted(by_region_year.items()):
            sample_id = next(sample_ids)
            inspector = self.random.choice(inspectors)
            drawn = min(datetime(year, 12, 1, 10, tzinfo=UTC), self.now - timedelta(days=1))
            chosen = self.random.sample(completed, min(10, len(completed)))
            samples.append(
                {
                    "id": sample_id,
                    "region": region,
                    "size": 10,
                    "drawn_by_id": inspector,
                    "drawn_at": drawn,
                }
            )
            for action_id, _completed in chosen:
                found = year < self.now.year or self.random.random() < 0.5
                items.append(
                    {
                        "id": next(item_ids),
                        "sample_id": sample_id,
                        "action_id": action_id,
                        "delivered_as_intended": self.random.random() < 0.8 if found else None,
                        "impact_evidenced": self.random.random() < 0.6 if found else None,
                        "finding": "<p>Staff described the change; records showed it.</p>"
                        if found
                        else "",
                        "recorded_by_id": inspector if found else None,
                        "recorded_at": drawn + timedelta(days=30) if found else None,
                    }
                )
        self.loader.write("dip_samples", samples)
        self.loader.write("dip_sample_items", items)

    def _action_state(self, panel_state: PanelState) -> ActionState:
        roll = self.random.random()
        if panel_state in (PanelState.OPEN, PanelState.CONTRIBUTIONS_CLOSED):
            return _pick(
                roll,
                (0.6, ActionState.PROPOSED),
                (0.85, ActionState.AGREED),
                (0.95, ActionState.PARTLY_AGREED),
                otherwise=ActionState.NOT_AGREED,
            )
        if panel_state is PanelState.ACTION_PLAN_AGREED:
            return _pick(
                roll,
                (0.6, ActionState.AGREED),
                (0.8, ActionState.PARTLY_AGREED),
                (0.85, ActionState.NOT_AGREED),
                otherwise=ActionState.COMPLETED,
            )
        if panel_state is PanelState.MONITORING:
            return _pick(
                roll,
                (0.3, ActionState.AGREED),
                (0.4, ActionState.PARTLY_AGREED),
                (0.45, ActionState.NOT_AGREED),
                otherwise=ActionState.COMPLETED,
            )
        return ActionState.NOT_AGREED if roll < 0.1 else ActionState.COMPLETED

    # -- what people leave behind: notices, sign-in sessions, jobs, emails, the audit log ------

    def traces(self) -> None:
        notice_ids = self.loader.next_ids("notices")
        people = self.user_ids
        demo_people = set(self.demo.values())

        def notices() -> Iterator[dict[str, Any]]:
            for user in people:
                count = 30 if user in demo_people else self.random.randint(1, 11)
                for number in range(count):
                    created = self._when(self.start, self.random.random() * 3600)
                    yield {
                        "id": next(notice_ids),
                        "user_id": user,
                        "text": "An action has been answered on a panel you chair.",
                        "link": "/panels",
                        "created_at": created,
                        "read_at": None if number < 3 else self._when(created, 2),
                    }

        self.loader.write("notices", notices())

        def sign_ins() -> Iterator[dict[str, Any]]:
            for number in range(self.scale.cases * 10):
                started = self._when(self.start, self.random.random() * 3640)
                yield {
                    "id": f"national-{number:08d}",
                    "user_id": self.random.choice(people),
                    "started_at": started,
                    "last_seen_at": started + timedelta(minutes=25),
                    "ended_at": started + timedelta(minutes=55),
                    "end_reason": "idle_timeout" if number % 3 else "signed_out",
                    "id_token": None,
                    "provider_sid": None,
                }

        self.loader.write("sign_in_sessions", sign_ins())
        job_ids = self.loader.next_ids("jobs")

        def jobs() -> Iterator[dict[str, Any]]:
            for _ in range(self.scale.cases * 2):
                created = self._when(self.start, self.random.random() * 3640)
                yield {
                    "id": next(job_ids),
                    "kind": "outbox.send",
                    "payload": {"email": 0},
                    "state": JobState.DONE,
                    "unique_key": None,
                    "progress": "",
                    "attempts": 1,
                    "run_after": created,
                    "created_at": created,
                    "finished_at": created + timedelta(seconds=2),
                    "title": "Sending an email",
                }

        self.loader.write("jobs", jobs())
        email_ids = self.loader.next_ids("outbox_emails")

        def emails() -> Iterator[dict[str, Any]]:
            for _ in range(self.scale.cases * 5):
                created = self._when(self.start, self.random.random() * 3640)
                email_id = next(email_ids)
                yield {
                    "id": email_id,
                    "to_address": f"person{email_id}@example.org",
                    "subject": "Learning shared with your agency",
                    "body": "Sign in to the portal to read it.",
                    "message_id": f"<national-{email_id}@learning-panels.example.org>",
                    "created_at": created,
                    "attempts": 1,
                    "sent_at": created + timedelta(seconds=3),
                }

        self.loader.write("outbox_emails", emails())
        audit_ids = self.loader.next_ids("audit_events")
        span = (self.now - self.start).total_seconds()
        max_object = max(len(self.panels) * 8, 1)

        def audit() -> Iterator[tuple[Any, ...]]:
            # The records' own history (self.events) and, to make up the total, everyday
            # events at random moments; written in time order, as a real log is.
            start = self.start.replace(tzinfo=None)
            everyday = max(self.scale.audit_events - len(self.events), 0)
            moments = sorted(self.random.random() * span for _ in range(everyday))
            choice, randrange = self.random.choice, self.random.randrange

            def random_events() -> Iterator[tuple[datetime, int, str, str, str, str]]:
                for offset in moments:
                    action, object_type = choice(AUDIT_ACTIONS)
                    actor = choice(people)
                    object_id = actor if object_type == "user" else randrange(1, max_object)
                    yield (
                        start + timedelta(seconds=offset),
                        actor,
                        action,
                        object_type,
                        str(object_id),
                        "{}",
                    )

            history = sorted(
                (
                    when.astimezone(UTC).replace(tzinfo=None),
                    actor,
                    action,
                    object_type,
                    str(object_id),
                    json.dumps(details),
                )
                for when, actor, action, object_type, object_id, details in self.events
            )
            for event in heapq.merge(random_events(), history, key=lambda event: event[0]):
                yield (next(audit_ids), *event, "10.0.0.1")

        columns = [
            "id",
            "occurred_at",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "details",
            "ip_address",
        ]
        self.loader.write_plain("audit_events", columns, audit())
        kinds = Counter(event[2] for event in self.events)
        print(
            "  the records' own history in the audit log: "
            + ", ".join(f"{count:,} {action}" for action, count in sorted(kinds.items())),
            flush=True,
        )

    def run(self) -> dict[str, int]:
        steps = (
            self.read_demo,
            self.agencies,
            self.people,
            self.cases_and_panels,
            self.contributions,
            self.sessions,
            self.learning,
            self.actions,
            self.dip_samples,
            self.traces,
        )
        for step in steps:
            began = time.perf_counter()
            step()
            print(f"  {step.__name__}: {time.perf_counter() - began:.1f} s", flush=True)
        self.loader.finish()
        return dict(self.loader.written)


def seed_demo(database_url: str) -> None:
    """The demo's agencies, people and panels, through the operations people use (as
    `flask demo seed` does)."""
    app = create_app({"PORTAL_MODE": "demo", "DATABASE_URL": database_url})
    with app.app_context():
        demo.seed(get_db())
    app.extensions["db_engine"].dispose()


def generate(database_url: str, scale_name: str = "national") -> dict[str, int]:
    """Migrate, seed the demo, then add `scale_name`'s national data; the rows written."""
    migrate.upgrade(database_url)
    seed_demo(database_url)
    if scale_name == "demo":
        return {}
    engine = create_engine(database_url)
    try:
        written = _bulk(engine, SCALES[scale_name])
    finally:
        engine.dispose()
    return written


def _bulk(engine: Engine, scale: Scale) -> dict[str, int]:
    with engine.connect() as connection:
        if connection.scalar(text("SELECT count(*) FROM agencies")) > 10:
            raise SystemExit("This database already holds national data: start from an empty one.")
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        written = Generator(connection, scale).run()
        connection.commit()
        if connection.dialect.name == "postgresql":
            connection.commit()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as analyse:
                analyse.exec_driver_sql("VACUUM ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", choices=["national", "demo", "small"], default="national")
    arguments = parser.parse_args()
    began = time.perf_counter()
    written = generate(arguments.database_url, arguments.scale)
    for table, count in sorted(written.items()):
        print(f"{table:28} {count:>10,}")
    print(f"{sum(written.values()):,} rows in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()

"""The insight pages and the annual report show, to each demo person who may read them, the
figures this test counts itself from the demo's records (the ORM objects, counted in plain
Python): in the CSV, on the page and in the PDF alike, with the disclosure control.

A count is expected as it is when the person can see every panel behind it (an administrator
every one); otherwise one from 1 to 4 must read "fewer than 5" and any other must be the count
rounded to the nearest 5, worked out here with the remainder. Shares are of the figures as
shown; a share or an average of a count not shown reads "not shown". And a hidden count can no
longer be recovered by differencing two views: a region filter against the national total, nor
two date windows (which are now whole quarters or years).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pypdf
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.models import AgencyKind, Role, User
from insight.demo import HISTORY_PANELS
from insight.views import defuse
from panels.models.actions import OPEN_STATES, Action, ActionState
from panels.models.cases import ProbationRegion
from panels.models.contributions import Contribution, ContributionState
from panels.models.dip_samples import DipSampleItem
from panels.models.impact import ImpactReview
from panels.models.learning import (
    LearningAcknowledgement,
    LearningLevel,
    LearningPoint,
    LearningResponse,
    Theme,
    learning_point_agencies,
)
from panels.models.panels import Invitation, Panel, PanelMember
from portal import clock, demo
from portal.audit import AuditEvent
from portal.clock import LONDON
from tests.insight.report_pdfs import report_pdf_of
from tests.support.inspectorate import a_panel_in
from tests.support.people import signed_in_as
from tests.support.world import World

READERS = ("Alex Morgan", "Sam Okafor", "Grace Hill", "David Clarke", "Priya Shah")
SUPPRESSED = "fewer than 5"
WITHHELD = "not shown"
ROUNDED_NOTE = (
    "Figures on panels you cannot see are rounded to the nearest 5; fewer than 5 is not shown."
)

Key = tuple[str, str, str]  # table caption, row, column


@dataclass
class Count:
    total: int = 0
    visible: int = 0

    def add(self, on_visible_panel: bool) -> None:
        self.total += 1
        self.visible += on_visible_panel


@dataclass
class Expected:
    counts: dict[Key, Count]
    averages: dict[Key, tuple[float | None, Key]]  # the average, and the count it is over


def to_nearest_five(count: int) -> int:
    """Worked out here, apart from the code under test: a remainder of 3 or 4 rounds up."""
    remainder = count % 5
    return count - remainder if remainder < 3 else count + 5 - remainder


def shown_as(count: Count, everything: bool) -> str:
    """What a count must read for someone who sees `count.visible` of it."""
    if everything or count.visible == count.total:
        return str(count.total)
    if count.total < 5:
        return SUPPRESSED
    return str(to_nearest_five(count.total))


def visible_panel_ids(db: Session, user: User) -> set[int]:
    """What the access rules say a person sees, worked out again: all for an administrator;
    otherwise the panels they sit on, and those their agency is invited to if they lead it."""
    panels = db.scalars(select(Panel)).all()
    if user.has_role(Role.ADMINISTRATOR):
        return {panel.id for panel in panels}
    mine = {m.panel_id for m in db.scalars(select(PanelMember)) if m.user_id == user.id}
    if user.has_role(Role.AGENCY_LEAD):
        mine |= {
            i.panel_id for i in db.scalars(select(Invitation)) if i.agency_id == user.agency_id
        }
    return mine


def in_year(moment: datetime, year: int | None) -> bool:
    return year is None or moment.astimezone(LONDON).year == year


def quarter(moment: datetime) -> str:
    return f"{moment.year} Q{(moment.month - 1) // 3 + 1}"


def expected(db: Session, visible: set[int], year: int | None, today: date) -> Expected:
    counts: dict[Key, Count] = defaultdict(Count)
    averages: dict[Key, tuple[float | None, Key]] = {}

    # Themes.
    for point in db.scalars(select(LearningPoint)):
        if not in_year(point.created_at, year):
            continue
        seen = point.panel_id in visible
        when = quarter(point.created_at)
        counts[("Learning points by quarter", when, "Learning points")].add(seen)
        counts[("Learning points by quarter", "All learning points", "Learning points")].add(seen)
        for theme in point.themes:
            counts[("Learning points by theme", theme.name, "Learning points")].add(seen)
            counts[("Learning points by theme and quarter", theme.name, when)].add(seen)
            region = point.panel.case.region.label
            counts[("Learning points by theme and region", theme.name, region)].add(seen)

    # Actions.
    labels = {
        ActionState.AGREED: "Agreed",
        ActionState.PARTLY_AGREED: "Partly agreed",
        ActionState.NOT_AGREED: "Not agreed",
        ActionState.PROPOSED: "Not yet answered",
    }
    reviews = {review.action_id: review for review in db.scalars(select(ImpactReview))}
    for action in db.scalars(select(Action)):
        if not in_year(action.created_at, year):
            continue
        seen = action.panel_id in visible
        agency = action.owner_agency
        answer = action.state
        if answer is ActionState.COMPLETED:
            assert action.answer is not None
            answer = action.answer
        rows = [
            ("Actions by owning agency", f"{agency.name} ({agency.kind.label})"),
            ("Actions by owning agency", "All agencies"),
            ("Actions by kind of owning agency", agency.kind.label),
            ("Actions by kind of owning agency", "All agency kinds"),
        ]
        for caption, row in rows:
            counts[(caption, row, "Actions")].add(seen)
            counts[(caption, row, labels[answer])].add(seen)
            if action.state is ActionState.COMPLETED:
                counts[(caption, row, "Completed")].add(seen)
            if action.state in OPEN_STATES and action.target_date < today:
                counts[(caption, row, "Overdue")].add(seen)
        outside = "Actions owned by agencies other than probation"
        owner = "Probation" if agency.kind is AgencyKind.PROBATION else "Other agencies"
        counts[(outside, owner, "Actions")].add(seen)
        counts[(outside, "All agencies", "Actions")].add(seen)
        if action.state is ActionState.COMPLETED:
            impact = "Completed actions: did they change practice? (impact reviews)"
            review = reviews.get(action.id)
            counts[
                (
                    impact,
                    review.outcome.label if review else "Not yet reviewed",
                    "Completed actions",
                )
            ].add(seen)
            counts[(impact, "All completed actions", "Completed actions")].add(seen)

    # Timeliness.
    timeliness = "Time taken, against the panels' own deadlines"
    stages = {
        "opened": "Panel opened (days from the case being recorded)",
        "in": "Agencies' contributions in (days from the panel opening)",
        "agreed": "Action plan agreed (days from the panel opening)",
        "closed": "Panel closed (days from the panel opening)",
    }
    days: dict[str, list[float]] = defaultdict(list)

    def since(later: datetime, earlier: datetime) -> float:
        return (later - earlier).total_seconds() / 86400

    def against(stage: str, moment: datetime | None, deadline: date | None, seen: bool) -> None:
        if moment is not None:
            counts[(timeliness, stages[stage], "Reached")].add(seen)
            if deadline is None:
                column = "No deadline set"
            elif moment.date() <= deadline:
                column = "By the panel's deadline"
            else:
                column = "After the deadline"
            counts[(timeliness, stages[stage], column)].add(seen)
        elif deadline is not None and deadline < today:
            counts[(timeliness, stages[stage], "Waiting, past the deadline")].add(seen)

    panels = [p for p in db.scalars(select(Panel)) if in_year(p.created_at, year)]
    for panel in panels:
        seen = panel.id in visible
        opened, agreed, closed = panel.opened_at, panel.plan_agreed_at, panel.closed_at
        if opened:
            counts[(timeliness, stages["opened"], "Reached")].add(seen)
            days["opened"].append(since(opened, panel.case.created_at))
        against("agreed", agreed, panel.action_plan_target_date, seen)
        if opened and agreed:
            days["agreed"].append(since(agreed, opened))
        if closed:
            counts[(timeliness, stages["closed"], "Reached")].add(seen)
            if opened:
                days["closed"].append(since(closed, opened))
        for contribution in db.scalars(
            select(Contribution).where(Contribution.panel_id == panel.id)
        ):
            is_in = contribution.state in (
                ContributionState.SUBMITTED,
                ContributionState.RESUBMITTED,
                ContributionState.ACCEPTED,
            )
            submitted = contribution.submitted_at if is_in else None
            against("in", submitted, panel.contribution_deadline, seen)
            if submitted and opened:
                days["in"].append(since(submitted, opened))
    for stage, label in stages.items():
        found = days[stage]
        averages[(timeliness, label, "Average days")] = (
            sum(found) / len(found) if found else None,
            (timeliness, label, "Reached"),
        )

    # Reach.
    acknowledged = {
        (ack.learning_point_id, ack.agency_id): ack
        for ack in db.scalars(select(LearningAcknowledgement))
    }
    points = {point.id: point for point in db.scalars(select(LearningPoint))}
    for point_id, agency_id in db.execute(select(learning_point_agencies)).all():
        point = points[point_id]
        if point.shared_at is None or not in_year(point.shared_at, year):
            continue
        agency = next(a for a in point.agencies if a.id == agency_id)
        seen = point.panel_id in visible
        ack = acknowledged.get((point_id, agency_id))
        columns = ["Shared"]
        if ack is None:
            columns.append("Not yet acknowledged")
            if point.shared_at <= clock.now() - timedelta(days=28):
                columns.append("Not acknowledged after 28 days")
        else:
            columns.append("Acknowledged")
            columns.append(
                "No action" if ack.response is LearningResponse.NO_ACTION else "Acted on"
            )
        for caption, row in (
            (
                "Learning shared, acknowledged and acted on, by agency",
                f"{agency.name} ({agency.kind.label})",
            ),
            ("Learning shared, acknowledged and acted on, by agency", "All agencies"),
            ("Learning shared, acknowledged and acted on, by agency kind", agency.kind.label),
            ("Learning shared, acknowledged and acted on, by agency kind", "All agency kinds"),
        ):
            for column in columns:
                counts[(caption, row, column)].add(seen)

    # Dip samples (the report alone).
    dips = "Dip samples: completed actions sampled by the inspectorate"
    for item in db.scalars(select(DipSampleItem)):
        if not in_year(item.sample.drawn_at, year):
            continue
        seen = item.action.panel_id in visible
        for row in (item.sample.region.label, "All regions"):
            counts[(dips, row, "Actions sampled")].add(seen)
            if item.recorded_at is not None:
                counts[(dips, row, "Finding recorded")].add(seen)
            if item.delivered_as_intended:
                counts[(dips, row, "Delivered as intended")].add(seen)
            if item.impact_evidenced:
                counts[(dips, row, "Impact evidenced")].add(seen)
    return Expected(dict(counts), averages)


def read_csv(client: FlaskClient, url: str) -> dict[Key, str]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["filter", "table", "row", "column", "value"]
    return {(table, row, column): value for _f, table, row, column, value in rows[1:]}


class _Tables(HTMLParser):
    """Each table's caption and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._text: list[str] | None = None
        self._row: list[str] | None = None
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("caption", "td", "th"):
            self._text = []
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._text is not None:
            self._current = " ".join("".join(self._text).split())
            self.tables[self._current] = []
        elif tag in ("td", "th") and self._text is not None and self._row is not None:
            self._row.append(" ".join("".join(self._text).split()))
        elif tag == "tr" and self._row is not None and self._current is not None:
            self.tables[self._current].append(self._row)
        if tag in ("caption", "td", "th"):
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def page_tables(client: FlaskClient, url: str) -> dict[Key, str]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.get_data(as_text=True))
    found = {}
    for caption, rows in parser.tables.items():
        head, *body = rows
        for row in body:
            for column, value in zip(head[1:], row[1:], strict=True):
                found[(caption, row[0], column)] = value.replace(",", "")
    return found


def check(shown: dict[Key, str], wanted: Expected, everything: bool, where: str) -> list[str]:
    """What `shown` gets wrong; every count and average of `wanted` must be in it."""
    wrong = []
    for key, count in wanted.counts.items():
        if key[0] not in {k[0] for k in shown}:
            continue  # a table of another page
        value, expected_value = shown.get(key), shown_as(count, everything)
        if value != expected_value:
            wrong.append(f"{where} {key}: {value!r}, expected {expected_value!r} ({count})")
    for key, value in shown.items():
        if value.isdigit() and int(value) and key not in wanted.counts and "Average" not in key[2]:
            wrong.append(f"{where} {key}: shows {value}, which this test does not count")
    for key, (average, count) in wanted.averages.items():
        if key not in shown:
            continue
        value = shown[key]
        if shown.get(count) == SUPPRESSED:
            ok = value == WITHHELD
        elif average is None:
            ok = value == "–"
        else:
            ok = value != WITHHELD and value != "–" and abs(float(value) - average) <= 0.06
        if not ok:
            wrong.append(f"{where} {key}: {value!r}, expected about {average}")
    return wrong


def shares(shown: dict[Key, str], where: str) -> list[str]:
    """A share is shown only when its count and the whole it is of are."""
    wrong = []
    outside = "Actions owned by agencies other than probation"
    whole = shown.get((outside, "All agencies", "Actions"))
    for row in ("Probation", "Other agencies"):
        part = shown.get((outside, row, "Actions"))
        share = shown.get((outside, row, "Share of all actions"))
        if part is None:
            continue
        if part.isdigit() and whole and whole.isdigit() and int(whole):
            if share != f"{100 * int(part) / int(whole):.0f}%":
                wrong.append(f"{where}: share of {row} is {share}, of {part} in {whole}")
        elif share != WITHHELD:
            wrong.append(
                f"{where}: share of {row} is {share} though {part} of {whole} is not shown"
            )
    if (
        outside,
        "Inspectorate baseline: actions referred to another agency",
        "Share of all actions",
    ) in shown:
        assert (
            shown[
                (
                    outside,
                    "Inspectorate baseline: actions referred to another agency",
                    "Share of all actions",
                )
            ]
            == "6%"
        )
    return wrong


def pdf_text(client: FlaskClient, url: str) -> str:
    response = report_pdf_of(client, url)  # made by a worker, asked for on the report page
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_every_reader_sees_the_figures_counted_from_the_records(app: Flask, db: Session) -> None:
    with app.app_context():
        demo.seed(db)
    today, year = clock.today(), clock.today().year
    assert db.scalar(select(Panel.id).order_by(Panel.id.desc())) is not None
    assert len(db.scalars(select(Panel)).all()) >= HISTORY_PANELS
    wrong: list[str] = []
    suppressed_somewhere = Counter[str]()
    rounded_somewhere = Counter[str]()
    for name in READERS:
        user = db.scalars(select(User).where(User.name == name)).one()
        everything = user.has_role(Role.ADMINISTRATOR)
        client = signed_in_as(app.test_client(), db, user)
        visible = visible_panel_ids(db, user)
        all_time = expected(db, visible, None, today)
        for page in ("themes", "actions", "timeliness", "reach"):
            from_csv = read_csv(client, f"/insight/{page}.csv")
            from_page = page_tables(client, f"/insight/{page}")
            assert from_csv, f"{name}: nothing in /insight/{page}.csv"
            wrong += check(from_csv, all_time, everything, f"{name} /insight/{page}.csv")
            wrong += shares(from_csv, f"{name} /insight/{page}.csv")
            if from_page != {k: v.replace(",", "") for k, v in from_csv.items()}:
                differ = sorted(set(from_page.items()) ^ set(from_csv.items()))[:5]
                wrong.append(f"{name} /insight/{page}: the page and its CSV differ: {differ}")
            suppressed_somewhere[name] += sum(v == SUPPRESSED for v in from_csv.values())
            captions = {key[0] for key in from_csv}
            partly_seen = [
                count
                for key, count in all_time.counts.items()
                if key[0] in captions and not everything and count.visible < count.total
            ]
            rounded_somewhere[name] += sum(
                count.total >= 5 and to_nearest_five(count.total) != count.total
                for count in partly_seen
            )
            html = client.get(f"/insight/{page}").get_data(as_text=True)
            if (ROUNDED_NOTE in html) != bool(partly_seen):
                wrong.append(f"{name} /insight/{page}: the rounding note is wrongly (not) shown")

        this_year = expected(db, visible, year, today)
        report = read_csv(client, f"/insight/report.csv?year={year}")
        wrong += check(report, this_year, everything, f"{name} report {year}")
        assert any(key[0].startswith("Dip samples") for key in report)
        from_page = page_tables(client, f"/insight/report?year={year}")
        if from_page != {k: v.replace(",", "") for k, v in report.items()}:
            wrong.append(f"{name} /insight/report: the page and its CSV differ")
        text = pdf_text(client, f"/insight/report?year={year}")
        for caption, row, _column in report:
            if caption not in text or row.split(" (")[0] not in text:
                wrong.append(f"{name} report.pdf lacks {caption!r} / {row!r}")
        for value in ("fewer than 5", "not shown"):
            in_tables = sum(v == value for v in report.values())
            if in_tables and value not in text:
                wrong.append(f"{name} report.pdf never says {value!r}")
        if everything and ("fewer than 5" in text.replace("\u201cfewer than 5\u201d", "")):
            wrong.append("the administrator's PDF suppresses a figure")
        figures_in_pdf = Counter(re.findall(r"(?<![\w.])\d+(?![\w.%])", text))
        for key, value in report.items():
            if value.isdigit() and int(value) >= 5 and figures_in_pdf[value] == 0:
                wrong.append(f"{name} report.pdf lacks {key}: {value}")

    assert not wrong, "\n".join(wrong[:40])
    # The demo gives suppression something to do: to some readers, but never the administrator.
    assert suppressed_somewhere["Alex Morgan"] == 0
    assert suppressed_somewhere["Grace Hill"] > 0 and suppressed_somewhere["Sam Okafor"] > 0
    # ... and rounding too: some figure a reader sees is not the count itself.
    assert rounded_somewhere["Alex Morgan"] == 0
    assert rounded_somewhere["Grace Hill"] > 0 and rounded_somewhere["Sam Okafor"] > 0


def test_the_records_keep_the_moves_and_answers_their_audit_events_record(
    app: Flask, db: Session
) -> None:
    """What the figures above count (a panel's first opening, plan agreement and closing; an
    action's answer) is what the audit log says happened: for the demo's live panels, moved and
    answered through the operations, and for its history, written as they were."""
    with app.app_context():
        demo.seed(db)
    first: dict[tuple[str, str], datetime] = {}
    for event in db.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "panel.state_changed")
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ):
        first.setdefault((event.object_id or "", event.details["new"]), event.occurred_at)
    panels = db.scalars(select(Panel)).all()
    assert sum(panel.closed_at is not None for panel in panels) >= HISTORY_PANELS
    for panel in panels:
        kept = (panel.opened_at, panel.plan_agreed_at, panel.closed_at)
        for moment, state in zip(kept, ("open", "action_plan_agreed", "closed"), strict=True):
            audited = first.get((str(panel.id), state))
            assert (moment is None) == (audited is None), (panel.id, state)
            if moment is not None and audited is not None:
                # The operation stamps the panel as it writes the event, in the same flush.
                assert abs(moment - audited) < timedelta(seconds=1), (panel.id, state)
    answers = {
        event.object_id: event.details["new"]
        for event in db.scalars(select(AuditEvent).where(AuditEvent.action == "action.answered"))
    }
    actions = db.scalars(select(Action)).all()
    assert any(action.state is ActionState.COMPLETED for action in actions)
    for action in actions:
        assert (action.answer.value if action.answer else None) == answers.get(str(action.id))


def test_a_filter_narrows_the_figures_to_a_region_kind_and_year(app: Flask, db: Session) -> None:
    with app.app_context():
        demo.seed(db)
    admin = db.scalars(select(User).where(User.name == "Alex Morgan")).one()
    client = signed_in_as(app.test_client(), db, admin)
    last_year = clock.today().year - 1
    shown = read_csv(client, f"/insight/actions.csv?region=london&year={last_year}&kind=police")
    wanted = sum(
        1
        for action in db.scalars(select(Action))
        if action.panel.case.region.value == "london"
        and action.owner_agency.kind is AgencyKind.POLICE
        and action.created_at.astimezone(LONDON).year == last_year
    )
    assert shown[("Actions by kind of owning agency", "All agency kinds", "Actions")] == str(wanted)
    assert all(
        key[1] in ("Police", "All agency kinds")
        for key in shown
        if key[0] == "Actions by kind of owning agency"
    )


def test_a_cell_that_a_spreadsheet_would_run_is_made_text() -> None:
    assert [defuse(v) for v in ("=SUM(A1)", "+1", "-2", "@x", "Police")] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "Police",
    ]


ATTACKED = "Learning points by theme"


def _points(db: Session, panel: Panel, theme: Theme, author: User, when: datetime, n: int) -> None:
    for number in range(n):
        db.add(
            LearningPoint(
                panel_id=panel.id,
                title=f"Point {number} on {panel.case.reference}",
                level=LearningLevel.LOCAL,
                created_by_id=author.id,
                created_at=when,
                themes=[theme],
            )
        )
    db.commit()


def _hidden_counts_consistent(shown_total: str, known: int) -> set[int]:
    """What a reader who knows `known` points exactly (on panels they see) can tell of the
    rest from a total shown as `shown_total`: every hidden count from 1 to 100 that would be
    shown so."""
    return {
        hidden
        for hidden in range(1, 101)
        if shown_as(Count(known + hidden, known), everything=False) == shown_total
    }


def test_differencing_two_views_no_longer_recovers_a_hidden_count(
    app: Flask, db: Session, world: World
) -> None:
    """The reviewer's attack: theme T has 3 learning points in a region whose panels the
    observer cannot see, and 10 on their own panel in another region. Before, `?region=` that
    other region showed 10 and the national figure 13, so the hidden region had 3; and
    `until=D` against `until=D-1` isolated the day the 3 were made. Now the national figure is
    rounded, the hidden region's is "fewer than 5", and dates are whole quarters."""
    observer, chair = world["observer"], world["chair"]
    seen_panel = world.panel
    assert seen_panel is not None
    seen_region = seen_panel.case.region
    hidden_region = ProbationRegion.WALES
    assert hidden_region is not seen_region
    with app.test_request_context():
        hidden_panel = a_panel_in(db, world, hidden_region, "SFO-TEST-0300")
    theme = Theme(name="A theme the reviewer attacked")
    db.add(theme)
    db.commit()
    year = clock.today().year
    day = datetime(year, 5, 20, 11, tzinfo=UTC)  # the day the hidden points were made, in Q2
    _points(db, seen_panel, theme, chair, datetime(year, 2, 10, 11, tzinfo=UTC), 10)
    _points(db, hidden_panel, theme, chair, day, 3)
    assert visible_panel_ids(db, observer) == {seen_panel.id}
    client = signed_in_as(app.test_client(), db, observer)

    def figure(query: str, caption: str = ATTACKED, column: str = "Learning points") -> str:
        return read_csv(client, f"/insight/themes.csv{query}")[(caption, theme.name, column)]

    # A region filter against the national total.
    national, in_seen_region = figure(""), figure(f"?region={seen_region.value}")
    assert (national, in_seen_region) == ("15", "10")  # 13 rounded; 10 all on their panel
    assert figure(f"?region={hidden_region.value}") == SUPPRESSED
    by_region = "Learning points by theme and region"
    assert figure("", by_region, hidden_region.label) == SUPPRESSED
    assert figure("", by_region, seen_region.label) == "10"
    recovered = int(national) - int(in_seen_region)
    assert recovered != 3
    candidates = _hidden_counts_consistent(national, int(in_seen_region))
    assert 3 in candidates and len(candidates) >= 4, candidates

    # Two adjacent date windows: day-level dates are no longer read, so both are the same view.
    before = (day.date() - timedelta(days=1)).strftime("%d+%m+%Y").replace("+", "%20")
    on_day = day.date().strftime("%d+%m+%Y").replace("+", "%20")
    assert figure(f"?until={on_day}") == figure(f"?until={before}") == national
    page = client.get("/insight/themes").get_data(as_text=True)
    assert 'name="until"' not in page and 'name="since"' not in page
    assert 'name="quarter"' in page and 'name="year"' in page
    # The narrowest windows are quarters: the quarter holding the hidden day says only "fewer
    # than 5", and a quarter against its year leaves the hidden count as unknown as before.
    assert figure(f"?year={year}&quarter=2") == SUPPRESSED
    first_quarter, whole_year = figure(f"?year={year}&quarter=1"), figure(f"?year={year}")
    assert (first_quarter, whole_year) == ("10", "15")
    assert _hidden_counts_consistent(whole_year, int(first_quarter)) == candidates
    assert ROUNDED_NOTE in page


def test_an_administrator_and_a_reader_of_every_panel_behind_a_figure_see_it_exact(
    app: Flask, db: Session, world: World
) -> None:
    seen_panel = world.panel
    assert seen_panel is not None
    theme = Theme(name="A theme of this test alone")
    db.add(theme)
    db.commit()
    _points(db, seen_panel, theme, world["chair"], datetime(2026, 2, 10, 11, tzinfo=UTC), 7)
    for who in ("observer", "admin"):
        client = signed_in_as(app.test_client(), db, world[who])
        shown = read_csv(client, "/insight/themes.csv")
        assert shown[(ATTACKED, theme.name, "Learning points")] == "7", who
        assert ROUNDED_NOTE not in client.get("/insight/themes").get_data(as_text=True), who


def test_rounding_to_the_nearest_five() -> None:
    assert [to_nearest_five(n) for n in (5, 7, 8, 12, 13, 15, 17, 18, 102)] == [
        5,
        5,
        10,
        10,
        15,
        15,
        15,
        20,
        100,
    ]

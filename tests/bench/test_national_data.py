"""The national data generator, run small: the demo and the bulk together make a consistent
database (every row's references hold), in which every state of every record is represented,
the demo people see national data, and the library's search finds generated learning."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from agencies.models import Agency, AgencyKind, User
from bench import national_data
from insight.actions import actions_sheet
from insight.filters import InsightFilter
from insight.timeliness import STAGES, timeliness_sheet
from panels.models.actions import Action, ActionState
from panels.models.cases import Case, ProbationRegion
from panels.models.contributions import Contribution, ContributionState
from panels.models.dip_samples import DipSampleItem
from panels.models.impact import ImpactOutcome, ImpactReview
from panels.models.learning import LearningAcknowledgement, LearningResponse
from panels.models.panels import Panel, PanelMember, PanelState
from portal import clock
from portal.audit import AuditEvent
from portal.db import Base


def test_a_small_run_gives_a_consistent_database_with_every_state(database_url: str) -> None:
    written = national_data.generate(database_url, "small")
    engine = create_engine(database_url)
    with engine.connect() as connection:

        def count(what: object) -> int:
            return connection.scalar(select(func.count()).select_from(what)) or 0  # type: ignore[arg-type]

        # What was written is there, with the demo's rows beside it.
        for table, rows in written.items():
            assert rows > 0, table
            assert count(Base.metadata.tables[table]) >= rows, table
        scale = national_data.SCALES["small"]
        assert count(AuditEvent) >= scale.audit_events
        assert written["cases"] == written["panels"] == scale.cases
        # Every reference holds: SQLite checks none while the rows go in, so ask it.
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # Every kind of agency, every region, every state.
        kinds = set(connection.scalars(select(Agency.kind).distinct()))
        assert kinds == set(AgencyKind)
        assert set(connection.scalars(select(Case.region).distinct())) == set(ProbationRegion)
        assert set(connection.scalars(select(Panel.state).distinct())) == set(PanelState)
        states = set(connection.scalars(select(Contribution.state).distinct()))
        assert states == set(ContributionState)
        assert set(connection.scalars(select(Action.state).distinct())) == set(ActionState)
        responses = set(connection.scalars(select(LearningAcknowledgement.response).distinct()))
        assert responses == set(LearningResponse)
        outcomes = set(connection.scalars(select(ImpactReview.outcome).distinct()))
        assert outcomes == set(ImpactOutcome)
        recorded = set(connection.scalars(select(DipSampleItem.recorded_at.is_(None)).distinct()))
        assert recorded == {True, False}  # findings recorded, and some still to record
        overdue = count(
            select(Action.id)
            .where(Action.state.in_(["agreed", "partly_agreed"]), Action.target_date < date.today())
            .subquery()
        )
        assert overdue > 0
        # The demo people take part: the chair chairs national panels, which are listed for her.
        priya = connection.scalar(select(User.id).where(User.subject == "priya.shah"))
        chaired = count(select(Panel.id).where(Panel.chair_id == priya).subquery())
        assert chaired > 3
        assert count(select(PanelMember.id).where(PanelMember.user_id == priya).subquery()) == (
            chaired
        )
        # The search finds generated learning (on SQLite through the FTS5 table's triggers).
        if connection.dialect.name == "sqlite":
            words = "learning_points_fts MATCH 'share'"
            hits = connection.execute(
                text(f"SELECT count(*) FROM learning_points_fts WHERE {words}")
            ).scalar()
        else:
            hits = connection.execute(
                text(
                    "SELECT count(*) FROM learning_points WHERE to_tsvector('english', "
                    "title || ' ' || description) @@ plainto_tsquery('english', 'share')"
                )
            ).scalar()
        assert hits and hits > 0
    _history_is_audited(engine, scale)
    engine.dispose()


def _history_is_audited(engine: object, scale: national_data.Scale) -> None:
    """Each panel's moves and each action's answer are in the audit log as the operations
    record them, consistent with where each record is now, and kept on the records (the
    panel's first opening, plan agreement and closing; the action's answer) as the operations
    keep them, so the insight pages count them."""
    with Session(engine) as db:  # type: ignore[call-overload]
        life = [state.value for state in national_data.PANEL_LIFE]
        moves: dict[int, list[tuple[object, dict[str, str]]]] = {}
        for object_type, object_id, when, details in db.execute(
            select(
                AuditEvent.object_type,
                AuditEvent.object_id,
                AuditEvent.occurred_at,
                AuditEvent.details,
            )
            .where(AuditEvent.action == "panel.state_changed")
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        ):
            assert object_type == "panel"
            moves.setdefault(int(object_id), []).append((when, details))
        panels = db.execute(
            select(
                Panel.id,
                Panel.state,
                Panel.created_at,
                Panel.opened_at,
                Panel.plan_agreed_at,
                Panel.closed_at,
            )
        ).all()
        # The generator's panels come after the demo's.
        first_generated = max(panel.id for panel in panels) - scale.cases + 1
        for panel_id, state, created_at, *kept in panels:
            steps = [(details["old"], details["new"]) for _when, details in moves.get(panel_id, [])]
            # The panel keeps the first time of its moves that the insight pages count (the
            # demo's live panels, moved by the operation, to within the flush of its event).
            first: dict[str, datetime] = {}
            for when, details in moves.get(panel_id, []):
                first.setdefault(details["new"], when)  # type: ignore[arg-type]
            for moment, name in zip(kept, ("open", "action_plan_agreed", "closed"), strict=True):
                audited = first.get(name)
                assert (moment is None) == (audited is None), (panel_id, name)
                if moment and audited:
                    assert abs(moment - audited) < timedelta(seconds=1), (panel_id, name)
            if panel_id >= first_generated:
                # From draft along the panel's life, one step at a time, to where it is now.
                assert steps == list(
                    zip(life, life[1 : life.index(state.value) + 1], strict=False)
                ), panel_id
            if steps:
                assert steps[-1][1] == state.value, panel_id
                times = [when for when, _details in moves[panel_id]]
                assert times == sorted(times) and times[0] >= created_at, panel_id
                assert times[-1] <= clock.now()
        # Every answered action was answered once, its answer its state (or, once completed,
        # agreed or partly agreed), and every completed one signed off.
        answers = dict(
            db.execute(
                select(AuditEvent.object_id, AuditEvent.details["new"].as_string()).where(
                    AuditEvent.action == "action.answered", AuditEvent.object_type == "action"
                )
            ).all()
        )
        signed_off = set(
            db.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "action.signed_off"))
        )
        given = set()
        for action_id, state, kept_answer in db.execute(
            select(Action.id, Action.state, Action.answer)
        ):
            answer = answers.get(str(action_id))
            # The action keeps the answer of its event, the one the insight pages count.
            assert (kept_answer.value if kept_answer else None) == answer, action_id
            if state is ActionState.PROPOSED:
                assert answer is None
            elif state is ActionState.COMPLETED:
                assert answer in ("agreed", "partly_agreed"), action_id
                assert str(action_id) in signed_off
                given.add(answer)
            else:
                assert answer == state.value, action_id
        assert given == {"agreed", "partly_agreed"}
        # The insight pages' figures, over the generated data, are not empty.
        administrator = db.scalars(select(User).where(User.subject == "alex.morgan")).one()
        everything = InsightFilter()
        timeliness = timeliness_sheet(db, administrator, everything, date.today()).table(
            "timeliness"
        )
        for stage in ("opened", "agreed", "closed"):
            reached = timeliness.cell(STAGES[stage], "Reached")
            assert reached.total > 10, stage  # type: ignore[union-attr]
        assert timeliness.cell(STAGES["agreed"], "By the panel's deadline").total > 0  # type: ignore[union-attr]
        by_kind = actions_sheet(db, administrator, everything, date.today()).table(
            "actions-by-kind"
        )
        total = next(row for row in by_kind.rows if row.total)
        for column in ("Agreed", "Partly agreed", "Not agreed", "Not yet answered", "Completed"):
            cell = total.cells[by_kind.columns.index(column)]
            assert cell.total > 10, column  # type: ignore[union-attr]

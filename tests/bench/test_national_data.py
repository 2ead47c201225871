"""The national data generator, run small: the demo and the bulk together make a consistent
database (every row's references hold), in which every state of every record is represented,
the demo people see national data, and the library's search finds generated learning."""

from __future__ import annotations

from datetime import date

from sqlalchemy import create_engine, func, select, text

from agencies.models import Agency, AgencyKind, User
from bench import national_data
from panels.models.actions import Action, ActionState
from panels.models.cases import Case, ProbationRegion
from panels.models.contributions import Contribution, ContributionState
from panels.models.dip_samples import DipSampleItem
from panels.models.impact import ImpactOutcome, ImpactReview
from panels.models.learning import LearningAcknowledgement, LearningResponse
from panels.models.panels import Panel, PanelMember, PanelState
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
    engine.dispose()

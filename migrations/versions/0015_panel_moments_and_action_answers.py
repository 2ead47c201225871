"""panels keep the first time they were opened, had their plan agreed and were closed, and
actions the owning agency's answer, so the insight pages read them from the records rather than
from millions of audit events; both filled from the audit log as the insight pages read it

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Every action state, as the model's enum column allows (an answer is one of the middle three).
ACTION_STATES = ("proposed", "agreed", "partly_agreed", "not_agreed", "completed")
MOMENTS = (
    ("opened_at", "open"),
    ("plan_agreed_at", "action_plan_agreed"),
    ("closed_at", "closed"),
)

# The tables as this migration needs them, not as the models may later describe them.
audit_events = sa.table(
    "audit_events",
    sa.column("action", sa.String),
    sa.column("object_id", sa.String),
    sa.column("occurred_at", sa.DateTime),
    sa.column("details", sa.JSON),
)
panels = sa.table(
    "panels",
    sa.column("id", sa.Integer),
    *(sa.column(name, sa.DateTime) for name, _state in MOMENTS),
)
actions = sa.table("actions", sa.column("id", sa.Integer), sa.column("answer", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("panels") as batch:
        for name, _state in MOMENTS:
            batch.add_column(sa.Column(name, sa.DateTime(), nullable=True))
    with op.batch_alter_table("actions") as batch:
        batch.add_column(
            sa.Column(
                "answer",
                sa.Enum(
                    *ACTION_STATES,
                    name="action_answer",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=True,
            )
        )
    _backfill()


def _backfill() -> None:
    """One UPDATE ... FROM each, from one pass over the events of their kind (found through the
    index on the event's name), grouped by record: on SQLite and PostgreSQL alike."""
    new = audit_events.c.details["new"].as_string()

    def first(state: str) -> sa.ColumnElement[object]:
        return sa.func.min(sa.case((new == state, audit_events.c.occurred_at)))

    moves = (
        sa.select(
            audit_events.c.object_id,
            *(first(state).label(name) for name, state in MOMENTS),
        )
        .where(audit_events.c.action == "panel.state_changed")
        .group_by(audit_events.c.object_id)
        .subquery("moves")
    )
    op.execute(
        panels.update()
        .values({name: moves.c[name] for name, _state in MOMENTS})
        .where(sa.cast(panels.c.id, sa.String) == moves.c.object_id)
    )
    # An action is answered once (from proposed); max() only picks that one answer.
    answers = (
        sa.select(audit_events.c.object_id, sa.func.max(new).label("answer"))
        .where(audit_events.c.action == "action.answered")
        .group_by(audit_events.c.object_id)
        .subquery("answers")
    )
    op.execute(
        actions.update()
        .values(answer=answers.c.answer)
        .where(sa.cast(actions.c.id, sa.String) == answers.c.object_id)
    )


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_constraint(op.f("ck_actions_action_answer"), type_="check")
        batch.drop_column("answer")
    with op.batch_alter_table("panels") as batch:
        for name, _state in reversed(MOMENTS):
            batch.drop_column(name)

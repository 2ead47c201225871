"""running a session: its agenda items (from contributions, open questions and the chair) and
what the chair records against each during the meeting

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ENTRY_KINDS = ("decision", "question", "learning", "action")


def upgrade() -> None:
    op.create_table(
        "session_agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["panel_sessions.id"],
            name=op.f("fk_session_agenda_items_session_id_panel_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_session_agenda_items_contribution_id_contributions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_agenda_items")),
        sa.UniqueConstraint(
            "session_id",
            "contribution_id",
            name=op.f("uq_session_agenda_items_session_id_contribution_id"),
        ),
    )
    op.create_index(
        op.f("ix_session_agenda_items_session_id"), "session_agenda_items", ["session_id"]
    )
    op.create_table(
        "session_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *ENTRY_KINDS,
                name="session_entry_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("learning_point_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("taken_up_in_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["session_agenda_items.id"],
            name=op.f("fk_session_entries_item_id_session_agenda_items"),
        ),
        sa.ForeignKeyConstraint(
            ["learning_point_id"],
            ["learning_points.id"],
            name=op.f("fk_session_entries_learning_point_id_learning_points"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_session_entries_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["taken_up_in_id"],
            ["session_agenda_items.id"],
            name=op.f("fk_session_entries_taken_up_in_id_session_agenda_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_session_entries_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_entries")),
        sa.UniqueConstraint("taken_up_in_id", name=op.f("uq_session_entries_taken_up_in_id")),
    )
    op.create_index(op.f("ix_session_entries_item_id"), "session_entries", ["item_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_session_entries_item_id"), table_name="session_entries")
    op.drop_table("session_entries")
    op.drop_index(op.f("ix_session_agenda_items_session_id"), table_name="session_agenda_items")
    op.drop_table("session_agenda_items")

"""evidence attached to progress on an action, read by a worker like a review

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

EVIDENCE_STATES = ("reading", "read", "unreadable")


def upgrade() -> None:
    op.create_table(
        "action_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                *EVIDENCE_STATES,
                name="evidence_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("refusal", sa.Text(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_evidence_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["action_updates.id"],
            name=op.f("fk_action_evidence_update_id_action_updates"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_action_evidence_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_evidence")),
    )
    with op.batch_alter_table("action_evidence") as batch:
        batch.create_index(batch.f("ix_action_evidence_action_id"), ["action_id"], unique=False)
        batch.create_index(batch.f("ix_action_evidence_update_id"), ["update_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_evidence") as batch:
        batch.drop_index(batch.f("ix_action_evidence_update_id"))
        batch.drop_index(batch.f("ix_action_evidence_action_id"))
    op.drop_table("action_evidence")

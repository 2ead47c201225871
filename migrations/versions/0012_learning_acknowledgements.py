"""agencies acknowledge shared learning and say what they did; reminders to those who have not

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LEARNING_RESPONSES = ("briefed_teams", "changed_guidance", "training", "no_action")


def upgrade() -> None:
    op.create_table(
        "learning_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learning_point_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=False),
        sa.Column(
            "response",
            sa.Enum(
                *LEARNING_RESPONSES,
                name="learning_response",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learning_point_id"],
            ["learning_points.id"],
            name=op.f("fk_learning_acknowledgements_learning_point_id_learning_points"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_learning_acknowledgements_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_learning_acknowledgements_acknowledged_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_acknowledgements")),
        sa.UniqueConstraint(
            "learning_point_id",
            "agency_id",
            name=op.f("uq_learning_acknowledgements_learning_point_id_agency_id"),
        ),
    )
    with op.batch_alter_table("learning_acknowledgements") as batch:
        batch.create_index(
            batch.f("ix_learning_acknowledgements_learning_point_id"),
            ["learning_point_id"],
            unique=False,
        )
    op.create_table(
        "learning_reminders",
        sa.Column("learning_point_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learning_point_id"],
            ["learning_points.id"],
            name=op.f("fk_learning_reminders_learning_point_id_learning_points"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_learning_reminders_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint(
            "learning_point_id", "agency_id", name=op.f("pk_learning_reminders")
        ),
    )


def downgrade() -> None:
    op.drop_table("learning_reminders")
    with op.batch_alter_table("learning_acknowledgements") as batch:
        batch.drop_index(batch.f("ix_learning_acknowledgements_learning_point_id"))
    op.drop_table("learning_acknowledgements")

"""the annual learning report's PDFs, made by a worker for the person who asked and kept for
them for a few days

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

REGIONS = (
    "north_east",
    "north_west",
    "yorkshire_and_the_humber",
    "greater_manchester",
    "east_midlands",
    "west_midlands",
    "east_of_england",
    "london",
    "kent_surrey_and_sussex",
    "south_central",
    "south_west",
    "wales",
)


def upgrade() -> None:
    op.create_table(
        "insight_report_pdfs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "region",
            sa.Enum(*REGIONS, name="region", native_enum=False, create_constraint=True, length=40),
            nullable=True,
        ),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_insight_report_pdfs_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_report_pdfs")),
    )
    with op.batch_alter_table("insight_report_pdfs") as batch:
        batch.create_index(
            batch.f("ix_insight_report_pdfs_requested_by_id"), ["requested_by_id"], unique=False
        )
        batch.create_index(
            batch.f("ix_insight_report_pdfs_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("insight_report_pdfs") as batch:
        batch.drop_index(batch.f("ix_insight_report_pdfs_expires_at"))
        batch.drop_index(batch.f("ix_insight_report_pdfs_requested_by_id"))
    op.drop_table("insight_report_pdfs")

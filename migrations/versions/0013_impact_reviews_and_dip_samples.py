"""completed actions get an impact review date and the owning agency's impact review; the
inspectorate's dip samples of completed actions and its findings on them

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from __future__ import annotations

import calendar
from datetime import UTC, date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

IMPACT_OUTCOMES = ("changed", "partly_changed", "not_changed")
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
# As panels.models.impact has it when this migration was written: six months after sign-off,
# on the date in UK time. A migration keeps its own copy: it must mean the same for ever.
REVIEW_AFTER_MONTHS = 6
LONDON = ZoneInfo("Europe/London")


def _months_after(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("impact_review_due", sa.Date(), nullable=True))
        batch.create_index(batch.f("ix_actions_impact_review_due"), ["impact_review_due"])

    # Actions already signed off are reviewed six months after their sign-off, like any other:
    # some are due at once, which is what the inspectorate asks for.
    actions = sa.table(
        "actions",
        sa.column("id", sa.Integer()),
        sa.column("state", sa.String()),
        sa.column("completed_at", sa.DateTime()),
        sa.column("impact_review_due", sa.Date()),
    )
    connection = op.get_bind()
    completed = connection.execute(
        sa.select(actions.c.id, actions.c.completed_at).where(
            actions.c.state == "completed", actions.c.completed_at.is_not(None)
        )
    ).all()
    for action_id, completed_at in completed:
        # Stored as naive UTC (portal.db.UtcDateTime).
        completed_on = completed_at.replace(tzinfo=UTC).astimezone(LONDON).date()
        connection.execute(
            actions.update()
            .where(actions.c.id == action_id)
            .values(impact_review_due=_months_after(completed_on, REVIEW_AFTER_MONTHS))
        )

    op.create_table(
        "action_impact_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                *IMPACT_OUTCOMES,
                name="impact_outcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_impact_reviews_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_action_impact_reviews_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_impact_reviews")),
        sa.UniqueConstraint("action_id", name=op.f("uq_action_impact_reviews_action_id")),
    )
    op.create_table(
        "dip_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "region",
            sa.Enum(*REGIONS, name="region", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"], ["users.id"], name=op.f("fk_dip_samples_drawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dip_samples")),
    )
    with op.batch_alter_table("dip_samples") as batch:
        batch.create_index(batch.f("ix_dip_samples_drawn_by_id"), ["drawn_by_id"], unique=False)
    op.create_table(
        "dip_sample_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("delivered_as_intended", sa.Boolean(), nullable=True),
        sa.Column("impact_evidenced", sa.Boolean(), nullable=True),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["dip_samples.id"],
            name=op.f("fk_dip_sample_items_sample_id_dip_samples"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_dip_sample_items_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_dip_sample_items_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dip_sample_items")),
        sa.UniqueConstraint(
            "sample_id", "action_id", name=op.f("uq_dip_sample_items_sample_id_action_id")
        ),
    )
    with op.batch_alter_table("dip_sample_items") as batch:
        batch.create_index(batch.f("ix_dip_sample_items_sample_id"), ["sample_id"], unique=False)
        batch.create_index(batch.f("ix_dip_sample_items_action_id"), ["action_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dip_sample_items") as batch:
        batch.drop_index(batch.f("ix_dip_sample_items_action_id"))
        batch.drop_index(batch.f("ix_dip_sample_items_sample_id"))
    op.drop_table("dip_sample_items")
    with op.batch_alter_table("dip_samples") as batch:
        batch.drop_index(batch.f("ix_dip_samples_drawn_by_id"))
    op.drop_table("dip_samples")
    op.drop_table("action_impact_reviews")
    with op.batch_alter_table("actions") as batch:
        batch.drop_index(batch.f("ix_actions_impact_review_due"))
        batch.drop_column("impact_review_due")

"""actions found by the learning point they act on: a learning point's page scanned all 80,000
actions of the national benchmark to list its own (28 ms)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.create_index("ix_actions_learning_point_id", ["learning_point_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_index("ix_actions_learning_point_id")

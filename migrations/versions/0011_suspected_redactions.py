"""redactions the detectors only suspect, shown apart for the preparer

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("extract_redactions") as batch:
        # Every redaction proposed before now was one the detectors were sure of.
        batch.add_column(
            sa.Column("certain", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("extract_redactions") as batch:
        batch.drop_column("certain")

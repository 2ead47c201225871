"""outbox: a Message-ID made when an email is queued, and when an email was given up

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Kept here, not imported: a migration must not change when the code around it does.
MAX_ATTEMPTS = 8


def upgrade() -> None:
    with op.batch_alter_table("outbox_emails") as batch:
        batch.add_column(sa.Column("message_id", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("given_up_at", sa.DateTime(), nullable=True))

    connection = op.get_bind()
    outbox = sa.table(
        "outbox_emails",
        sa.column("id", sa.Integer()),
        sa.column("message_id", sa.String()),
        sa.column("given_up_at", sa.DateTime()),
        sa.column("next_attempt_at", sa.DateTime()),
        sa.column("attempts", sa.Integer()),
        sa.column("sent_at", sa.DateTime()),
    )
    for (email_id,) in connection.execute(sa.select(outbox.c.id)).all():
        connection.execute(
            outbox.update()
            .where(outbox.c.id == email_id)
            .values(message_id=f"<{uuid.uuid4().hex}@learning-panels>")
        )
    # Emails out of attempts were given up at their last attempt, the time they were due.
    connection.execute(
        outbox.update()
        .where(outbox.c.sent_at.is_(None), outbox.c.attempts >= MAX_ATTEMPTS)
        .values(given_up_at=outbox.c.next_attempt_at)
    )

    with op.batch_alter_table("outbox_emails") as batch:
        batch.alter_column("message_id", existing_type=sa.String(length=255), nullable=False)
        batch.create_unique_constraint("uq_outbox_emails_message_id", ["message_id"])


def downgrade() -> None:
    # Without given_up_at, only the attempts keep a refused email from being sent again.
    op.execute(
        sa.text(
            "UPDATE outbox_emails SET attempts = :most "
            "WHERE given_up_at IS NOT NULL AND attempts < :most"
        ).bindparams(most=MAX_ATTEMPTS)
    )
    with op.batch_alter_table("outbox_emails") as batch:
        batch.drop_constraint("uq_outbox_emails_message_id", type_="unique")
        batch.drop_column("given_up_at")
        batch.drop_column("message_id")

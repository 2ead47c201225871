"""emails sent by the job queue: a job for every email still waiting, and the mail worker's own
columns (when to try next, who holds the email) dropped

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Kept here, not imported: a migration must not change when the code around it does.
SEND = "email.send"

outbox = sa.table(
    "outbox_emails",
    sa.column("id", sa.Integer()),
    sa.column("created_at", sa.DateTime()),
    sa.column("next_attempt_at", sa.DateTime()),
    sa.column("sent_at", sa.DateTime()),
    sa.column("given_up_at", sa.DateTime()),
)
jobs = sa.table(
    "jobs",
    sa.column("kind", sa.String()),
    sa.column("payload", sa.JSON()),
    sa.column("state", sa.String()),
    sa.column("progress", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("run_after", sa.DateTime()),
    sa.column("created_at", sa.DateTime()),
    sa.column("title", sa.String()),
)


def upgrade() -> None:
    # Every email neither sent nor given up gets its job, due when the mail worker would have
    # tried it next, so nothing waiting is lost.
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(outbox.c.id, outbox.c.created_at, outbox.c.next_attempt_at)
        .where(outbox.c.sent_at.is_(None), outbox.c.given_up_at.is_(None))
        .order_by(outbox.c.id)
    ).all()
    if waiting:
        connection.execute(
            jobs.insert(),
            [
                {
                    "kind": SEND,
                    "payload": {"email_id": email_id},
                    "state": "queued",
                    "progress": "Waiting to start",
                    "attempts": 0,
                    "run_after": next_attempt_at,
                    "created_at": created_at,
                    "title": "",
                }
                for email_id, created_at, next_attempt_at in waiting
            ],
        )
    with op.batch_alter_table("outbox_emails") as batch:
        batch.drop_index("ix_outbox_emails_next_attempt_at")
        batch.drop_column("next_attempt_at")
        batch.drop_column("locked_until")


def downgrade() -> None:
    # The mail worker sends the emails again, and the job queue before this knows no such kind.
    op.execute(sa.delete(jobs).where(jobs.c.kind == SEND))
    with op.batch_alter_table("outbox_emails") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.execute(sa.update(outbox).values(next_attempt_at=outbox.c.created_at))
    with op.batch_alter_table("outbox_emails") as batch:
        batch.alter_column("next_attempt_at", existing_type=sa.DateTime(), nullable=False)
        batch.create_index("ix_outbox_emails_next_attempt_at", ["next_attempt_at"])

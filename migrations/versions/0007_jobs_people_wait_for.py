"""jobs a person waits for (reading a review, preparing and issuing extracts), refused jobs,
and reviews read by a worker

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JOB_STATES_BEFORE = ("queued", "running", "done", "set_aside")
JOB_STATES_AFTER = ("queued", "running", "done", "refused", "set_aside")
REVIEW_STATES = ("reading", "read", "unreadable")


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("title", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("done_path", sa.String(500), nullable=True))
        batch.add_column(sa.Column("back_path", sa.String(500), nullable=True))
        batch.add_column(sa.Column("outcome", sa.Text(), nullable=True))
        batch.create_foreign_key(
            "fk_jobs_requested_by_id_users", "users", ["requested_by_id"], ["id"]
        )
        batch.create_index("ix_jobs_requested_by_id", ["requested_by_id"])
    _allow_job_states(JOB_STATES_AFTER)
    with op.batch_alter_table("review_documents") as batch:
        # Every review kept before now was read when it was uploaded.
        batch.add_column(
            sa.Column(
                "state",
                sa.Enum(
                    *REVIEW_STATES,
                    name="review_state",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=False,
                server_default="read",
            )
        )


def _allow_job_states(states: tuple[str, ...]) -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_job_state"), type_="check")
        batch.create_check_constraint("job_state", sa.column("state").in_(states))


def downgrade() -> None:
    with op.batch_alter_table("review_documents") as batch:
        batch.drop_constraint(op.f("ck_review_documents_review_state"), type_="check")
        batch.drop_column("state")
    op.execute("UPDATE jobs SET state = 'set_aside' WHERE state = 'refused'")
    _allow_job_states(JOB_STATES_BEFORE)
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_requested_by_id")
        batch.drop_constraint("fk_jobs_requested_by_id_users", type_="foreignkey")
        for column in ("outcome", "back_path", "done_path", "title", "requested_by_id"):
            batch.drop_column(column)

"""sign-in: client authentication per provider, provider session ids, logout tokens used

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identity_providers") as batch:
        batch.add_column(
            sa.Column(
                "token_endpoint_auth_method",
                sa.String(length=40),
                nullable=False,
                server_default="client_secret_basic",
            )
        )
    # Demo providers were public clients protected by PKCE alone.
    op.execute("UPDATE identity_providers SET token_endpoint_auth_method = 'none' WHERE is_demo")
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.add_column(sa.Column("provider_sid", sa.String(length=255), nullable=True))
        batch.create_index("ix_sign_in_sessions_provider_sid", ["provider_sid"])
    op.create_table(
        "logout_token_uses",
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("jti", sa.String(length=255), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("issuer", "jti", name="pk_logout_token_uses"),
    )
    op.create_index("ix_logout_token_uses_used_at", "logout_token_uses", ["used_at"])


def downgrade() -> None:
    op.drop_index("ix_logout_token_uses_used_at", table_name="logout_token_uses")
    op.drop_table("logout_token_uses")
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.drop_index("ix_sign_in_sessions_provider_sid")
        batch.drop_column("provider_sid")
    with op.batch_alter_table("identity_providers") as batch:
        batch.drop_column("token_endpoint_auth_method")

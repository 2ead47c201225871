"""redacted extracts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

ROLES_BEFORE = (
    "administrator",
    "agency_lead",
    "panel_chair",
    "panel_member",
    "practitioner",
    "observer",
)
ROLES_AFTER = (*ROLES_BEFORE, "disclosure_lead")


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "person_on_probation",
                "victim",
                "family_member",
                "staff",
                "other",
                name="party_role",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_case_parties_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_case_parties_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_parties_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_parties_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_parties")),
    )
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_parties_case_id"), ["case_id"], unique=False)

    op.create_table(
        "review_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("original", sa.LargeBinary(), nullable=True),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_review_documents_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_review_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_documents")),
    )
    with op.batch_alter_table("review_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_documents_case_id"), ["case_id"], unique=False)

    op.create_table(
        "extracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "awaiting_approval",
                "approved",
                name="extract_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("show_recipient_name", sa.Boolean(), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_extracts_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_extracts_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["review_documents.id"],
            name=op.f("fk_extracts_document_id_review_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by_id"], ["users.id"], name=op.f("fk_extracts_prepared_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extracts")),
        sa.UniqueConstraint("reference", name=op.f("uq_extracts_reference")),
    )
    with op.batch_alter_table("extracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extracts_case_id"), ["case_id"], unique=False)

    op.create_table(
        "extract_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extract_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("sections", sa.Text(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["extract_id"], ["extracts.id"], name=op.f("fk_extract_issues_extract_id_extracts")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_extract_issues_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_extract_issues_recipient_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_extract_issues_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extract_issues")),
    )
    with op.batch_alter_table("extract_issues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extract_issues_extract_id"), ["extract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_extract_issues_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "extract_redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("extract_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("replacement", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column(
            "decision",
            sa.Enum(
                "proposed",
                "accepted",
                "rejected",
                name="redaction_decision",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["extract_id"], ["extracts.id"], name=op.f("fk_extract_redactions_extract_id_extracts")
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["case_parties.id"],
            name=op.f("fk_extract_redactions_party_id_case_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extract_redactions")),
    )
    with op.batch_alter_table("extract_redactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extract_redactions_extract_id"), ["extract_id"], unique=False
        )

    op.create_table(
        "factual_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_factual_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["extract_issues.id"],
            name=op.f("fk_factual_comments_issue_id_extract_issues"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factual_comments")),
    )
    with op.batch_alter_table("factual_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_factual_comments_issue_id"), ["issue_id"], unique=False
        )

    _allow_roles(ROLES_AFTER)


def _allow_roles(roles: tuple[str, ...]) -> None:
    """Replace the CHECK constraint listing the roles a grant may hold."""
    with op.batch_alter_table("role_grants") as batch_op:
        batch_op.drop_constraint(op.f("ck_role_grants_role"), type_="check")
        batch_op.create_check_constraint("role", sa.column("role").in_(roles))


def downgrade() -> None:
    _allow_roles(ROLES_BEFORE)
    with op.batch_alter_table("factual_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_factual_comments_issue_id"))

    op.drop_table("factual_comments")
    with op.batch_alter_table("extract_redactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extract_redactions_extract_id"))

    op.drop_table("extract_redactions")
    with op.batch_alter_table("extract_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extract_issues_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_extract_issues_extract_id"))

    op.drop_table("extract_issues")
    with op.batch_alter_table("extracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extracts_case_id"))

    op.drop_table("extracts")
    with op.batch_alter_table("review_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_documents_case_id"))

    op.drop_table("review_documents")
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_parties_case_id"))

    op.drop_table("case_parties")

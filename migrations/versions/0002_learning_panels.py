"""learning panels

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Kept here, not imported: a migration must not change when the code around it does.
SEED_THEMES = (
    "Risk assessment",
    "Domestic abuse enquiries",
    "Safeguarding and children's services checks",
    "Information sharing",
    "MAPPA",
    "Mental health",
    "Substance misuse",
    "Professional curiosity",
    "Management oversight",
    "Recall and enforcement",
    "Workload",
    "Victims and families",
    "Release planning",
)


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_emails")),
    )
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_emails_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_emails_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("name", name=op.f("uq_themes_name")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column(
            "region",
            sa.Enum(
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
                name="region",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "offence_category",
            sa.Enum(
                "murder",
                "attempted_murder",
                "manslaughter",
                "rape",
                "other_sexual_offence",
                "arson_with_intent",
                "kidnapping",
                "causing_death_by_driving",
                "other_violent_offence",
                name="offence_category",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("offence_date", sa.Date(), nullable=False),
        sa.Column("charge_date", sa.Date(), nullable=True),
        sa.Column("high_profile", sa.Boolean(), nullable=False),
        sa.Column(
            "mappa_category",
            sa.Enum(
                "1",
                "2",
                "3",
                "4",
                name="mappa_category",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "mappa_level",
            sa.Enum(
                "1",
                "2",
                "3",
                name="mappa_level",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "review_status",
            sa.Enum(
                "notified",
                "in_progress",
                "completed",
                "quality_assured",
                name="review_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "quality_rating",
            sa.Enum(
                "outstanding",
                "good",
                "requires_improvement",
                "inadequate",
                name="quality_rating",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_cases_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "open",
                "contributions_closed",
                "action_plan_agreed",
                "monitoring",
                "closed",
                name="panel_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("terms_of_reference", sa.Text(), nullable=False),
        sa.Column("contribution_deadline", sa.Date(), nullable=True),
        sa.Column("action_plan_target_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_panels_case_id_cases")),
        sa.ForeignKeyConstraint(["chair_id"], ["users.id"], name=op.f("fk_panels_chair_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
    )
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panels_case_id"), ["case_id"], unique=False)

    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "resubmitted",
                "accepted",
                name="contribution_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("involvement", sa.Text(), nullable=False),
        sa.Column("analysis", sa.Text(), nullable=False),
        sa.Column("good_practice", sa.Text(), nullable=False),
        sa.Column("learning", sa.Text(), nullable=False),
        sa.Column("proposed_actions", sa.Text(), nullable=False),
        sa.Column("chair_comments", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_contributions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_contributions_panel_id_panels")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_contributions_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
        sa.UniqueConstraint(
            "panel_id", "agency_id", name=op.f("uq_contributions_panel_id_agency_id")
        ),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contributions_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contributions_panel_id"), ["panel_id"], unique=False)

    op.create_table(
        "learning_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "individual",
                "local",
                "regional",
                "national",
                "multi_agency",
                name="learning_level",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_learning_points_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_learning_points_panel_id_panels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_points")),
    )
    with op.batch_alter_table("learning_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_points_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_learning_points_panel_id"), ["panel_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_learning_points_shared_at"), ["shared_at"], unique=False
        )

    op.create_table(
        "panel_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_panel_invitations_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_invitations_panel_id_panels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_invitations")),
        sa.UniqueConstraint(
            "panel_id", "agency_id", name=op.f("uq_panel_invitations_panel_id_agency_id")
        ),
    )
    with op.batch_alter_table("panel_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_invitations_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_panel_invitations_panel_id"), ["panel_id"], unique=False
        )

    op.create_table(
        "panel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "representative",
                "observer",
                name="panel_role",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_members_panel_id_panels")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_panel_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_members")),
        sa.UniqueConstraint("panel_id", "user_id", name=op.f("uq_panel_members_panel_id_user_id")),
    )
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_members_panel_id"), ["panel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "panel_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("online_link", sa.String(length=500), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("minutes_published_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_sessions_panel_id_panels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_sessions")),
    )
    with op.batch_alter_table("panel_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_sessions_panel_id"), ["panel_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_panel_sessions_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("owner_role", sa.String(length=200), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("measure_of_success", sa.Text(), nullable=False),
        sa.Column("learning_point_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "agreed",
                "partly_agreed",
                "not_agreed",
                "completed",
                name="action_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("response_reason", sa.Text(), nullable=False),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("overdue_notified_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_actions_contribution_id_contributions"),
        ),
        sa.ForeignKeyConstraint(
            ["learning_point_id"],
            ["learning_points.id"],
            name=op.f("fk_actions_learning_point_id_learning_points"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agencies.id"], name=op.f("fk_actions_owner_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_actions_panel_id_panels")
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"], ["users.id"], name=op.f("fk_actions_responded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actions_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_actions_panel_id"), ["panel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_target_date"), ["target_date"], unique=False)

    op.create_table(
        "chronology_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("agency_action", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_chronology_entries_contribution_id_contributions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronology_entries")),
    )
    with op.batch_alter_table("chronology_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chronology_entries_contribution_id"), ["contribution_id"], unique=False
        )

    op.create_table(
        "contribution_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_contribution_revisions_contribution_id_contributions"),
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"], ["users.id"], name=op.f("fk_contribution_revisions_saved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution_revisions")),
    )
    with op.batch_alter_table("contribution_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contribution_revisions_contribution_id"),
            ["contribution_id"],
            unique=False,
        )

    op.create_table(
        "learning_point_agencies",
        sa.Column("learning_point_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_learning_point_agencies_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["learning_point_id"],
            ["learning_points.id"],
            name=op.f("fk_learning_point_agencies_learning_point_id_learning_points"),
        ),
        sa.PrimaryKeyConstraint(
            "learning_point_id", "agency_id", name=op.f("pk_learning_point_agencies")
        ),
    )
    op.create_table(
        "learning_point_themes",
        sa.Column("learning_point_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learning_point_id"],
            ["learning_points.id"],
            name=op.f("fk_learning_point_themes_learning_point_id_learning_points"),
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_learning_point_themes_theme_id_themes")
        ),
        sa.PrimaryKeyConstraint(
            "learning_point_id", "theme_id", name=op.f("pk_learning_point_themes")
        ),
    )
    op.create_table(
        "session_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column(
            "attendance",
            sa.Enum(
                "present",
                "apologies",
                "absent",
                name="attendance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_session_attendees_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["panel_sessions.id"],
            name=op.f("fk_session_attendees_session_id_panel_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_session_attendees_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_attendees")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_session_attendees_session_id_user_id")
        ),
    )
    with op.batch_alter_table("session_attendees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_attendees_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_updates_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_action_updates_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_updates")),
    )
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_updates_action_id"), ["action_id"], unique=False
        )

    themes = sa.table("themes", sa.column("name", sa.String), sa.column("active", sa.Boolean))
    op.bulk_insert(themes, [{"name": name, "active": True} for name in SEED_THEMES])


def downgrade() -> None:
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_updates_action_id"))

    op.drop_table("action_updates")
    with op.batch_alter_table("session_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_attendees_session_id"))

    op.drop_table("session_attendees")
    op.drop_table("learning_point_themes")
    op.drop_table("learning_point_agencies")
    with op.batch_alter_table("contribution_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contribution_revisions_contribution_id"))

    op.drop_table("contribution_revisions")
    with op.batch_alter_table("chronology_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chronology_entries_contribution_id"))

    op.drop_table("chronology_entries")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actions_target_date"))
        batch_op.drop_index(batch_op.f("ix_actions_panel_id"))
        batch_op.drop_index(batch_op.f("ix_actions_owner_agency_id"))

    op.drop_table("actions")
    with op.batch_alter_table("panel_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_sessions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_panel_sessions_panel_id"))

    op.drop_table("panel_sessions")
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_panel_members_panel_id"))

    op.drop_table("panel_members")
    with op.batch_alter_table("panel_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_invitations_panel_id"))
        batch_op.drop_index(batch_op.f("ix_panel_invitations_agency_id"))

    op.drop_table("panel_invitations")
    with op.batch_alter_table("learning_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_points_shared_at"))
        batch_op.drop_index(batch_op.f("ix_learning_points_panel_id"))
        batch_op.drop_index(batch_op.f("ix_learning_points_created_at"))

    op.drop_table("learning_points")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributions_panel_id"))
        batch_op.drop_index(batch_op.f("ix_contributions_agency_id"))

    op.drop_table("contributions")
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panels_case_id"))

    op.drop_table("panels")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_user_id"))
        batch_op.drop_index(batch_op.f("ix_notices_created_at"))

    op.drop_table("notices")
    op.drop_table("cases")
    op.drop_table("themes")
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_emails_sent_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_emails_next_attempt_at"))

    op.drop_table("outbox_emails")

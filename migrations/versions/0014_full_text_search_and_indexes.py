"""the learning library searched by full text (PostgreSQL: a GIN index of the words; SQLite: an
FTS5 table kept current by triggers), and the indexes the national benchmark's plans asked for

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# The words of each learning point, kept by PostgreSQL in a generated column (computed once when
# the point is written, not for every row a search looks at) with a GIN index of them.
DOCUMENT = "to_tsvector('english', title || ' ' || description)"

# (table, columns, index name): each for a query the benchmark showed scanning a whole table.
INDEXES = (
    ("learning_point_agencies", ["agency_id"], "ix_learning_point_agencies_agency_id"),
    ("cases", ["created_at"], "ix_cases_created_at"),
    ("panels", ["created_at"], "ix_panels_created_at"),
    ("panels", ["chair_id"], "ix_panels_chair_id"),
    ("audit_events", ["object_type", "object_id", "occurred_at"], "ix_audit_events_object"),
    ("actions", ["state", "target_date"], "ix_actions_state_target_date"),
    # The recurring themes of the administrator's library, counted by theme.
    ("learning_point_themes", ["theme_id"], "ix_learning_point_themes_theme_id"),
    # The extracts waiting for a disclosure lead's approval, found by who opened the case.
    ("cases", ["created_by_id"], "ix_cases_created_by_id"),
    # The home page: an agency's completed actions whose impact review falls due (a
    # representative's 800 panels read action by action), its open actions.
    (
        "actions",
        ["owner_agency_id", "state", "impact_review_due"],
        "ix_actions_owner_state_review_due",
    ),
)

SQLITE_TRIGGERS = (
    """CREATE TRIGGER learning_points_fts_insert AFTER INSERT ON learning_points BEGIN
        INSERT INTO learning_points_fts (rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
    """CREATE TRIGGER learning_points_fts_delete AFTER DELETE ON learning_points BEGIN
        INSERT INTO learning_points_fts (learning_points_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    END""",
    """CREATE TRIGGER learning_points_fts_update AFTER UPDATE OF title, description
    ON learning_points BEGIN
        INSERT INTO learning_points_fts (learning_points_fts, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
        INSERT INTO learning_points_fts (rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE learning_points ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_learning_points_search ON learning_points USING gin (search_vector)"
        )
    else:
        # An external-content FTS5 table: it holds the index of the words, learning_points the
        # text; the Porter stemmer finds "shared" for "sharing", as PostgreSQL's English does.
        op.execute(
            "CREATE VIRTUAL TABLE learning_points_fts USING fts5(title, description, "
            "content='learning_points', content_rowid='id', tokenize='porter unicode61')"
        )
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO learning_points_fts (learning_points_fts) VALUES ('rebuild')")
    for table, columns, name in INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, _columns, name in reversed(INDEXES):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(name)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_learning_points_search")
        op.execute("ALTER TABLE learning_points DROP COLUMN search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER learning_points_fts_{trigger}")
        op.execute("DROP TABLE learning_points_fts")

"""Alembic, driven from the application: migrations are the only way the schema changes."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    # Alembic's config is an INI file underneath: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# The learning library's full-text search, made by migration 0014, which the models do not
# describe: no SQLAlchemy type is both PostgreSQL's generated tsvector column and nothing on
# SQLite, and no table can describe SQLite's FTS5 table and the tables FTS5 keeps for it.
_SEARCH_COLUMNS = {"search_vector"}
_SEARCH_INDEXES = {"ix_learning_points_search"}
_SEARCH_TABLES = "learning_points_fts"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Whether Alembic compares a schema object with the models: everything but the search's."""
    name = name or ""
    if type_ == "table":
        return not name.startswith(_SEARCH_TABLES)
    if type_ == "column":
        return name not in _SEARCH_COLUMNS
    if type_ == "index":
        return name not in _SEARCH_INDEXES
    return True


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)

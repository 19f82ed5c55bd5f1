"""full-text search: FTS5 tables kept in step by triggers on SQLite, GIN tsvector indexes on PostgreSQL

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> columns searched; mirrors app.models.FTS_TABLES as it stood at this revision
TABLES = {
    "quotes": ("text", "speaker_text"),
    "events": ("summary", "sentence"),
    "articles": ("title", "text"),
}


def _sqlite_up(table: str, cols: tuple[str, ...]) -> None:
    fts = f"{table}_fts"
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _pg_vector(cols: tuple[str, ...]) -> str:
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in cols)
    return f"to_tsvector('english'::regconfig, {joined})"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, cols in TABLES.items():
        if dialect == "sqlite":
            _sqlite_up(table, cols)
        elif dialect == "postgresql":
            op.execute(f"CREATE INDEX fts_{table} ON {table} USING gin (({_pg_vector(cols)}))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS fts_{table}")

"""articles.topic: the product an article is about, worked out once when it is consolidated; SQLite's full-text
update triggers fire only when a searched column changes

Revision ID: 0017
Revises: 0016

Consolidation asks a candidate event's article what product it is about when a report names a product and
the candidate does not (app.consolidate.events.article_topic). That meant reading the candidate article's
whole text and scanning its sentences, for each candidate: at a million events, where the look-ups reach
their limits, some fifty articles for each article stored. The answer is now kept with the article when it
is consolidated and read back for all the candidates in one query; an article stored before this revision
(NULL) is worked out from its text the first time it is asked for, and kept.

On SQLite the FTS5 tables of migration 0002 were kept in step by an AFTER UPDATE trigger on the whole row, so
every update re-indexed the row's text: consolidation's `UPDATE events SET merged_into_id = ...` for each
merge, `source_count`, a quote's `event_id`, and now an article's topic (9 ms an article at a million events:
its whole text deleted from and written back to the index). The triggers now say `AFTER UPDATE OF` the
searched columns.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# table -> columns searched, as in migration 0002
SEARCHED = {
    "quotes": ("text", "speaker_text"),
    "events": ("summary", "sentence"),
    "articles": ("title", "text"),
}


def _update_triggers(only_searched: bool) -> None:
    for table, cols in SEARCHED.items():
        fts, names = f"{table}_fts", ", ".join(cols)
        new = ", ".join(f"new.{c}" for c in cols)
        old = ", ".join(f"old.{c}" for c in cols)
        of = f" OF {names}" if only_searched else ""
        op.execute(f"DROP TRIGGER IF EXISTS {fts}_au")
        op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE{of} ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END")


def upgrade() -> None:
    op.add_column("articles", sa.Column("topic", sa.String(length=300), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _update_triggers(only_searched=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _update_triggers(only_searched=False)
    op.drop_column("articles", "topic")  # native on SQLite: a batch copy would drop the full-text triggers

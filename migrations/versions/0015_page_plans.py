"""page plans at a million events: the busiest actors read down an index of the counters, and full-text words
looked up in FTS5's own vocabulary

Revision ID: 0015
Revises: 0014

The timeline's actor field lists the busiest actors on every page load; without an index on the counts that sorted
all of actor_event_counts (50,000 rows, 5-9 ms a page). ix_actor_event_counts_events (events, actor_id) gives them
in order, on both engines.

On SQLite each FTS5 table gets an fts5vocab table (`events_fts_vocab`, ...: one row per indexed term with the number
of rows that hold it), so the last word of a query, which is matched as a prefix, can be written as the exact
terms that share it (app.queries.textsearch): a prefix merges every such term's list of rows before the first row
comes back, each time FTS5 is asked, which made a per-row probe cost 3 ms. A vocabulary table stores nothing.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS = ("events", "quotes", "articles")  # the FTS5 tables of migration 0002


def upgrade() -> None:
    op.create_index("ix_actor_event_counts_events", "actor_event_counts", ["events", "actor_id"])
    if op.get_bind().dialect.name == "sqlite":
        for table in FTS:
            op.execute(f"CREATE VIRTUAL TABLE {table}_fts_vocab USING fts5vocab('{table}_fts', 'row')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in FTS:
            op.execute(f"DROP TABLE IF EXISTS {table}_fts_vocab")
    op.drop_index("ix_actor_event_counts_events", table_name="actor_event_counts")

"""consolidation look-ups filtered in their indexes: the (source, precision, first day) and (sense, precision,
first day) indexes also hold the columns the candidate look-ups read

Revision ID: 0016
Revises: 0015

Consolidating an article looks up, per cluster of its events' date windows, the events of its actors and of
its actions nearby (app.consolidate.candidates._found). The rows are narrowed by the last day, the action and the
type, which the two indexes did not hold: every entry of a busy actor's crowded weeks cost a read of its table
row, so the look-ups grew with the corpus (0.33 ms each at 10k events, 2.3 ms at a million on SQLite). Holding
last_day, the sense or source, type, merged_into_id and removed_at, both engines filter in the index (SQLite:
"USING COVERING INDEX"; PostgreSQL: an index-only scan).
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDE = {
    "ix_events_source_precision_first_day": ["source_actor_id", "precision", "first_day", "last_day", "sense",
                                             "type", "merged_into_id", "removed_at"],
    "ix_events_sense_precision_first_day": ["sense", "precision", "first_day", "last_day", "source_actor_id",
                                            "type", "merged_into_id", "removed_at"],
}
NARROW = {
    "ix_events_source_precision_first_day": ["source_actor_id", "precision", "first_day"],
    "ix_events_sense_precision_first_day": ["sense", "precision", "first_day"],
}


def _rebuild(columns: dict[str, list[str]]) -> None:
    for name, cols in columns.items():
        op.drop_index(name, table_name="events")
        op.create_index(name, "events", cols, unique=False)


def upgrade() -> None:
    _rebuild(WIDE)


def downgrade() -> None:
    _rebuild(NARROW)

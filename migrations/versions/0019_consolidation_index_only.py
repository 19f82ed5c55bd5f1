"""PostgreSQL: consolidation's candidate indexes hold the event id too, so their look-ups are index-only

Revision ID: 0019
Revises: 0018

The (source, precision, first day) and (sense, precision, first day) indexes were widened in 0016 to hold every
column the candidate look-ups filter on, but the look-ups also read the event's id. SQLite's indexes hold the
rowid (the id) anyway; a PostgreSQL index does not, so each matching entry cost a read of its table row: on
the 1M-event bench corpus a crowded fine look-up was a bitmap heap scan of 4,640 rows over 3,152 table blocks,
and the look-ups read about 43,000 blocks for 20 articles. With ``INCLUDE (id)`` the same look-ups are
index-only scans (with the visibility map autovacuum keeps): about 6,200 blocks, the fine look-ups 18 ms an
article at a million events down to 2.3. SQLite is unchanged.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "ix_events_source_precision_first_day": ["source_actor_id", "precision", "first_day", "last_day", "sense",
                                             "type", "merged_into_id", "removed_at"],
    "ix_events_sense_precision_first_day": ["sense", "precision", "first_day", "last_day", "source_actor_id",
                                            "type", "merged_into_id", "removed_at"],
}


def _rebuild(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, cols in COLUMNS.items():
        op.drop_index(name, table_name="events")
        op.create_index(name, "events", cols, unique=False, postgresql_include=include)


def upgrade() -> None:
    _rebuild(["id"])


def downgrade() -> None:
    _rebuild([])

"""page indexes: live events by day (covering the timeline's density strip)

Revision ID: 0006
Revises: 0004
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "merged_into_id IS NULL AND removed_at IS NULL"


def upgrade() -> None:
    # partial and covering: the strip counts live events per (day, precision) without touching the table;
    # SQLite treats a partial index as covering only when it also holds the columns its WHERE names
    op.create_index('ix_events_live_first_day', 'events', ['first_day', 'precision', 'merged_into_id', 'removed_at'],
                    unique=False,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade() -> None:
    op.drop_index('ix_events_live_first_day', table_name='events')

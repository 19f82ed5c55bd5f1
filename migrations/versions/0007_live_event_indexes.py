"""live event indexes: by source actor and by id (actor counts, activity, partners)

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "merged_into_id IS NULL AND removed_at IS NULL"


def upgrade() -> None:
    # Partial (live events only) and covering, like 0006's day index, so the actor aggregates never read the
    # wide event rows. Live events per source actor:
    op.create_index('ix_events_live_source_actor', 'events',
                    ['source_actor_id', 'first_day', 'merged_into_id', 'removed_at'], unique=False,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    # 'Is this target's event live?' probes (event_targets joined to events):
    op.create_index('ix_events_live_id', 'events', ['id', 'merged_into_id', 'removed_at'], unique=False,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade() -> None:
    op.drop_index('ix_events_live_id', table_name='events')
    op.drop_index('ix_events_live_source_actor', table_name='events')

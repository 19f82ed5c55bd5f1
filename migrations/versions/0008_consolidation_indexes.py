"""consolidation indexes: actors by merged_into_id; events by source actor, precision and first day

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # consolidate.actors.family and merge_actor look actors up by the actor they were merged into; without it
    # every article's family look-up scanned the actors table
    op.create_index('ix_actors_merged_into_id', 'actors', ['merged_into_id'], unique=False)
    # candidate look-up for coarse dates (a year, a quarter): they start long before the window of a new
    # report, and reading a busy actor's day events over that whole stretch cost more than all the rest
    op.create_index('ix_events_source_precision_first_day', 'events', ['source_actor_id', 'precision', 'first_day'],
                    unique=False)


def downgrade() -> None:
    # if_exists: a database upgraded by the first cut of 0008 (actors index only) must still downgrade
    op.drop_index('ix_events_source_precision_first_day', table_name='events', if_exists=True)
    op.drop_index('ix_actors_merged_into_id', table_name='actors')

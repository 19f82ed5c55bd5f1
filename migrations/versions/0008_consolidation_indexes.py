"""consolidation indexes: actors by merged_into_id (actor families, merge re-pointing)

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


def downgrade() -> None:
    op.drop_index('ix_actors_merged_into_id', table_name='actors')

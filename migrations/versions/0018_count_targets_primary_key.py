"""PostgreSQL: the event-target counter trigger reads its event by primary key

Revision ID: 0018
Revises: 0017

Migration 0013's ``dateline_count_targets`` asked whether a target's event is live with
``EXISTS (SELECT 1 FROM events e WHERE e.id = ... AND e.merged_into_id IS NULL AND e.removed_at IS NULL)``.
The partial indexes of live events (``WHERE merged_into_id IS NULL AND removed_at IS NULL``) match that
condition too, and on a table without statistics (a database being filled, before autovacuum has analysed
it) the planner chose ``ix_events_live_span``, a walk over every live event filtering on the id: 0.2 ms per
target row in a fresh 150-article ingest, and the plan is kept for the session by PL/pgSQL. Reading the
event by its id alone and testing the two columns on the row leaves the primary key the only index that
answers; the counts are the same. SQLite's triggers are unchanged.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BY_KEY = """
CREATE OR REPLACE FUNCTION dateline_count_targets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND coalesce((SELECT e.merged_into_id IS NULL AND e.removed_at IS NULL
                                     FROM events e WHERE e.id = OLD.event_id), false) THEN
    PERFORM dateline_bump_actor(OLD.actor_id, -1);
  END IF;
  IF TG_OP <> 'DELETE' AND coalesce((SELECT e.merged_into_id IS NULL AND e.removed_at IS NULL
                                     FROM events e WHERE e.id = NEW.event_id), false) THEN
    PERFORM dateline_bump_actor(NEW.actor_id, 1);
  END IF;
  RETURN NULL;
END $$;
"""

# as migration 0013 made it
EXISTS_LIVE = """
CREATE OR REPLACE FUNCTION dateline_count_targets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM events e WHERE e.id = OLD.event_id
                                   AND e.merged_into_id IS NULL AND e.removed_at IS NULL) THEN
    PERFORM dateline_bump_actor(OLD.actor_id, -1);
  END IF;
  IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM events e WHERE e.id = NEW.event_id
                                   AND e.merged_into_id IS NULL AND e.removed_at IS NULL) THEN
    PERFORM dateline_bump_actor(NEW.actor_id, 1);
  END IF;
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BY_KEY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(EXISTS_LIVE)

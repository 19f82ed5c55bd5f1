"""PostgreSQL counter triggers: inserted events and targets counted once per statement; the target trigger reads its
event by primary key

Revision ID: 0018
Revises: 0017

Migration 0013 counted every inserted event and event target in a row trigger: per event two upserts (its source
actor, its day) each behind the advisory lock, per target an upsert behind a look-up of its event. The store now
inserts an article's events and targets in one statement each (``app.db.insert_rows``), so the inserted rows
are counted by a statement trigger over its transition table, grouped: one upsert per table and statement, the
same sums. Updates and deletes keep their row triggers (a transition table cannot watch chosen columns).

The remaining row trigger of targets (updates, deletes) asked whether the event is live with
``EXISTS (SELECT 1 FROM events e WHERE e.id = ... AND e.merged_into_id IS NULL AND e.removed_at IS NULL)``; the
partial live-event indexes match that condition too, and on a table without statistics (a database being
filled, before autovacuum has analysed it) the planner walked ``ix_events_live_span`` filtering on the id, a plan
PL/pgSQL keeps for the session. It now reads the event by its id alone, which only the primary key answers.
SQLite's triggers are unchanged.
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


LOCK = 727013  # as migration 0013
FINE = "('day', 'week')"
WATCHED = "merged_into_id, removed_at, source_actor_id, first_day, precision, modality"
LIVE = "merged_into_id IS NULL AND removed_at IS NULL"

PER_STATEMENT = f"""
CREATE OR REPLACE FUNCTION dateline_count_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({LOCK});
  INSERT INTO actor_event_counts (actor_id, events)
    SELECT source_actor_id, count(*) FROM inserted WHERE {LIVE} AND source_actor_id IS NOT NULL
    GROUP BY source_actor_id ORDER BY source_actor_id
    ON CONFLICT (actor_id) DO UPDATE SET events = actor_event_counts.events + excluded.events;
  INSERT INTO event_day_counts (day, fine, negated, events)
    SELECT first_day, precision IS NULL OR precision IN {FINE}, coalesce(modality, '') = 'negated', count(*)
    FROM inserted WHERE {LIVE} AND first_day IS NOT NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, fine, negated) DO UPDATE SET events = event_day_counts.events + excluded.events;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION dateline_count_inserted_targets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({LOCK});
  INSERT INTO actor_event_counts (actor_id, events)
    SELECT t.actor_id, count(*) FROM inserted t
    WHERE coalesce((SELECT e.merged_into_id IS NULL AND e.removed_at IS NULL FROM events e WHERE e.id = t.event_id),
                   false)  -- each event by primary key: a join would read every event on a table without statistics
    GROUP BY t.actor_id ORDER BY t.actor_id
    ON CONFLICT (actor_id) DO UPDATE SET events = actor_event_counts.events + excluded.events;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS events_count_aiu ON events;
CREATE TRIGGER events_count_au AFTER UPDATE OF {WATCHED} ON events
  FOR EACH ROW EXECUTE FUNCTION dateline_count_events();
CREATE TRIGGER events_count_insert AFTER INSERT ON events REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION dateline_count_inserted_events();
DROP TRIGGER IF EXISTS event_targets_count ON event_targets;
CREATE TRIGGER event_targets_count AFTER DELETE OR UPDATE OF actor_id, event_id ON event_targets
  FOR EACH ROW EXECUTE FUNCTION dateline_count_targets();
CREATE TRIGGER event_targets_count_insert AFTER INSERT ON event_targets REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION dateline_count_inserted_targets();
"""

PER_ROW = f"""
DROP TRIGGER IF EXISTS event_targets_count_insert ON event_targets;
DROP TRIGGER IF EXISTS event_targets_count ON event_targets;
CREATE TRIGGER event_targets_count AFTER INSERT OR DELETE OR UPDATE OF actor_id, event_id ON event_targets
  FOR EACH ROW EXECUTE FUNCTION dateline_count_targets();
DROP TRIGGER IF EXISTS events_count_insert ON events;
DROP TRIGGER IF EXISTS events_count_au ON events;
DROP TRIGGER IF EXISTS events_count_aiu ON events;
CREATE TRIGGER events_count_aiu AFTER INSERT OR UPDATE OF {WATCHED} ON events
  FOR EACH ROW EXECUTE FUNCTION dateline_count_events();
DROP FUNCTION IF EXISTS dateline_count_inserted_targets();
DROP FUNCTION IF EXISTS dateline_count_inserted_events();
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BY_KEY)
        op.execute(PER_STATEMENT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PER_ROW)
        op.execute(EXISTS_LIVE)

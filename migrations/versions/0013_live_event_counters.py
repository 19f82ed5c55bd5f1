"""counter tables: live events per actor and per (day, fine precision, denial), kept by triggers in the writing transaction

Revision ID: 0013
Revises: 0012

Counting a million events per request (actor rankings, the density strip, the timeline's totals) cost seconds;
these two tables hold the counts and triggers keep them right in every write path (store, consolidation,
corrections, merges, re-extraction), inside the transaction that writes the events. An event counts while it is
live (not merged, not removed): once for its source actor, once per target, and once for its first day.
On PostgreSQL the counter updates take one transaction-level advisory lock first, so two writers bumping the
same busy actors in different orders queue instead of deadlocking.
`data_generation` is one row whose number grows with every change to events, their targets, quotes and actors
(merges and re-extraction's removals included), so cached aggregates know exactly when they are stale.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "merged_into_id IS NULL AND removed_at IS NULL"
LOCK = 727013  # pg_advisory_xact_lock key of the counter updates
FINE = "('day', 'week')"  # precisions the density strip draws (app.queries.common.FINE_PRECISIONS)
# (table, columns): the counts as a full recount gives them; app.queries.counters.RECOUNT_SQL is the same rule
RECOUNT = (
    "DELETE FROM actor_event_counts",
    "DELETE FROM event_day_counts",
    "INSERT INTO actor_event_counts (actor_id, events) SELECT a, count(*) FROM ("
    " SELECT source_actor_id AS a FROM events WHERE merged_into_id IS NULL AND removed_at IS NULL"
    " AND source_actor_id IS NOT NULL UNION ALL SELECT t.actor_id FROM event_targets t JOIN events e ON e.id = t.event_id"
    " WHERE e.merged_into_id IS NULL AND e.removed_at IS NULL) AS roles GROUP BY a",
    "INSERT INTO event_day_counts (day, fine, negated, events) SELECT first_day,"
    f" (precision IS NULL OR precision IN {FINE}), (coalesce(modality, '') = 'negated'), count(*) FROM events"
    " WHERE merged_into_id IS NULL AND removed_at IS NULL AND first_day IS NOT NULL"
    f" GROUP BY first_day, (precision IS NULL OR precision IN {FINE}), (coalesce(modality, '') = 'negated')",
)


def _live(row: str) -> str:
    return f"{row}.merged_into_id IS NULL AND {row}.removed_at IS NULL"


def _bump_actor(actor: str, delta: int) -> str:
    return (f"INSERT INTO actor_event_counts (actor_id, events) SELECT {actor}, {delta} WHERE {actor} IS NOT NULL "
            "ON CONFLICT (actor_id) DO UPDATE SET events = actor_event_counts.events + excluded.events;")


def _bump_targets(event: str, delta: int) -> str:
    return (f"INSERT INTO actor_event_counts (actor_id, events) SELECT actor_id, {delta} FROM event_targets "
            f"WHERE event_id = {event} "
            "ON CONFLICT (actor_id) DO UPDATE SET events = actor_event_counts.events + excluded.events;")


def _bump_day(row: str, delta: int) -> str:
    return ("INSERT INTO event_day_counts (day, fine, negated, events) SELECT "
            f"{row}.first_day, ({row}.precision IS NULL OR {row}.precision IN {FINE}), "
            f"(coalesce({row}.modality, '') = 'negated'), {delta} WHERE {row}.first_day IS NOT NULL "
            "ON CONFLICT (day, fine, negated) DO UPDATE SET events = event_day_counts.events + excluded.events;")


LIVE_OLD_SOURCE = f"(CASE WHEN {_live('old')} THEN old.source_actor_id END)"
WATCHED = "merged_into_id, removed_at, source_actor_id, first_day, precision, modality"
SQLITE_TRIGGERS = {
    "events_count_ai": f"AFTER INSERT ON events WHEN {_live('new')} BEGIN {_bump_actor('new.source_actor_id', 1)} "
                       f"{_bump_day('new', 1)} {_bump_targets('new.id', 1)} END",
    "events_count_au_old": f"AFTER UPDATE OF {WATCHED} ON events WHEN {_live('old')} BEGIN "
                           f"{_bump_actor('old.source_actor_id', -1)} {_bump_day('old', -1)} END",
    "events_count_au_new": f"AFTER UPDATE OF {WATCHED} ON events WHEN {_live('new')} BEGIN "
                           f"{_bump_actor('new.source_actor_id', 1)} {_bump_day('new', 1)} END",
    "events_count_au_off": f"AFTER UPDATE OF {WATCHED} ON events WHEN {_live('old')} AND NOT ({_live('new')}) BEGIN "
                           f"{_bump_targets('old.id', -1)} END",
    "events_count_au_on": f"AFTER UPDATE OF {WATCHED} ON events WHEN {_live('new')} AND NOT ({_live('old')}) BEGIN "
                          f"{_bump_targets('new.id', 1)} END",
    # targets first, through their own trigger, so a cascade finds none left to count twice or not at all
    "events_count_bd": "BEFORE DELETE ON events BEGIN DELETE FROM event_targets WHERE event_id = old.id; "
                       f"{_bump_actor(LIVE_OLD_SOURCE, -1)} "
                       f"INSERT INTO event_day_counts (day, fine, negated, events) SELECT old.first_day, "
                       f"(old.precision IS NULL OR old.precision IN {FINE}), (coalesce(old.modality, '') = 'negated'), "
                       f"-1 WHERE old.first_day IS NOT NULL AND {_live('old')} ON CONFLICT (day, fine, negated) "
                       "DO UPDATE SET events = event_day_counts.events + excluded.events; END",
    "event_targets_count_ai": "AFTER INSERT ON event_targets WHEN EXISTS (SELECT 1 FROM events e WHERE "
                              f"e.id = new.event_id AND {_live('e')}) BEGIN {_bump_actor('new.actor_id', 1)} END",
    "event_targets_count_ad": "AFTER DELETE ON event_targets WHEN EXISTS (SELECT 1 FROM events e WHERE "
                              f"e.id = old.event_id AND {_live('e')}) BEGIN {_bump_actor('old.actor_id', -1)} END",
    "event_targets_count_au_old": "AFTER UPDATE OF actor_id, event_id ON event_targets WHEN EXISTS (SELECT 1 FROM "
                                  f"events e WHERE e.id = old.event_id AND {_live('e')}) BEGIN "
                                  f"{_bump_actor('old.actor_id', -1)} END",
    "event_targets_count_au_new": "AFTER UPDATE OF actor_id, event_id ON event_targets WHEN EXISTS (SELECT 1 FROM "
                                  f"events e WHERE e.id = new.event_id AND {_live('e')}) BEGIN "
                                  f"{_bump_actor('new.actor_id', 1)} END",
}

GENERATION_TABLES = ("events", "event_targets", "quotes", "actors")
for _table in GENERATION_TABLES:
    for _op in ("INSERT", "UPDATE", "DELETE"):
        SQLITE_TRIGGERS[f"{_table}_generation_{_op.lower()}"] = (
            f"AFTER {_op} ON {_table} BEGIN UPDATE data_generation SET n = n + 1 WHERE id = 1; END")

PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION dateline_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({LOCK});  -- the same lock as the counters, taken first: no lock-order deadlock
  UPDATE data_generation SET n = n + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION dateline_bump_actor(actor integer, delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF actor IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock({LOCK});
    INSERT INTO actor_event_counts (actor_id, events) VALUES (actor, delta)
      ON CONFLICT (actor_id) DO UPDATE SET events = actor_event_counts.events + excluded.events;
  END IF;
END $$;
CREATE OR REPLACE FUNCTION dateline_bump_targets(event integer, delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({LOCK});
  INSERT INTO actor_event_counts (actor_id, events) SELECT actor_id, delta FROM event_targets WHERE event_id = event
    ON CONFLICT (actor_id) DO UPDATE SET events = actor_event_counts.events + excluded.events;
END $$;
CREATE OR REPLACE FUNCTION dateline_bump_day(d date, prec text, modality text, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF d IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock({LOCK});
    INSERT INTO event_day_counts (day, fine, negated, events)
      VALUES (d, prec IS NULL OR prec IN {FINE}, coalesce(modality, '') = 'negated', delta)
      ON CONFLICT (day, fine, negated) DO UPDATE SET events = event_day_counts.events + excluded.events;
  END IF;
END $$;
CREATE OR REPLACE FUNCTION dateline_count_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_live boolean := false;
  is_live boolean := false;
BEGIN
  IF TG_OP <> 'INSERT' THEN was_live := OLD.merged_into_id IS NULL AND OLD.removed_at IS NULL; END IF;
  IF TG_OP <> 'DELETE' THEN is_live := NEW.merged_into_id IS NULL AND NEW.removed_at IS NULL; END IF;
  IF TG_OP = 'DELETE' THEN
    DELETE FROM event_targets WHERE event_id = OLD.id;  -- counted down by their own trigger, before any cascade
  END IF;
  IF was_live THEN
    PERFORM dateline_bump_actor(OLD.source_actor_id, -1);
    PERFORM dateline_bump_day(OLD.first_day, OLD.precision, OLD.modality, -1);
    IF TG_OP = 'UPDATE' AND NOT is_live THEN PERFORM dateline_bump_targets(OLD.id, -1); END IF;
  END IF;
  IF is_live THEN
    PERFORM dateline_bump_actor(NEW.source_actor_id, 1);
    PERFORM dateline_bump_day(NEW.first_day, NEW.precision, NEW.modality, 1);
    IF TG_OP = 'UPDATE' AND NOT was_live THEN PERFORM dateline_bump_targets(NEW.id, 1); END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NULL;
END $$;
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
CREATE TRIGGER events_generation AFTER INSERT OR UPDATE OR DELETE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION dateline_bump_generation();
CREATE TRIGGER event_targets_generation AFTER INSERT OR UPDATE OR DELETE ON event_targets
  FOR EACH STATEMENT EXECUTE FUNCTION dateline_bump_generation();
CREATE TRIGGER quotes_generation AFTER INSERT OR UPDATE OR DELETE ON quotes
  FOR EACH STATEMENT EXECUTE FUNCTION dateline_bump_generation();
CREATE TRIGGER actors_generation AFTER INSERT OR UPDATE OR DELETE ON actors
  FOR EACH STATEMENT EXECUTE FUNCTION dateline_bump_generation();
CREATE TRIGGER events_count_aiu AFTER INSERT OR UPDATE OF {WATCHED} ON events
  FOR EACH ROW EXECUTE FUNCTION dateline_count_events();
CREATE TRIGGER events_count_bd BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION dateline_count_events();
CREATE TRIGGER event_targets_count AFTER INSERT OR DELETE OR UPDATE OF actor_id, event_id ON event_targets
  FOR EACH ROW EXECUTE FUNCTION dateline_count_targets();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS actors_generation ON actors;
DROP TRIGGER IF EXISTS quotes_generation ON quotes;
DROP TRIGGER IF EXISTS event_targets_generation ON event_targets;
DROP TRIGGER IF EXISTS events_generation ON events;
DROP FUNCTION IF EXISTS dateline_bump_generation();
DROP TRIGGER IF EXISTS event_targets_count ON event_targets;
DROP TRIGGER IF EXISTS events_count_bd ON events;
DROP TRIGGER IF EXISTS events_count_aiu ON events;
DROP FUNCTION IF EXISTS dateline_count_targets();
DROP FUNCTION IF EXISTS dateline_count_events();
DROP FUNCTION IF EXISTS dateline_bump_day(date, text, text, integer);
DROP FUNCTION IF EXISTS dateline_bump_targets(integer, integer);
DROP FUNCTION IF EXISTS dateline_bump_actor(integer, integer);
"""


def upgrade() -> None:
    op.create_table(
        'actor_event_counts',
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('actor_id', name=op.f('pk_actor_event_counts')),
    )
    op.create_table(
        'event_day_counts',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('fine', sa.Boolean(), nullable=False),
        sa.Column('negated', sa.Boolean(), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'fine', 'negated', name=op.f('pk_event_day_counts')),
    )
    # live quotes per speaker, covering (SQLite needs the WHERE's columns in a covering partial index): an actor's
    # quote count and newest quotes without reading the wide quote rows
    op.create_index('ix_quotes_live_speaker', 'quotes', ['speaker_actor_id', 'date', 'merged_into_id', 'removed_at'],
                    unique=False, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_table(
        'data_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation')),
    )
    op.execute("INSERT INTO data_generation (id, n) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTIONS)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    for statement in RECOUNT:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_DROP)
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('data_generation')
    op.drop_index('ix_quotes_live_speaker', table_name='quotes')
    op.drop_table('event_day_counts')
    op.drop_table('actor_event_counts')

"""PostgreSQL plans of the timeline at 100,000 events: EXPLAIN (ANALYZE, BUFFERS) shows index scans and no Seq Scan
on events, for the newest-first page and the busiest actor's page (runs in the PostgreSQL leg only)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.models import Event
from app.queries.common import EVENT_ROW_COLUMNS
from app.queries.counters import RECOUNT_SQL
from app.queries.timeline import TimelineFilters, filtered_events, resolve_actors

pytestmark = [pytest.mark.db, pytest.mark.timeout(300)]
EVENTS = 100_000
BASE = 5_000_000  # ids of the generated rows, clear of anything the suite stores


@pytest.fixture()
def big(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL plans: runs in the PostgreSQL leg (DATELINE_TEST_DATABASE_URL)")
    run = lambda sql: session.execute(text(sql))  # noqa: E731
    for table in ("events", "event_targets"):
        run(f"ALTER TABLE {table} DISABLE TRIGGER USER")  # counters are not what is measured; rolled back after
    run(f"INSERT INTO actors (id, slug, name, kind, titles, created_at) SELECT {BASE} + i, 'plan-actor-' || i, "
        f"'Plan Actor ' || i, 'country', '[]', now() FROM generate_series(1, 500) AS i")
    run(f"INSERT INTO articles (id, external_id, text, content_hash, pipeline_version, ingested_at, published, "
        f"published_inferred) "
        f"SELECT {BASE} + i, 'plan-' || i, 'Officials met.', md5('plan' || i), 'plan', now(), "
        f"date '2012-01-01' + i, false FROM generate_series(1, 5000) AS i")
    # actor 1 is the busy one (a source in one event of ten, a target in another); the rest share the tail
    run(f"INSERT INTO events (id, slug, article_id, first_day, last_day, precision, type, modality, source_actor_id, "
        f"summary, sentence, start, \"end\", source_count, merged_into_id) SELECT {BASE} + i, 'e' || i, "
        f"{BASE} + 1 + i % 5000, date '2012-01-01' + i % 5000, date '2012-01-01' + i % 5000, 'day', 'CONSULT', "
        f"CASE WHEN i % 20 = 0 THEN 'negated' ELSE 'asserted' END, "
        f"{BASE} + CASE WHEN i % 10 = 0 THEN 1 ELSE 2 + i % 499 END, 'Officials met', 'Officials met.', 0, 14, 1, "
        f"CASE WHEN i % 33 = 0 THEN {BASE} + i - 1 END FROM generate_series(1, {EVENTS}) AS i")
    run(f"INSERT INTO event_targets (event_id, actor_id) SELECT {BASE} + i, {BASE} + "
        f"CASE WHEN i % 10 = 5 THEN 1 ELSE 2 + (i * 7) % 499 END FROM generate_series(1, {EVENTS}) AS i")
    for statement in RECOUNT_SQL:  # the counters the triggers would have kept (they pick the busy actor's plan)
        run(statement)
    run("ANALYZE actors, articles, events, event_targets, actor_event_counts")
    return session


def plan(session, f: TimelineFilters) -> dict:
    actors = resolve_actors(session, f.actor) if f.actor else []
    stmt = (filtered_events(session, f, actors, page=30).with_only_columns(*EVENT_ROW_COLUMNS)
            .order_by(Event.first_day.desc(), Event.id.desc()).limit(31))
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    row = session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {compiled}")).scalar_one()
    return (row if isinstance(row, list) else json.loads(row))[0]["Plan"]


def nodes(node: dict) -> list[dict]:
    return [node, *(n for child in node.get("Plans", []) for n in nodes(child))]


def assert_indexed(p: dict) -> None:
    on_events = [n for n in nodes(p) if n.get("Relation Name") == "events"]
    assert on_events, "the plan reads events"
    assert not [n for n in on_events if n["Node Type"] == "Seq Scan"], [n["Node Type"] for n in on_events]
    assert all("Index" in n["Node Type"] for n in on_events), [n["Node Type"] for n in on_events]


def test_the_newest_first_page_walks_an_index(big):
    p = plan(big, TimelineFilters())
    assert_indexed(p)
    assert p["Actual Rows"] == 31


def test_the_busiest_actors_page_reads_indexes_only(big):
    p = plan(big, TimelineFilters(actor=["plan-actor-1"]))
    assert_indexed(p)
    assert p["Actual Rows"] == 31
    targets = [n["Node Type"] for n in nodes(p) if n.get("Relation Name") == "event_targets"]
    assert targets and "Seq Scan" not in targets  # the actor's targets come from their index, if read at all


def test_a_large_outlets_page_walks_the_date_index(big):
    """One article in three is the outlet's: its page walks the dates and probes each event's reports (by index)."""
    run = lambda sql: big.execute(text(sql))  # noqa: E731
    run("INSERT INTO sources (name, domain) VALUES ('Plan Wire', 'plan-wire.example')")
    run(f"UPDATE articles SET source_id = (SELECT id FROM sources WHERE name = 'Plan Wire') "
        f"WHERE id > {BASE} AND id % 3 = 0")
    run(f"INSERT INTO event_sources (event_id, article_id, key, sentence, start, \"end\") SELECT id, article_id, "
        f"'plan-' || id, 'Officials met.', 0, 14 FROM events WHERE id > {BASE}")
    run("ANALYZE sources, articles, event_sources")
    p = plan(big, TimelineFilters(source="Plan Wire"))
    assert_indexed(p)
    assert p["Actual Rows"] == 31
    reports = [n["Node Type"] for n in nodes(p) if n.get("Relation Name") == "event_sources"]
    assert reports and "Seq Scan" not in reports

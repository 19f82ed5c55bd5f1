"""PostgreSQL plans of the pages at 100,000 events: EXPLAIN (ANALYZE, BUFFERS) shows index scans and no Seq Scan
on events, for the newest-first page and the busiest actor's page, the quote list walks its date index, and a
busy actor's targets are probed per row (runs in the PostgreSQL leg only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

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
    # statistics first: on tables PostgreSQL knows nothing about, the recount's join of 100,000 targets to their
    # events was once planned as a loop over every event per target (a run hung for 12 minutes there)
    run("ANALYZE events, event_targets")
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


@contextmanager
def statements(session) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the block runs on the session's connection, with its parameters."""
    seen: list[tuple[str, Any]] = []
    conn = session.connection()

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(conn, "before_cursor_execute", record)


def explained(session, statement: str, parameters: Any) -> dict:
    row = session.connection().exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}",
                                               parameters).scalar_one()
    return (row if isinstance(row, list) else json.loads(row))[0]["Plan"]


def hashed(p: dict) -> list[str]:
    """Subplans PostgreSQL hashes (each reads its whole set before the first row): named so in a node's filter."""
    return [f for n in nodes(p) for f in [n.get("Filter", "")] if "hashed SubPlan" in f]


@pytest.fixture()
def quoted(big):
    """30,000 quotes of the generated articles, one in fifty undated, one in seven about sanctions."""
    big.execute(text("ALTER TABLE quotes DISABLE TRIGGER USER"))
    big.execute(text(
        f"INSERT INTO quotes (id, article_id, speaker_actor_id, speaker_text, text, kind, cue, start, \"end\", date, "
        f"key, source_count) SELECT {BASE} + i, {BASE} + 1 + i % 5000, {BASE} + 1 + i % 499, 'Plan Actor', "
        f"CASE WHEN i % 7 = 0 THEN 'Sanctions will follow' ELSE 'Talks went on' END, 'direct', 'said', 0, 10, "
        f"CASE WHEN i % 50 = 0 THEN NULL ELSE date '2012-01-01' + i % 5000 END, 'q' || i, 1 "
        f"FROM generate_series(1, 30000) AS i"))
    big.execute(text("ANALYZE quotes"))
    return big


def test_the_quote_list_walks_the_date_index_then_the_undated(quoted):
    """Newest first with the undated last, without sorting every live quote (what DESC NULLS LAST did)."""
    from app.queries.quotes import quote_list

    with statements(quoted) as seen:
        first = quote_list(quoted)
    pages = [(s, p) for s, p in seen if s.startswith("SELECT quotes.id") and "ORDER BY" in s]
    assert len(pages) == 1 and len(first["quotes"]) == 30  # a full page of dated quotes: no second query
    p = explained(quoted, *pages[0])
    on_quotes = [n for n in nodes(p) if n.get("Relation Name") == "quotes"]
    assert [n.get("Index Name") for n in on_quotes] == ["ix_quotes_date_id"], [n["Node Type"] for n in on_quotes]
    assert not [n for n in nodes(p) if n["Node Type"] in ("Sort", "Incremental Sort")]
    assert p["Actual Rows"] == 31

    with statements(quoted) as seen:  # past the oldest dated quote: the undated ones, newest id first
        tail = quote_list(quoted, cursor=f"2012-01-02.{BASE + 1}")
    ids = [q["id"] for q in tail["quotes"]]
    assert len(ids) == 30 and ids == sorted(ids, reverse=True) and all(q["date"] is None for q in tail["quotes"])
    assert tail["next_cursor"] == f"none.{ids[-1]}"
    undated = [(s, p) for s, p in seen if s.startswith("SELECT quotes.id") and "IS NULL ORDER BY" in s]
    assert undated
    p = explained(quoted, *undated[0])
    assert not [n for n in nodes(p) if n["Node Type"] in ("Sort", "Seq Scan")], [n["Node Type"] for n in nodes(p)]


def test_the_busiest_actors_targets_are_probed_per_row(big):
    """The busy actor's page walks the dates and looks up each event's targets by key: no hashed subplan reads all
    of them first (PostgreSQL hashes an EXISTS under an OR; a scalar subquery it cannot)."""
    p = plan(big, TimelineFilters(actor=["plan-actor-1"]))
    assert not hashed(p), hashed(p)
    probes = [n for n in nodes(p) if n.get("Relation Name") == "event_targets"]
    assert probes and all(n.get("Index Name") == "pk_event_targets" for n in probes), probes
    assert max(n["Actual Loops"] for n in probes) < 1_000  # one per event walked, not the actor's 10,000 targets


def test_the_event_pages_nearby_events_probe_their_targets(big):
    from app.queries.events import event_page

    event_id = BASE + 5  # plan-actor-1 is its target (i % 10 == 5)
    # and of half the others: the set a hashed subplan would read before the first row is 50,000 targets
    big.execute(text(f"INSERT INTO event_targets (event_id, actor_id) SELECT {BASE} + i, {BASE} + 1 "
                     f"FROM generate_series(1, {EVENTS}) AS i WHERE i % 10 IN (1, 2, 3, 4) ON CONFLICT DO NOTHING"))
    big.execute(text("ANALYZE event_targets"))
    with statements(big) as seen:
        page = event_page(big, event_id)
    assert page["nearby"]
    nearby = [(s, p) for s, p in seen if "FROM events" in s and "event_targets.event_id = events.id" in s]
    assert len(nearby) == 1
    p = explained(big, *nearby[0])
    assert not hashed(p), hashed(p)
    assert not [n for n in nodes(p) if n["Node Type"] == "Seq Scan"]


def test_a_pages_batches_bind_one_array_each(big):
    """event_rows reads a page's targets, actors and articles with one array parameter each (= ANY), not a
    parameter per id."""
    from app.queries.common import event_rows

    events = list(big.execute(filtered_events(big, TimelineFilters(), [], page=500).with_only_columns(
        *EVENT_ROW_COLUMNS).order_by(Event.first_day.desc(), Event.id.desc()).limit(500)))
    with statements(big) as seen:
        rows = event_rows(big, events)
    assert len(rows) == 500 and any(r["targets"] for r in rows) and all(r["article"]["published"] for r in rows)
    assert len(seen) == 3 and all("= ANY (" in s and len(p) == 1 for s, p in seen), seen


def test_the_newest_full_text_matches_are_gathered_in_windows_with_the_gin_index(big, monkeypatch):
    """The density strip's and the facets' sample of a common word: the same ids as the walk down the dates, found
    by windows of days that read the GIN index (ANDed with the first-day index), not by a tsvector per row."""
    from app.queries import timeline

    big.execute(text(f"UPDATE events SET summary = 'Troops moved' WHERE id > {BASE} AND (id - {BASE}) % 7 = 0"))
    big.execute(text("ANALYZE events"))
    f = TimelineFilters(q="troops")
    walked = list(big.scalars(filtered_events(big, f, [], page=2000).with_only_columns(Event.id)
                              .order_by(Event.first_day.desc(), Event.id.desc()).limit(2000)))
    with statements(big) as seen:
        gathered = timeline.newest_ids(big, f, [], 2000)
    assert gathered == walked and len(gathered) == 2000
    windows = [(s, p) for s, p in seen if s.startswith("SELECT events.id, events.first_day")]
    assert 1 < len(windows) < 6  # widened fourfold from the newest 8,000 events until 2,000 matched
    for window in windows:
        p = explained(big, *window)
        assert "fts_events" in [n.get("Index Name") for n in nodes(p)], [n["Node Type"] for n in nodes(p)]
        assert not [n for n in nodes(p) if n["Node Type"] == "Seq Scan"]


def test_a_capped_full_text_count_reads_the_gin_index_as_a_bitmap(big):
    """The timeline's count of a common word (capped at COUNT_CAP + 1) tests each row with the GIN index's own
    expression: with ``id IN (matches)`` the planner merge-joined two walks of the primary key and computed a
    tsvector per row (730 ms cold at a million events, 35 ms this way)."""
    from sqlalchemy import func, select

    from app.queries.timeline import COUNT_CAP, timeline_count

    big.execute(text(f"UPDATE events SET summary = 'Troops moved' WHERE id > {BASE} AND (id - {BASE}) % 7 = 0"))
    big.execute(text("ANALYZE events"))
    f = TimelineFilters(q="troops")
    with statements(big) as seen:
        n, exact = timeline_count(big, f, [])
    assert (n, exact) == (COUNT_CAP, False)  # past the cap: 'about'
    counts = [(s, p) for s, p in seen if s.startswith("SELECT count(*)")]
    assert len(counts) == 1
    p = explained(big, *counts[0])
    scans = [n for n in nodes(p) if n["Node Type"] in ("Index Scan", "Index Only Scan", "Seq Scan")]
    assert "fts_events" in [n.get("Index Name") for n in nodes(p)] and not scans, [n["Node Type"] for n in nodes(p)]
    rare = TimelineFilters(q="troops", type="CONSULT", since=None, until=None)
    exact_n = big.scalar(select(func.count()).select_from(
        filtered_events(big, rare, []).with_only_columns(Event.id).subquery()))
    assert exact_n == big.scalar(text(
        f"SELECT count(*) FROM events WHERE id > {BASE} AND (id - {BASE}) % 7 = 0 AND merged_into_id IS NULL "
        "AND modality <> 'negated'"))

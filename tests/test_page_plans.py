"""Plans of the pages at a million events (issue 11): the outlet filter's two plans, FTS5's exact spellings of a
prefix, and the busiest actors read down the counters' index (migration 0015)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, tuple_, update

from app.fts import fts_ids
from app.models import ActorEventCount, Article, Event, Source
from app.queries import cache, events, outlets, textsearch
from app.queries.actors import actor_suggestions
from app.queries.common import EVENT_ROW_COLUMNS
from app.queries.timeline import TimelineFilters, filtered_events, timeline_page

pytestmark = pytest.mark.db


def _sqlite(session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN and FTS5; PostgreSQL plans are checked in test_pg_plans")


def _plan(session, stmt) -> str:
    sql = str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    return " | ".join(str(r[-1]) for r in session.execute(text("EXPLAIN QUERY PLAN " + sql)))


@pytest.fixture()
def wire(session, ids):
    """The page corpus's article published by an outlet called 'Test Wire'."""
    source = Source(name="Test Wire", domain="wire.example")
    session.add(source)
    session.flush()
    session.execute(update(Article).where(Article.id == ids["article"]).values(source_id=source.id))
    session.commit()
    cache.clear()
    return source


def _page_ids(session, f: TimelineFilters) -> list[int]:
    return [e["id"] for g in timeline_page(session, f, with_density=False)["days"] for e in g["events"]]


def test_both_outlet_plans_find_the_same_page(session, wire, monkeypatch):
    f = TimelineFilters(source="Test Wire")
    monkeypatch.setattr(outlets, "walks_by_date", lambda *a: False)
    gathered = _page_ids(session, f)
    monkeypatch.setattr(outlets, "walks_by_date", lambda *a: True)
    walked = _page_ids(session, f)
    assert gathered == walked and len(walked) >= 3
    assert _page_ids(session, TimelineFilters(source="No Such Wire")) == []


def test_a_large_outlet_walks_the_dates_and_probes_the_covering_index(session, wire, monkeypatch):
    """The walk reads no article row (their text comes first) and sorts nothing."""
    _sqlite(session)
    monkeypatch.setattr(outlets, "walks_by_date", lambda *a: True)
    stmt = (filtered_events(session, TimelineFilters(source="Test Wire"), [], page=30)
            .with_only_columns(*EVENT_ROW_COLUMNS).order_by(Event.first_day.desc(), Event.id.desc()).limit(31))
    plan = _plan(session, stmt)
    assert "COVERING INDEX ix_articles_source_id" in plan and "TEMP B-TREE" not in plan, plan
    assert plan.index("CORRELATED") < plan.index("LIST SUBQUERY"), plan  # the outlet's articles listed once


def test_an_outlet_is_large_by_its_share_of_the_articles(session, wire):
    assert outlets.outlet_share(session, [wire.id]) == pytest.approx(
        1 / (session.scalar(select(Article.id).order_by(Article.id.desc()).limit(1)) or 1))
    assert outlets.walks_by_date(session, [wire.id], 30) is False  # one article of a handful of events


def test_the_tokenizer_is_the_tables_own():
    assert textsearch.stems("troops") == ("troop",)
    assert textsearch.stems("Zürich") == ("zurich",)
    assert textsearch.stems("agreed") == ("agre",) and textsearch.stems("agre") == ("agr",)  # stems stem again
    assert len(textsearch.stems("don_t")) == 2


@pytest.mark.parametrize("query", ["russ", "russia us", "negotiat", "putin", "trea"])
def test_exact_spellings_match_the_rows_of_the_prefix(session, ids, query):
    _sqlite(session)
    exact = textsearch.exact_match(session, "events", query)
    assert exact is not None and "*" not in exact
    prefixed = set(session.scalars(fts_ids(session, "events", query)))
    assert set(session.scalars(textsearch.matching_ids("events", exact))) == prefixed


def test_a_prefix_of_many_terms_keeps_the_prefix(session, ids, monkeypatch):
    _sqlite(session)
    assert textsearch.spellings(session, "events", "russ") == ["russ", "russia"]
    monkeypatch.setattr(textsearch, "MAX_SPELLINGS", 0)
    assert textsearch.spellings(session, "events", "russ") is None


def test_a_probe_walks_the_date_index_without_materialising_the_matches(session, ids, monkeypatch):
    _sqlite(session)
    monkeypatch.setattr(textsearch, "thresholds", lambda *a: (1, 1))
    cache.clear()
    stmt = (filtered_events(session, TimelineFilters(q="russia"), [], page=30).with_only_columns(Event.id)
            .where(tuple_(Event.first_day, Event.id) < tuple_("2022-01-01", 10**6))
            .order_by(Event.first_day.desc(), Event.id.desc()).limit(31))
    plan = _plan(session, stmt)
    assert "CORRELATED SCALAR SUBQUERY" in plan and "LIST SUBQUERY" not in plan and "TEMP B-TREE" not in plan, plan


def test_the_busiest_actors_are_read_down_the_counters_index(session, ids):
    _sqlite(session)
    busiest = actor_suggestions(session, limit=3)
    assert busiest[0]["slug"] == "russia" and len(busiest) == 3
    assert [a["events"] for a in busiest] == sorted((a["events"] for a in busiest), reverse=True)
    stmt = (select(ActorEventCount.actor_id).where(ActorEventCount.events > 0)
            .order_by(ActorEventCount.events.desc(), ActorEventCount.actor_id).limit(15))
    plan = _plan(session, stmt)
    assert "INDEX ix_actor_event_counts_events" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_an_events_quotes_are_read_through_event_id_when_statistics_call_it_unselective(session, ids):
    """Before consolidation links quotes to events every quote's event_id is NULL, and ANALYZE says so; the event
    page still finds its quotes through the event_id index (with the live filter beside it SQLite scanned them)."""
    _sqlite(session)
    session.execute(text("ANALYZE"))
    session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'quotes'"))
    session.execute(text("INSERT INTO sqlite_stat1 VALUES ('quotes', 'ix_quotes_event_id', '300000 300000'), "
                         "('quotes', 'ix_quotes_article_id', '300000 3'), ('quotes', NULL, '300000')"))
    session.execute(text("ANALYZE sqlite_schema"))  # SQLite reads the statistics again
    plan = _plan(session, events.LINKED_QUOTES.statement(session).params(event=ids["survivor"]))
    assert "USING COVERING INDEX ix_quotes_event_id" in plan and "SCAN quotes" not in plan, plan

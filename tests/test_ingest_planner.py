"""PostgreSQL's planner statistics kept up with a bulk ingest: the written tables analyzed as they outgrow them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from app.ingest.planner import PlannerStats, analyze_statement, planned_columns
from app.ingest.runner import STORED, IngestRunner
from app.ingest.sources import jsonl_candidates
from app.models import Event, Quote

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_only_the_columns_indexes_and_keys_hold_are_analyzed():
    events = planned_columns(Event.__table__)
    # keys, foreign keys and the columns of the page and consolidation indexes
    for name in ("id", "article_id", "merged_into_id", "removed_at", "first_day", "sense", "source_actor_id"):
        assert name in events
    # the long texts (whose statistics no plan uses, and the full-text indexes' to_tsvector) are left out
    assert not {"summary", "sentence", "date_text"} & set(events)
    assert "text" not in planned_columns(Quote.__table__)
    statement = analyze_statement((Event.__table__, Quote.__table__))
    assert statement.startswith('ANALYZE "events" ("id", ') and '"quotes" (' in statement
    assert "to_tsvector" not in statement


@pytest.mark.db
@pytest.mark.slow
def test_a_run_that_fills_the_tables_analyzes_them_on_postgresql_only(session_factory, extractor):
    lines = (SAMPLES / "wikinews-airlines.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    candidates = list(jsonl_candidates(lines, "wikinews-airlines.jsonl"))
    runner = IngestRunner(session_factory, extractor=extractor)
    runner.planner.first = 2  # the statistics go stale after two articles instead of 32
    summary = runner.run(candidates)
    assert summary.counts[STORED] == 4
    with session_factory() as s:
        dialect = s.get_bind().dialect.name
        if dialect != "postgresql":
            assert runner.planner.enabled is False and runner.planner.analyzed == 0
            return
        # after 2 articles, then once the 2 the statistics know of have doubled (4)
        assert runner.planner.enabled is True and runner.planner.analyzed == 2
        for table in ("articles", "events", "mentions"):
            tuples = s.scalar(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table})
            assert tuples > 0, table
        # the statistics the planner chooses indexes by now exist; those of the article text do not
        analyzed = set(s.scalars(text("SELECT attname FROM pg_stats WHERE tablename = 'events'")))
        assert {"article_id", "first_day"} <= analyzed and "sentence" not in analyzed


def test_a_failing_analyze_is_logged_once_and_not_tried_again(caplog):
    # SQLite rejects PostgreSQL's column-list ANALYZE: the same path as a role that may not analyze the tables
    engine = create_engine("sqlite://")
    stats = PlannerStats(sessionmaker(bind=engine), first=1)
    stats.enabled = True  # as if the first article had found PostgreSQL
    with caplog.at_level(logging.WARNING, logger="app.ingest.planner"):
        stats.stored()
        stats.stored()
    failures = [r for r in caplog.records if "ANALYZE after 1 articles failed" in r.getMessage()]
    assert len(failures) == 1 and stats.enabled is False and stats.analyzed == 0
    engine.dispose()


def test_sqlite_keeps_no_statistics_to_refresh():
    engine = create_engine("sqlite://")
    stats = PlannerStats(sessionmaker(bind=engine), first=1)
    for _ in range(3):
        stats.stored()
    assert stats.enabled is False and stats.analyzed == 0 and stats.since == 0
    engine.dispose()

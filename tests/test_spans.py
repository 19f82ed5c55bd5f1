"""A date window reads one range of the first-day index, bounded by the longest live spans (app.queries.spans)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from app.models import Event
from app.queries.spans import longest_spans, span_days
from app.queries.timeline import TimelineFilters, filtered_events

pytestmark = pytest.mark.db


@pytest.fixture()
def decade(ids, session):
    """A live event that lasts ten years (the seed article's sentence, dated 'the 2020s')."""
    row = session.get(Event, ids["survivor"])
    long = Event(article_id=row.article_id, slug="the-2020s", summary="United States may negotiate in the 2020s",
                 sentence=row.sentence, start=row.start, end=row.end, first_day=dt.date(2020, 1, 1),
                 last_day=dt.date(2029, 12, 31), precision="decade", modality="asserted")
    session.add(long)
    session.commit()
    return long.id


def window_ids(session, since: dt.date | None, until: dt.date | None) -> set[int]:
    f = TimelineFilters(since=since, until=until)
    return set(session.scalars(filtered_events(session, f).with_only_columns(Event.id)))


def naive_ids(session, since: dt.date | None, until: dt.date | None) -> set[int]:
    f = TimelineFilters(until=until)  # no 'since': its overlap tested row by row
    stmt = filtered_events(session, f).with_only_columns(Event.id)
    return set(session.scalars(stmt.where(Event.last_day >= since) if since else stmt))


def test_longest_spans_per_precision(decade, session):
    spans = longest_spans(session)
    assert spans is not None
    assert spans["decade"] == 3652 and spans["week"] == 6 and spans["day"] == 0


@pytest.mark.parametrize("since, until", [
    ("2021-12-17", "2021-12-17"), ("2021-12-20", None), ("2025-06-01", "2025-06-30"), ("2030-01-01", None),
    ("2021-12-01", "2021-12-31"),
])
def test_a_window_finds_what_overlaps_it_even_an_event_that_began_years_before(decade, session, since, until):
    first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until) if until else None
    found = window_ids(session, first, last)
    assert found == naive_ids(session, first, last)
    assert (decade in found) == (first <= dt.date(2029, 12, 31))  # 2025 is inside the decade begun in 2020


def test_the_spans_and_the_window_are_read_through_indexes(decade, session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN; PostgreSQL plans are checked at 100k rows in test_pg_plans")
    span = span_days("sqlite")
    assert span is not None
    lookup = select(func.max(span)).where(Event.merged_into_id.is_(None), Event.removed_at.is_(None),
                                          Event.precision == "decade")
    plan = " ".join(str(r[-1]) for r in session.execute(text("EXPLAIN QUERY PLAN " + str(
        lookup.compile(session.get_bind(), compile_kwargs={"literal_binds": True})))))
    assert "ix_events_live_span" in plan
    f = TimelineFilters(since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 31))
    sql = str(filtered_events(session, f).with_only_columns(Event.id)
              .compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    earliest = dt.date(2024, 3, 1) - dt.timedelta(days=3652)  # nothing live began longer before it and lasts
    assert f"events.first_day >= '{earliest.isoformat()}'" in sql
    plan = " ".join(str(r[-1]) for r in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_events_live_first_day (first_day>? AND first_day<?)" in plan

"""The counter tables of migration 0013 read as page figures: events per actor, per day, and in all.

Triggers keep them right inside every writing transaction, so a page reads a few hundred rows at most
instead of counting a million events. ``RECOUNT_SQL`` is the full recount by the same rule (the bulk
loader of the benchmark and the tests that hold the triggers to it use it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ActorEventCount, EventDayCount
from app.queries.cache import cached

FINE = "('day', 'week')"
RECOUNT_SQL = (
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


def actor_events(session: Session, actor_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Live events per actor as source plus as target; every actor with any when ``actor_ids`` is None."""
    stmt = select(ActorEventCount.actor_id, ActorEventCount.events).where(ActorEventCount.events > 0)
    if actor_ids is not None:
        ids = list(actor_ids)
        if not ids:
            return {}
        stmt = stmt.where(ActorEventCount.actor_id.in_(ids))
    return {int(row[0]): int(row[1]) for row in session.execute(stmt)}


def busiest_actors(session: Session, limit: int) -> list[tuple[int, int]]:
    """(actor id, events) of the actors in most live events, most first (merged actors included)."""
    return [(a, n) for a, n in session.execute(
        select(ActorEventCount.actor_id, ActorEventCount.events).where(ActorEventCount.events > 0)
        .order_by(ActorEventCount.events.desc(), ActorEventCount.actor_id).limit(limit))]


def day_counts(session: Session, negated: bool | None = False, fine: bool | None = None) -> dict[dt.date, int]:
    """Live dated events per first day; ``negated``/``fine`` None means either."""
    stmt = select(EventDayCount.day, func.sum(EventDayCount.events)).where(EventDayCount.events > 0)
    if negated is not None:
        stmt = stmt.where(EventDayCount.negated.is_(negated))
    if fine is not None:
        stmt = stmt.where(EventDayCount.fine.is_(fine))
    out: dict[dt.date, int] = {}
    for d, n in session.execute(stmt.group_by(EventDayCount.day)):
        out[d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])] = int(n)
    return out


def dated_events(session: Session, negated: bool | None = False) -> int:
    """How many live dated events there are (denied ones only, none, or either): a sum over the day counters
    (one row per day, thousands), cached by data version — every unfiltered page and export asks it twice."""
    stmt = select(func.coalesce(func.sum(EventDayCount.events), 0))
    if negated is not None:
        stmt = stmt.where(EventDayCount.negated.is_(negated))
    return cached(session, ("dated-events", negated), lambda: int(session.scalar(stmt) or 0))


def latest_day(session: Session) -> dt.date | None:
    """The newest first day of a live event (one index step from the end of the day counters)."""
    d = session.scalar(select(EventDayCount.day).where(EventDayCount.events > 0)
                       .order_by(EventDayCount.day.desc()).limit(1))
    return d if d is None or isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])

"""How long live events last, per precision: the bound that lets a date window read only events that can overlap it.

An event overlaps since..until when ``first_day <= until`` and ``last_day >= since``. The first-day index answers
the first half; without a lower bound it reads every older event to test the second. An event of precision p
lasts at most ``longest[p]`` days, so it can only overlap when ``first_day >= since - longest[p]``: one range on
the first-day index (from ``since`` minus the longest span of all), and per row a test on columns that index
holds (first day, precision) before the row itself is read. The spans are read from migration 0014's index on
(precision, span), one step per precision, and cached by data version, so they are never out of date.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import ColumnElement, Integer, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from app.models import Event, live
from app.queries.cache import cached


def span_days(dialect: str) -> ColumnElement[float] | None:
    """The day difference exactly as migration 0014 indexes it on ``dialect``; None on other engines."""
    if dialect == "sqlite":
        return func.julianday(Event.last_day) - func.julianday(Event.first_day)
    if dialect == "postgresql":
        return type_coerce(Event.last_day - Event.first_day, Integer)
    return None


def _longest(session: Session) -> dict[str | None, int] | None:
    span = span_days(session.get_bind().dialect.name)
    if span is None:
        return None
    out: dict[str | None, int] = {}
    precision: str | None = None
    while True:  # each distinct precision by one seek past the previous one, then its longest span by another
        precision = session.scalar(select(func.min(Event.precision)).where(
            live(Event), *([Event.precision > precision] if precision is not None else [])))
        if precision is None:
            break
        out[precision] = _max(session, span, Event.precision == precision)
    out[None] = _max(session, span, Event.precision.is_(None))
    return out


def _max(session: Session, span: ColumnElement[float], which: ColumnElement[bool]) -> int:
    value = session.scalar(select(func.max(span)).where(live(Event), which))
    return max(0, math.ceil(value)) if value is not None else 0


def longest_spans(session: Session) -> dict[str | None, int] | None:
    """Days from first to last day of the longest live event of each precision (None: no precision given);
    None on an engine without migration 0014's index."""
    return cached(session, "longest-spans", lambda: _longest(session))


def overlaps_since(session: Session, since: dt.date) -> ColumnElement[bool]:
    """Events that end on or after ``since``, with the first-day bounds that keep it to one index range."""
    ends = Event.last_day >= since
    longest = longest_spans(session)
    if longest is None:
        return ends
    widest = max(longest.values(), default=0)
    earliest = since - dt.timedelta(days=widest)
    shorter = [(Event.precision == p, since - dt.timedelta(days=n)) for p, n in longest.items()
               if p is not None and n < widest]
    if not shorter:
        return and_(Event.first_day >= earliest, ends)
    return and_(Event.first_day >= earliest, Event.first_day >= case(*shorter, else_=earliest), ends)

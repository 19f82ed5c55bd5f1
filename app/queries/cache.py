"""A short-lived in-process cache for the expensive aggregates (density strips, activity counts, rankings).

Aggregates over 100k events cost more than a page may; they change only when articles are stored or
merged, so each entry is keyed by a cheap data version (newest ids, merge count) and lives ``TTL`` seconds.
Lists of rows are never cached: they are cheap through their indexes and must be exact.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Article, Event, Quote

T = TypeVar("T")
TTL = 30.0
MAX_ENTRIES = 512
_entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
_lock = threading.Lock()


def data_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever articles, events or quotes are added or events merged (index-only lookups)."""
    return tuple(session.execute(select(
        select(func.max(Article.id)).scalar_subquery(),
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(Quote.id)).scalar_subquery(),
        select(func.count()).select_from(Event).where(Event.merged_into_id.is_not(None)).scalar_subquery(),
    )).one())


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its result from the last ``TTL`` seconds for the same database and data version."""
    full_key = (str(session.get_bind().engine.url), data_version(session), key)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(full_key)
        if hit and now - hit[0] < TTL:
            _entries.move_to_end(full_key)
            return hit[1]
    value = compute()
    with _lock:
        _entries[full_key] = (now, value)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()

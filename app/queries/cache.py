"""A short-lived in-process cache for the expensive aggregates (density strips, activity counts, rankings).

Aggregates over 100k events cost more than a page may; they change only when articles are stored or
merged, so each entry is keyed by a cheap data version (newest ids, the trigger-kept data generation of
migration 0013, the newest correction) and lives ``TTL`` seconds.
Lists of rows are never cached: they are cheap through their indexes and must be exact.

Recomputation is single-flight: when an entry is stale, one request recomputes it while concurrent requests
for the same key serve the previous value (or, with none yet, wait for the one computation) — 50 clients
must not all rerun the same aggregate the moment it expires or an ingested article changes the version.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Article, Correction, DataGeneration, Event, Quote

T = TypeVar("T")
TTL = 300.0  # the version sees every change to events, quotes and actors; this only bounds what it cannot
MAX_ENTRIES = 512
_entries: OrderedDict[Hashable, tuple[float, tuple[Any, ...], Any]] = OrderedDict()
_flights: dict[Hashable, threading.Lock] = {}  # one lock per slot: held by the request recomputing it
_lock = threading.Lock()


def data_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever articles, events or quotes are added, any event, target, quote or actor row changes
    (merges, removals: the data generation) or a correction is made (index-only look-ups and one row)."""
    return tuple(session.execute(select(
        select(func.max(Article.id)).scalar_subquery(),
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(Quote.id)).scalar_subquery(),
        select(DataGeneration.n).where(DataGeneration.id == 1).scalar_subquery(),
        select(func.max(Correction.id)).scalar_subquery(),  # every correction and undo is a new row
    )).one())


READ_ONLY = "dateline-read-only"  # session.info flag of a GET's session (app.web.deps): it writes nothing
_VERSION = "dateline-data-version"


def request_version(session: Session) -> tuple[Any, ...]:
    """``data_version``, read once per read-only request session: a page asks for several aggregates, and on
    PostgreSQL each reading was a round trip of about a millisecond (six of them on the timeline). A session
    that may write reads it every time."""
    if not session.info.get(READ_ONLY):
        return data_version(session)
    version = session.info.get(_VERSION)
    if version is None:
        version = session.info[_VERSION] = data_version(session)
    return version


def adopt_version(session: Session, version: tuple[Any, ...] | None) -> None:
    """Mark a GET's session read-only, with the data version its request was tagged by (app.web.conditional
    reads it before the route runs; None when it did not), so the session does not read it again.

    That version was read before the session's first statement, so what the session reads is at least as new
    as the version its cached aggregates are filed under: an entry can be fresher than its key, never staler.
    """
    session.info[READ_ONLY] = True
    if version is not None:
        session.info[_VERSION] = version


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its result from the last ``TTL`` seconds for the same database and data version."""
    slot = (str(session.get_bind().engine.url), key)
    version = request_version(session)
    hit = _fresh_or_stale(slot, version)
    if hit is not None and hit[0]:
        return hit[1]
    with _lock:
        flight = _flights.setdefault(slot, threading.Lock())
    if hit is not None and not flight.acquire(blocking=False):
        return hit[1]  # someone is recomputing it: the previous value meanwhile
    if hit is None:
        flight.acquire()  # nothing to serve yet: wait for the computation already running, if any
    try:
        again = _fresh_or_stale(slot, version)
        if again is not None and again[0]:
            return again[1]  # computed while this request waited
        value = compute()
        with _lock:
            _entries[slot] = (time.monotonic(), version, value)
            _entries.move_to_end(slot)
            while len(_entries) > MAX_ENTRIES:
                evicted, _ = _entries.popitem(last=False)
                _flights.pop(evicted, None)  # a request holding it still releases its own reference
        return value
    finally:
        flight.release()


def _fresh_or_stale(slot: Hashable, version: tuple[Any, ...]) -> tuple[bool, Any] | None:
    """(whether the entry is current, its value), or None when the slot was never computed."""
    with _lock:
        entry = _entries.get(slot)
        if entry is None:
            return None
        computed_at, entry_version, value = entry
        _entries.move_to_end(slot)
        return entry_version == version and time.monotonic() - computed_at < TTL, value


class KnownActors:
    """Actor refs of the current data version of each database, shared by a web process's request threads.
    Callers copy a ref before changing it (``event_rows`` does), so one request never sees another's edits."""

    MAX = 100_000  # about 35 MB at most (a ref and its strings: ~350 bytes); a process that reads more starts over

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, tuple[tuple[Any, ...], dict[int, dict[str, Any]]]] = {}

    def refs_for(self, session: Session) -> dict[int, dict[str, Any]]:
        db, version = str(session.get_bind().engine.url), request_version(session)
        with self._lock:
            slot = self._slots.get(db)
            if slot is None or slot[0] != version:
                slot = self._slots[db] = (version, {})
            return slot[1]

    def remember(self, memo: dict[int, dict[str, Any]], found: dict[int, dict[str, Any]]) -> None:
        with self._lock:
            if len(memo) + len(found) > self.MAX:
                memo.clear()
            memo.update(found)

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()


known_actors = KnownActors()


def clear() -> None:
    with _lock:
        _entries.clear()
        _flights.clear()
    known_actors.clear()

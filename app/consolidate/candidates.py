"""Candidate look-ups of consolidation: for each event of an article, the root events of other articles dated
near it that share one of its actors or its action, through indexes that hold every column read, never the
whole history of a busy actor or a common action (see ``find_candidates``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.consolidate.event_match import PRODUCT_DAYS, WINDOW_DAYS, EventView, may_match, product_only
from app.consolidate.senses import is_light
from app.consolidate.text import shift
from app.db import one_of, read_rows
from app.models import Event, EventTarget

LOOKBACK_DAYS = 400  # bounds the indexed scan for long intervals (a year-precision event)
# per event: the nearest in date of one actor's reports of a compatible action (30), and of other actors'
# reports of the same action (20). Candidates are root events, a happening's reports already folded into one,
# so a real match is among the nearest few. On the 1M bench corpus these caps (with 40 rows a look-up) merged
# 27 of the 28 events that 100 and 20 (120 rows) merged, 26 into the same root, and kept every merge at
# 10k and every score on the dev sets; a busy actor's crowded weeks then cost an article about what a quiet
# corpus does (1.36x -> 1.25x from 10k to 1M events)
MAX_CANDIDATES = 30
MAX_SENSE_CANDIDATES = 20  # reports of the same action by other actors: the nearest in date are the likely ones
MAX_ROWS = 40  # rows one candidate look-up returns at most: the nearest in date (see _nearest)
FINE_SPAN_DAYS = 31  # the longest interval of a day, week or month date
COARSE = ("quarter", "half", "season", "year", "decade", "century")
FINE = ("day", "week", "month")


@dataclass(slots=True)
class _Window:
    view: EventView
    members: set[int]
    lo: dt.date
    hi: dt.date
    near: dt.date


def _window(v: EventView, family: dict[int, int]) -> _Window | None:
    if v.first is None or v.last is None:
        return None
    members = set(v.arguments) | {a for a, root in family.items() if root in v.arguments}
    return _Window(v, members, shift(v.first, -LOOKBACK_DAYS), shift(v.last, WINDOW_DAYS),
                   shift(v.first, -WINDOW_DAYS))


_CANDIDATE_COLUMNS = (Event.id, Event.first_day, Event.last_day, Event.source_actor_id, Event.sense, Event.type,
                      Event.merged_into_id, Event.removed_at, Event.precision)


def _found(session: Session, group: list[_Window]) -> list[Any]:
    """Root-event candidates of one cluster of windows: by source actor, and by sense (same action)."""
    members = set().union(*(w.members for w in group))
    lo, hi, near = min(w.lo for w in group), max(w.hi for w in group), min(w.near for w in group)
    fine_from = shift(near, -FINE_SPAN_DAYS)
    # merged and removed rows are dropped in Python, not in SQL: "merged_into_id IS NULL" would lure SQLite
    # (no statistics) onto the merged_into_id index, which holds nearly every row under NULL
    found: list[Any] = []
    # day to month precision: their first day lies at most a month before a window's own weeks. A group
    # chains windows by their long look-back (coarse dates), so an article telling of 2005 and of 2008 makes
    # one group; its fine look-ups are made per run of windows whose weeks meet, never over the years between
    for run in _fine_runs(group):
        run_members = set().union(*(w.members for w in run))
        run_from, run_near, run_hi = _fine_range(run)
        if run_members:
            # (source, precision, first day) holds every column the look-up reads (migration 0016): a busy
            # actor's crowded weeks are filtered in the index, without reading a row of the table for each
            found += read_rows(session, _nearest(session, run, one_of(session, Event.source_actor_id, run_members),
                                                 Event.precision.in_(FINE), Event.first_day >= run_from,
                                                 Event.first_day <= run_hi, Event.last_day >= run_near,
                                                 *_could_match(session, run)))
    # same action by other actors (index on sense, precision, first day, holding the columns read too), for
    # the day-to-month windows only: a year's report meets other actors' reports of its action only at a
    # coarse precision (find_candidates), so its whole year of a common action's days is never read
    for run in _fine_runs([w for w in group if w.view.precision not in COARSE]):
        run_senses = _senses(run)
        if run_senses:
            run_from, run_near, run_hi = _fine_range(run)
            found += read_rows(session, _nearest(session, run, one_of(session, Event.sense, run_senses),
                                                 Event.precision.in_(FINE), Event.first_day >= run_from,
                                                 Event.first_day <= run_hi, Event.last_day >= run_near))
    # quarters, years, decades may start long before (few rows), by actor over the whole group's range;
    # by action, those that start before the fine weeks (plans reported long before are reached through
    # their actors)
    if members:
        found += read_rows(session, _latest(one_of(session, Event.source_actor_id, members), Event.precision.in_(COARSE),
                                         Event.first_day >= lo, Event.first_day <= hi, Event.last_day >= near,
                                         *_could_match(session, group)))
    senses = _senses(group)
    if senses:
        found += read_rows(session, _latest(one_of(session, Event.sense, senses), Event.precision.in_(COARSE), Event.first_day >= lo,
                                         Event.first_day < fine_from, Event.last_day >= near))
    return found


def _fine_range(run: list[_Window]) -> tuple[dt.date, dt.date, dt.date]:
    """(earliest first day, earliest last day, latest first day) a run's day-to-month rows may have."""
    near = min(w.near for w in run)
    return shift(near, -FINE_SPAN_DAYS), near, max(w.hi for w in run)


def _senses(windows: list[_Window]) -> list[str]:
    return sorted({s for w in windows if not is_light(s := w.view.sense) and s})


def _fine_runs(group: list[_Window]) -> list[list[_Window]]:
    """The group's windows in runs whose fine ranges (a month before their weeks to their end) meet."""
    runs: list[list[_Window]] = []
    end: dt.date | None = None
    for w in sorted(group, key=lambda w: (w.near, w.hi)):
        if runs and end is not None and shift(w.near, -FINE_SPAN_DAYS) <= end:
            runs[-1].append(w)
            end = max(end, w.hi)
        else:
            runs.append([w])
            end = w.hi
    return runs


def _nearest(session: Session, run: list[_Window], *where: Any) -> Any:
    """A day-to-month look-up, nearest first to the dates of the run's events, at most MAX_ROWS rows: a busy
    actor's or a common action's crowded weeks return as many rows as a quiet one's, and the ones kept are
    those likeliest to tell the same happening. (Latest first kept the rows up to ten days after the events
    and dropped their own days: on the 1M bench corpus 120 nearest rows found as many merges as 400 latest.)
    The database sorts the range's rows either way: IN lists walk several index ranges, in no one order."""
    days = sorted({w.view.first for w in run if w.view.first is not None})
    if session.get_bind().dialect.name == "postgresql":
        apart = [func.abs(Event.first_day - day) for day in days]
        nearness = apart[0] if len(apart) == 1 else func.least(*apart)
    else:
        apart = [func.abs(func.julianday(Event.first_day) - func.julianday(day.isoformat())) for day in days]
        nearness = apart[0] if len(apart) == 1 else func.min(*apart)
    return select(*_CANDIDATE_COLUMNS).where(*where).order_by(nearness, Event.id).limit(MAX_ROWS)


def _latest(*where: Any) -> Any:
    """A coarse look-up (quarters to centuries: few rows), latest first, at most MAX_ROWS rows."""
    return select(*_CANDIDATE_COLUMNS).where(*where).order_by(Event.first_day.desc(), Event.id.desc()).limit(MAX_ROWS)


def _could_match(session: Session, group: list[_Window]) -> tuple[Any, ...]:
    """``may_match`` in SQL, for the whole group: rows of another action and another type than every window's
    are never read (a busy actor's other deeds are most of its rows); no condition when a window has no sense."""
    if any(w.view.sense is None for w in group):
        return ()
    senses = sorted({w.view.sense for w in group if w.view.sense is not None})
    types = sorted({w.view.event.type for w in group if w.view.event.type})
    alike = [Event.sense.is_(None), one_of(session, Event.sense, senses)]
    if types:
        alike.append(one_of(session, Event.type, types))
    return (or_(*alike),)


def find_candidates(session: Session, views: list[EventView],
                    family: dict[int, int]) -> tuple[dict[int, list[int]], dict[int, Any]]:
    """Per event, root events of other articles dated near it that share its action or one of its actors,
    nearest first, at most MAX_CANDIDATES each.

    The look-ups walk the (source actor, precision, first day) and (sense, precision, first day) indexes over
    a few weeks (more for coarse dates): a busy actor's or a common action's whole history is never read.
    Events whose date windows overlap are looked up together (an article's events mostly share one date),
    then one query reads the chosen candidates' rows and one their targets.
    """
    windows = [win for v in views if (win := _window(v, family)) is not None and (win.members or v.sense)]
    chosen: dict[int, list[int]] = {}
    article = views[0].event.article_id if views else None
    for group in _clusters(windows):
        # the group's rows by source actor and by action: each window reads only its own actors' and its own
        # action's rows, not the whole group's (up to 4 x MAX_ROWS rows for each of a few dozen windows)
        of_actor: dict[int | None, list[Any]] = {}
        of_sense: dict[str | None, list[Any]] = {}
        for r in _found(session, group):
            if r.merged_into_id is None and r.removed_at is None and r.first_day is not None and r.last_day is not None:
                of_actor.setdefault(r.source_actor_id, []).append(r)
                of_sense.setdefault(r.sense, []).append(r)
        for w in group:
            ident_of = w.view.event.id
            by_actor: set[tuple[dt.date, int]] = set()
            by_sense: set[tuple[dt.date, int]] = set()
            mine = [r for a in w.members for r in of_actor.get(a, ())]
            coarse = w.view.precision in COARSE
            same = [r for r in of_sense.get(w.view.sense, ()) if r.source_actor_id not in w.members
                    and (not coarse or r.precision in COARSE)] if w.view.sense is not None else []
            for near_rows, into in ((mine, by_actor), (same, by_sense)):
                for ident, first, last, _, sense, type_, _, _, _ in near_rows:
                    if ident == ident_of or last < w.near or not w.lo <= first <= w.hi:
                        continue
                    if not may_match(w.view, sense, type_):
                        continue  # another action by the same actor: no rule could match, so it is not read
                    into.add((first, ident))
            # nearest in date first when a busy actor or a common action reaches its limit
            def apart(h: tuple[dt.date, int], first: dt.date | None = w.view.first) -> tuple[int, int]:
                return abs((h[0] - first).days) if first else 0, h[1]
            ordered = sorted(by_actor, key=apart)[:MAX_CANDIDATES]
            ordered += sorted(by_sense, key=apart)[:MAX_SENSE_CANDIDATES]
            chosen[ident_of] = [ident for _, ident in ordered]
    _product_candidates(session, views, chosen)
    wanted = {i for ids in chosen.values() for i in ids}
    if not wanted:
        return {}, {}
    # plain rows, not ORM objects: hydrating dozens of events with their targets per article cost more than the
    # look-up itself; the one that wins a merge is loaded then (merge_event)
    targets: dict[int, list[_Target]] = {}
    for event_id, actor_id in read_rows(session, select(EventTarget.event_id, EventTarget.actor_id)
                                              .where(one_of(session, EventTarget.event_id, wanted))):
        targets.setdefault(event_id, []).append(_Target(actor_id))
    rows: dict[int, Any] = {r[0]: _Row(*(*r, targets.get(r[0], []))) for r in read_rows(session,
        select(*_ROW_COLUMNS).where(one_of(session, Event.id, wanted))) if r.article_id != article}
    return {eid: [i for i in ids if i in rows] for eid, ids in chosen.items()}, rows


def _product_candidates(session: Session, views: list[EventView], chosen: dict[int, list[int]]) -> None:
    """Undated reports about a product alone ('the A380 delays') meet other articles' undated reports of the
    same action up to a year before (``event_match.product_only``): the latest few, through the sense index."""
    for v in views:
        if not product_only(v) or v.first is None or v.last is None:
            continue
        rows = session.execute(select(Event.id, Event.merged_into_id, Event.removed_at).where(
            Event.sense == v.sense, Event.precision == "day", Event.first_day >= shift(v.first, -PRODUCT_DAYS),
            Event.first_day <= shift(v.last, 1), Event.source_actor_id.is_(None), Event.date_text.is_(None),
            Event.article_id != v.event.article_id).order_by(Event.first_day.desc()).limit(MAX_SENSE_CANDIDATES))
        found = [ident for ident, merged, removed in rows if merged is None and removed is None]
        have = chosen.setdefault(v.event.id, [])
        have += [ident for ident in found if ident not in have]


class _Target(NamedTuple):
    actor_id: int


_ROW_COLUMNS = (Event.id, Event.article_id, Event.start, Event.end, Event.type, Event.trigger, Event.sentence,
                Event.date_value, Event.date_text, Event.first_day, Event.last_day, Event.precision,
                Event.source_actor_id, Event.merged_into_id, Event.removed_at, Event.sense, Event.lemma,
                Event.mood, Event.modality)


@dataclass(slots=True)
class _Row:
    """A candidate event's columns, read without the ORM: what ``_view`` and ``compare`` look at."""

    id: int
    article_id: int
    start: int
    end: int
    type: str | None
    trigger: str | None
    sentence: str
    date_value: str | None
    date_text: str | None
    first_day: dt.date | None
    last_day: dt.date | None
    precision: str | None
    source_actor_id: int | None
    merged_into_id: int | None
    removed_at: dt.datetime | None
    sense: str | None
    lemma: str | None
    mood: str | None
    modality: str | None
    targets: list[_Target]


def _clusters(windows: list[_Window]) -> list[list[_Window]]:
    """Windows grouped so that each group's date ranges overlap in a chain: one look-up per group."""
    groups: list[list[_Window]] = []
    for w in sorted(windows, key=lambda w: (w.lo, w.hi)):
        if groups and w.lo <= max(g.hi for g in groups[-1]):
            groups[-1].append(w)
        else:
            groups.append([w])
    return groups

"""The timeline: live events, newest first, filtered by the URL's query and paged by a keyset cursor."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    func,
    or_,
    select,
    tuple_,
    type_coerce,
    union,
)
from sqlalchemy.orm import Session

from app.fts import fts_filter, pg_match, query_terms
from app.keys import normalise_alias
from app.models import Actor, Alias, Event, EventTarget, Source
from app.queries import counters
from app.queries.cache import cached
from app.queries.common import (
    EVENT_ROW_COLUMNS,
    FINE_PRECISIONS,
    day_label,
    event_rows,
    group_by_period,
    id_in,
    live_events,
    parse_day,
    parse_id,
    target_probe,
)
from app.queries.errors import BadInput
from app.queries.outlets import outlet_filter
from app.queries.spans import overlaps_since
from app.queries.textsearch import text_match
from app.vocab import MODALITIES, NEGATED, PLOVER_LABELS

# Type filters beyond one PLOVER type: consolidation's sentence events have no type (NULL), and analysts who
# want only classified happenings hide them with type=any-typed
# modality=any: every event, denials included (by default the timeline leaves out what did not happen)
ANY_MODALITY = "any"
TYPE_GROUPS = {"any-typed": "Typed events only", "untyped": "Unclassified only"}
PAGE_SIZE = 30  # keeps a first load (page + CSS + htmx) under 100 KB uncompressed


@dataclass(slots=True)
class TimelineFilters:
    """Everything that narrows the timeline; each field is one query parameter of the same name."""

    actor: list[str] = field(default_factory=list)
    type: str = ""
    modality: str = ""
    source: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, actor: list[str] | None, type: str | None, modality: str | None, source: str | None,
                   since: str | None, until: str | None, q: str | None) -> TimelineFilters:
        """Checked filters, or BadInput naming the parameter that was wrong."""
        kind = (type or "").strip().upper()
        if kind.lower() in TYPE_GROUPS:
            kind = kind.lower()
        elif kind and kind not in PLOVER_LABELS:
            raise BadInput(f"'type' must be a PLOVER event type, not '{type}'.",
                           hint="One of: " + ", ".join([*PLOVER_LABELS, *TYPE_GROUPS]) + ".")
        mod = (modality or "").strip().lower()
        if mod and mod not in (*MODALITIES, ANY_MODALITY):
            raise BadInput(f"'modality' must be one of {', '.join((*MODALITIES, ANY_MODALITY))}, not '{modality}'.",
                           hint="Leave it out for everything but denials.")
        first, last = parse_day(since, "since"), parse_day(until, "until")
        if first and last and first > last:
            raise BadInput(f"'since' ({first}) is after 'until' ({last}).", hint="Swap the two dates.")
        return cls(actor=[a.strip() for a in actor or [] if a.strip()][:5], type=kind, modality=mod,
                   source=(source or "").strip(), since=first, until=last, q=(q or "").strip()[:200])

    def params(self) -> dict[str, Any]:
        """The filters as URL query values (for links that keep them)."""
        d = asdict(self)
        d["since"] = self.since.isoformat() if self.since else None
        d["until"] = self.until.isoformat() if self.until else None
        return d

    @property
    def active(self) -> bool:
        return any((self.actor, self.type, self.modality, self.source, self.since, self.until, self.q))

    @property
    def active_besides_actor(self) -> bool:
        return any((self.type, self.modality, self.source, self.since, self.until, self.q))


def encode_cursor(day: dt.date, event_id: int) -> str:
    return f"{day.isoformat()}.{event_id}"


def decode_cursor(cursor: str | None) -> tuple[dt.date, int] | None:
    if not cursor:
        return None
    day, _, ident_s = cursor.partition(".")
    ident = parse_id(ident_s)
    try:
        if ident is not None:
            return dt.date.fromisoformat(day), ident
    except ValueError:
        pass
    raise BadInput(f"'cursor' '{cursor}' is not a timeline position.",
                   hint="Follow the 'Older events' link instead of editing it.")


def resolve_actors(session: Session, refs: list[str]) -> list[Actor]:
    """The actors named by slugs, names or aliases ('russia', 'Russia', 'the Kremlin'), merges followed.

    A slug wins; otherwise an exact (normalised) name, then an alias — the most active match when several
    share a name. Unknown names are a BadInput that says which one was not found.
    """
    found: list[Actor] = []
    missing: list[str] = []
    for ref in refs:
        actor = session.scalar(select(Actor).where(Actor.slug == ref))
        if actor is None:
            key = normalise_alias(ref)[:300]
            candidates = list(session.scalars(
                select(Actor).where(or_(func.lower(Actor.name) == ref.lower(),
                                        Actor.id.in_(select(Alias.actor_id).where(Alias.normalized == key))))
                .order_by(Actor.merged_into_id.is_not(None), Actor.id).limit(5)))
            actor = candidates[0] if candidates else None
        seen: set[int] = set()
        while actor is not None and actor.merged_into_id and actor.id not in seen:
            seen.add(actor.id)
            actor = session.get(Actor, actor.merged_into_id) or actor
        if actor is None:
            missing.append(ref)
        elif actor.id not in {a.id for a in found}:
            found.append(actor)
    if missing:
        raise BadInput(f"No actor is called '{', '.join(missing)}'.",
                       hint="Pick an actor from the suggestions or the actor list (a slug, name or alias).")
    return found


def role_event_ids(actor_id: int) -> CompoundSelect[int]:
    """The ids of events an actor is the source or a target of, from two indexes: the timeline filter's rule.

    Narrower than the actor page's membership (app.queries.actor_timeline), which also counts a mention in the
    evidence and the actors merged into this one; a filter must stay cheap to plan (see walk_by_date). An IN
    over this set keeps the timeline from walking every event by date and probing each one,
    which is what an OR of 'source is X' with 'EXISTS target X' made SQLite do for rare actors.
    """
    return union(select(Event.id).where(Event.source_actor_id == actor_id),
                 select(EventTarget.event_id).where(EventTarget.actor_id == actor_id))


def role_probe(session: Session, actor_id: int) -> ColumnElement[bool]:
    """'This event's source or one of its targets is the actor', probed per row (for walks down the date index)."""
    return or_(Event.source_actor_id == actor_id, target_probe(session, [actor_id]))


def walk_by_date(session: Session, actors: list[Actor], limit: int) -> bool:
    """Whether a page of these actors' events is found faster by walking all events newest first.

    Driving the page from the actors' id set costs about one lookup per event of theirs (then a sort);
    walking the date index costs about limit × total / theirs probes before the page is full. SQLite
    only sees the first plan, and PostgreSQL hashes the whole id set after a Seq Scan of events, so for a
    busy actor (Russia in a news corpus) the query says otherwise (see role_probe). The counts come from
    the counter table (one primary-key look-up each).
    """
    if not actors:
        return False
    total = session.scalar(select(func.max(Event.id))) or 0
    roles = counters.actor_events(session, [a.id for a in actors])
    fewest = min(roles.get(a.id, 0) for a in actors)
    return fewest * fewest > (limit + 1) * total


def filtered_events(session: Session, f: TimelineFilters, actors: list[Actor] | None = None,
                    page: int | None = None) -> Select[Event]:
    """The SELECT of live, dated events matching ``f`` (unordered, unpaged).

    ``page`` (a page size) shapes the plan for a newest-first page rather than a count of everything:
    busy actors and common words then walk the date index (see walk_by_date and text_match).
    """
    stmt = live_events().where(Event.first_day.is_not(None))
    if f.actor:
        actors = actors if actors is not None else resolve_actors(session, f.actor)
        walk = bool(page) and walk_by_date(session, actors, page or 0)
        for actor in actors:  # every chosen actor takes part
            # walking the dates, each event is probed (two index look-ups) instead of first building the set
            # of a busy actor's ids, which costs a look-up per event of theirs before the first row comes back
            stmt = stmt.where(role_probe(session, actor.id) if walk else Event.id.in_(role_event_ids(actor.id)))
    if f.type == "any-typed":
        stmt = stmt.where(Event.type.is_not(None))
    elif f.type == "untyped":
        stmt = stmt.where(Event.type.is_(None))
    elif f.type:
        stmt = stmt.where(Event.type == f.type)
    if f.modality == ANY_MODALITY:
        pass
    elif f.modality:
        stmt = stmt.where(Event.modality == f.modality)
    else:  # what the articles say did not happen is no point in time unless asked for
        stmt = stmt.where(Event.modality != NEGATED)
    if f.source:  # a small outlet from its articles' index, a large one's page down the dates (app.queries.outlets)
        stmt = stmt.where(outlet_filter(session, f.source, page))
    if f.since:  # ends on or after it, read from one range of the first-day index (app.queries.spans)
        stmt = stmt.where(overlaps_since(session, f.since))
    if f.until:
        stmt = stmt.where(Event.first_day <= f.until)
    if f.q:
        clause = (text_match(session, "events", Event.id, f.q, page) if page
                  else fts_filter(session, "events", Event.id, f.q))
        if clause is not None:
            stmt = stmt.where(clause)
    return stmt


def density(session: Session, f: TimelineFilters, bins: int = 60,
            actors: list[Actor] | None = None) -> dict[str, Any]:
    """Events per day binned into at most ``bins`` bars, each a link target for jumping along the timeline.

    Only events known to the day or week are drawn: a year-precision event has no day, and drawing it on
    its first day made every 1 January a spike. Coarser events are counted in ``undrawn`` instead, so the
    caption can say how many the strip leaves out. The counts come from one GROUP BY over the covering
    partial index ix_events_live_first_day (first_day, precision) — no table rows are read unfiltered.
    """
    exact, negated = counted_view(f)
    if exact:  # unfiltered: the day counters, a few thousand rows
        counted = counters.day_counts(session, negated=negated, fine=True)
        return _bars(counted, counters.dated_events(session, negated=negated) - sum(counted.values()), bins)
    fine = or_(Event.precision.is_(None), Event.precision.in_(FINE_PRECISIONS))
    events = filtered_events(session, f, actors)
    sampled = None if timeline_count(session, f, actors)[1] else DENSITY_SAMPLE
    if sampled:  # past COUNT_CAP matches: the strip of the newest DENSITY_SAMPLE (see newest_ids)
        events = select(Event).where(id_in(session, Event.id, newest_ids(session, f, actors or [], DENSITY_SAMPLE)))
    # two passes in index order (no temporary B-tree): fine events per day, then a count of the coarse ones
    day_text = type_coerce(Event.first_day, String).label("d")  # ISO text on SQLite: no ORM date parsing per row
    days = events.where(fine).with_only_columns(day_text).subquery()
    per_day: dict[dt.date, int] = {}
    for row in session.execute(select(days.c.d, func.count()).group_by(days.c.d)):
        d = row[0]
        per_day[d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])] = row[1]
    coarse = events.where(~fine).with_only_columns(Event.id).subquery()
    undrawn = session.scalar(select(func.count()).select_from(coarse)) or 0
    return {**_bars(per_day, undrawn, bins), "sampled": sampled}


def newest_ids(session: Session, f: TimelineFilters, actors: list[Actor], n: int) -> list[int]:
    """The ids of the newest ``n`` events matching ``f`` (the samples of the density strip and the facets), read
    down the date index — except full-text matches on PostgreSQL, which are gathered in widening windows.

    There a walk computes each row's tsvector (25 µs): 5,000 of a word in one event of seven walked 35,000 rows,
    400 ms. Instead the newest days holding 4n events (from the day counters) are asked for their matches with the
    GIN index's own expression, which PostgreSQL answers by ANDing the GIN index with the first-day index, and the
    window grows fourfold until it holds n matches (or is everything); every event before the window is older
    than all in it, so its newest n are the filter's.
    """
    if not (f.q and query_terms(f.q)) or session.get_bind().dialect.name != "postgresql":
        newest = (filtered_events(session, f, actors, page=n).with_only_columns(Event.id)
                  .order_by(Event.first_day.desc(), Event.id.desc()).limit(n).subquery())
        return list(session.scalars(select(newest.c.id)))
    matching = (filtered_events(session, replace(f, q=""), actors).where(pg_match("events", query_terms(f.q)))
                .with_only_columns(Event.id, Event.first_day))
    days = sorted(counters.day_counts(session, negated=None).items(), reverse=True)
    want = 4 * n
    while True:
        since, seen = None, 0
        for day, events in days:
            seen += events
            if seen >= want:
                since = day
                break
        rows = list(session.execute(matching if since is None else matching.where(Event.first_day >= since)))
        if len(rows) >= n or since is None:
            rows.sort(key=lambda r: (r[1], r[0]), reverse=True)
            return [r[0] for r in rows[:n]]
        want *= 4


def _bars(per_day: dict[dt.date, int], undrawn: int, bins: int) -> dict[str, Any]:
    """Events per day folded into at most ``bins`` bars of equal width, each with its dates and label."""
    if not per_day:
        return {"bars": [], "max": 0, "first": None, "last": None, "undrawn": undrawn}
    first, last = min(per_day), max(per_day)
    span = (last - first).days + 1
    width = max(1, -(-span // bins))
    bars: dict[int, int] = {}
    for day, n in per_day.items():
        k = (day - first).days // width
        bars[k] = bars.get(k, 0) + n
    out: list[dict[str, Any]] = []
    for k in range(-(-span // width)):
        start = first + dt.timedelta(days=k * width)
        end = min(last, start + dt.timedelta(days=width - 1))
        label = day_label(start) if start == end else f"{day_label(start)} – {day_label(end)}"
        out.append({"first": start, "last": end, "count": bars.get(k, 0), "label": label})
    return {"bars": out, "max": max(b["count"] for b in out), "first": first, "last": last, "days_per_bar": width,
            "undrawn": undrawn}


COUNT_CAP = 10_000  # a filter's matches are counted exactly up to this many; beyond it the figure is 'about'
DENSITY_SAMPLE = 5_000  # the density strip of a filter past COUNT_CAP draws its newest this many


def counted_view(f: TimelineFilters) -> tuple[bool, bool | None]:
    """(whether the counter tables answer ``f`` exactly, the ``negated`` value to read them with; None: either).
    They do for no filter but the modality's default (no denials), ``any`` or ``negated``."""
    if f.actor or f.type or f.source or f.since or f.until or f.q:
        return False, None
    if f.modality == ANY_MODALITY:
        return True, None
    return f.modality in ("", NEGATED), f.modality == NEGATED


def timeline_count(session: Session, f: TimelineFilters, actors: list[Actor] | None = None) -> tuple[int, bool]:
    """(how many events match ``f``, whether that is exact): the number the timeline, its exports and
    ``/index.json`` (unfiltered) agree on.

    Unfiltered views read the day counters (exact, no scan). A filter is counted through its indexes up to
    COUNT_CAP; past that (or when one of its actors alone is in more events) the figure is an estimate from
    the actor counters, or COUNT_CAP itself, and not exact — pages say 'about'. Cached like the aggregates.
    """
    exact, negated = counted_view(f)
    if exact:
        return counters.dated_events(session, negated=negated), True
    actors = actors if actors is not None else (resolve_actors(session, f.actor) if f.actor else [])
    roles = counters.actor_events(session, [a.id for a in actors])
    fewest = min((roles.get(a.id, 0) for a in actors), default=None)
    if fewest is not None and fewest > COUNT_CAP:
        return (fewest if len(actors) == 1 and not f.active_besides_actor else COUNT_CAP), False

    def compute() -> int:
        ids = filtered_events(session, f, actors).with_only_columns(Event.id).limit(COUNT_CAP + 1).subquery()
        return session.scalar(select(func.count()).select_from(ids)) or 0

    n = cached(session, ("timeline-total", repr(f)), compute)
    return (n, True) if n <= COUNT_CAP else (fewest if len(actors) == 1 and fewest else COUNT_CAP, False)


def timeline_total(session: Session, f: TimelineFilters, actors: list[Actor] | None = None) -> int:
    """The number of ``timeline_count`` (exact, or the estimate pages call 'about')."""
    return timeline_count(session, f, actors)[0]


def page_events(session: Session, f: TimelineFilters, actors: list[Actor], cursor: str | None, limit: int,
                extra: tuple[Any, ...] = ()) -> tuple[list[Any], str | None]:
    """(up to ``limit`` rows of EVENT_ROW_COLUMNS and ``extra`` after ``cursor``, newest first; the next cursor)."""
    if not 1 <= limit <= 500:
        raise BadInput(f"'limit' must be between 1 and 500, not {limit}.")
    stmt = filtered_events(session, f, actors, page=limit)
    position = decode_cursor(cursor)
    if position:
        day, ident = position
        stmt = stmt.where(tuple_(Event.first_day, Event.id) < tuple_(day, ident))
    events = list(session.execute(stmt.with_only_columns(*EVENT_ROW_COLUMNS, *extra)
                                  .order_by(Event.first_day.desc(), Event.id.desc()).limit(limit + 1)))
    more = len(events) > limit
    events = events[:limit]
    return events, encode_cursor(events[-1].first_day, events[-1].id) if more and events[-1].first_day else None


def timeline_page(session: Session, f: TimelineFilters, cursor: str | None = None,
                  limit: int = PAGE_SIZE, with_density: bool = True) -> dict[str, Any]:
    """One page of the timeline grouped by period (day, week, month, year…), the next cursor and the strip."""
    actors = resolve_actors(session, f.actor) if f.actor else []
    events, next_cursor = page_events(session, f, actors, cursor, limit)
    rows = event_rows(session, events)
    total, exact = timeline_count(session, f, actors)
    return {
        "filters": {**f.params(), "actor": [a.slug for a in actors]}, "filters_active": f.active, "days": group_by_period(rows), "count": len(rows),
        "total": total, "total_exact": exact,
        # what the default view leaves out: events the articles say did not happen (modality=any shows them);
        # counted when the view's own figure is exact (a filter past COUNT_CAP leaves the number out)
        "denials_hidden": 0 if f.modality or not exact else timeline_total(session, replace(f, modality=NEGATED),
                                                                           actors),
        "undated": 0 if f.active else cached(session, "undated-events", lambda: session.scalar(
            select(func.count()).select_from(live_events().where(Event.first_day.is_(None))
                                             .with_only_columns(Event.id).subquery())) or 0),
        "next_cursor": next_cursor, "cursor": cursor,
        "density": cached(session, ("density", repr(f)), lambda: density(session, f, actors=actors))
        if with_density else None,
        "choices": {"types": list(PLOVER_LABELS), "type_groups": TYPE_GROUPS, "modalities": list(MODALITIES),
                    "sources": list(session.scalars(select(Source.name).order_by(Source.name).limit(200)))},
        "selected_actors": [{"slug": a.slug, "name": a.name, "kind": a.kind} for a in actors],
    }

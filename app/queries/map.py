"""The map: the timeline's events counted per place, as a GeoJSON FeatureCollection.

An event is placed by its ``place`` phrase when the gazetteer knows it, otherwise at each country (or place
actor) among its source and targets; one with neither is counted as not placed. The counting is done in SQL
— one GROUP BY over the distinct place phrases, one over the country actors' events with each actor mapped
to its location in a CASE — so Python only geocodes distinct strings and names (each cached), never events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, distinct, exists, func, or_, select, union_all
from sqlalchemy.orm import Session

from app.geo.gazetteer import RESOLUTIONS, Location, geocode, geocode_actor
from app.models import Actor, Event, EventTarget, Source
from app.queries.cache import cached
from app.queries.common import EVENT_ROW_COLUMNS, event_rows
from app.queries.errors import BadInput
from app.queries.timeline import TYPE_GROUPS, TimelineFilters, filtered_events, resolve_actors
from app.vocab import MODALITIES, PLOVER_LABELS

AT_PATTERN = re.compile(r"^(city|region|country):[A-Za-z0-9-]{1,20}$")
AT_LIMIT = 50         # events listed for one place
UNKNOWN_SHOWN = 20    # place phrases the gazetteer did not know, listed under the map
PLACED_KINDS = ("country", "place")  # actor kinds that stand for somewhere


@dataclass(slots=True)
class Spot:
    """One location on the map and what put events there."""

    location: Location
    count: int = 0
    phrases: list[str] = field(default_factory=list)   # place strings geocoded here
    actor_ids: list[int] = field(default_factory=list)  # country/place actors located here


@dataclass(slots=True)
class MapCounts:
    spots: dict[str, Spot]
    total: int
    not_placed: int
    unknown: list[tuple[str, int]]  # (place phrase, events) the gazetteer did not know, most events first


def parse_at(at: str | None) -> str | None:
    """The ``at`` parameter (a location key such as 'city:2660646'), or BadInput naming it."""
    if not at:
        return None
    key = at.strip()
    if not AT_PATTERN.match(key):
        raise BadInput(f"'at' must be a place key such as 'country:FR' or 'city:2988507', not '{at[:60]}'.",
                       hint="Follow a marker or a row of the place list instead of editing the address.")
    return key


def _events(session: Session, f: TimelineFilters, actors: list[Actor]) -> Subquery:
    return filtered_events(session, f, actors).with_only_columns(Event.id, Event.place, Event.source_actor_id).subquery()


def _roles(events: Subquery, unplaced: ColumnElement[bool]) -> Subquery:
    """(event id, actor id) for the source and each target of the events their place did not locate."""
    return union_all(
        select(events.c.id.label("event_id"), events.c.source_actor_id.label("actor_id"))
        .where(unplaced, events.c.source_actor_id.is_not(None)),
        select(EventTarget.event_id, EventTarget.actor_id).join(events, events.c.id == EventTarget.event_id)
        .where(unplaced),
    ).subquery()


def map_counts(session: Session, f: TimelineFilters, actors: list[Actor]) -> MapCounts:
    """Events per location for these filters (see the module docstring for the two aggregates)."""
    events = _events(session, f, actors)
    spots: dict[str, Spot] = {}
    placed_phrases: list[str] = []
    unknown: list[tuple[str, int]] = []
    for row in session.execute(select(events.c.place, func.count()).where(events.c.place.is_not(None))
                               .group_by(events.c.place)):
        phrase, n = str(row[0]), int(row[1])
        loc = geocode(phrase)
        if loc is None:
            unknown.append((phrase, n))
            continue
        spot = spots.setdefault(loc.key, Spot(loc))
        spot.count += n
        spot.phrases.append(phrase)
        placed_phrases.append(phrase)
    # whichever list is shorter says which events their place did not locate
    unplaced = (or_(events.c.place.is_(None), events.c.place.in_([p for p, _ in unknown]))
                if len(unknown) <= len(placed_phrases) else
                or_(events.c.place.is_(None), events.c.place.not_in(placed_phrases)))
    roles = _roles(events, unplaced)
    located: dict[int, Location] = {}
    for actor_id, name, kind in session.execute(
        select(Actor.id, Actor.name, Actor.kind).where(Actor.id.in_(select(roles.c.actor_id)),
                                                       Actor.kind.in_(PLACED_KINDS))
    ):
        loc = geocode_actor(name, kind)
        if loc is not None:
            located[actor_id] = loc
    if located:
        places = list({loc.key: loc for loc in located.values()}.values())
        index = {loc.key: i for i, loc in enumerate(places)}
        # each actor's location as a number in SQL, so one event with two actors in one country counts once
        where = select(case({a: index[loc.key] for a, loc in located.items()}, value=roles.c.actor_id).label("spot"),
                       roles.c.event_id).where(roles.c.actor_id.in_(list(located))).subquery()
        for row in session.execute(select(where.c.spot, func.count(distinct(where.c.event_id)))
                                   .group_by(where.c.spot)):
            place = places[int(row[0])]
            spots.setdefault(place.key, Spot(place)).count += int(row[1])
        for actor_id, loc in located.items():
            spots[loc.key].actor_ids.append(actor_id)
    total = session.scalar(select(func.count()).select_from(events)) or 0
    ids = list(located)
    somewhere = or_(and_(events.c.source_actor_id.is_not(None), events.c.source_actor_id.in_(ids)),  # never NULL
                    exists().where(EventTarget.event_id == events.c.id, EventTarget.actor_id.in_(ids)))
    not_placed = session.scalar(select(func.count()).select_from(events).where(unplaced, ~somewhere)) or 0
    unknown.sort(key=lambda row: (-row[1], row[0]))
    return MapCounts(spots, total, not_placed, unknown)


def events_at(session: Session, f: TimelineFilters, actors: list[Actor], spot: Spot,
              limit: int = AT_LIMIT) -> list[dict[str, Any]]:
    """The newest events the map puts at ``spot``: by their place phrase, or (placeless) by an actor there."""
    stmt = filtered_events(session, f, actors)
    by_phrase = Event.place.in_(spot.phrases)
    conditions: list[ColumnElement[bool]] = [by_phrase] if spot.phrases else []
    if spot.actor_ids:
        unlocated = or_(Event.place.is_(None), ~Event.place.in_(_placed_phrases(session, f, actors)))
        by_actor = or_(Event.source_actor_id.in_(spot.actor_ids),
                       exists().where(EventTarget.event_id == Event.id, EventTarget.actor_id.in_(spot.actor_ids)))
        conditions.append(unlocated & by_actor)
    if not conditions:
        return []
    rows = session.execute(stmt.where(or_(*conditions)).with_only_columns(*EVENT_ROW_COLUMNS)
                           .order_by(Event.first_day.desc(), Event.id.desc()).limit(limit))
    return event_rows(session, list(rows))


def _placed_phrases(session: Session, f: TimelineFilters, actors: list[Actor]) -> list[str]:
    counts = cached(session, ("map", repr(f)), lambda: map_counts(session, f, actors))
    return [p for s in counts.spots.values() for p in s.phrases]


def feature(spot: Spot) -> dict[str, Any]:
    loc = spot.location
    return {"type": "Feature", "id": loc.key,
            "geometry": {"type": "Point", "coordinates": [round(loc.lon, 5), round(loc.lat, 5)]},
            "properties": {"key": loc.key, "name": loc.name, "resolution": loc.resolution,
                           "country": loc.country, "count": spot.count}}


def map_page(session: Session, f: TimelineFilters, at: str | None = None) -> dict[str, Any]:
    """The filtered events as a GeoJSON FeatureCollection (most events first), with what was not placed.

    Members beside ``type`` and ``features`` are GeoJSON foreign members: the filters, the counts, the place
    phrases nobody could locate, and, with ``at``, the events at that one place.
    """
    key = parse_at(at)
    actors = resolve_actors(session, f.actor) if f.actor else []
    counts = cached(session, ("map", repr(f)), lambda: map_counts(session, f, actors))
    spots = sorted(counts.spots.values(), key=lambda s: (-s.count, s.location.name))
    selected = counts.spots.get(key) if key else None
    return {
        "type": "FeatureCollection",
        "features": [feature(s) for s in spots],
        "filters": {**f.params(), "actor": [a.slug for a in actors]}, "filters_active": f.active,
        "selected_actors": [{"slug": a.slug, "name": a.name} for a in actors],
        "total": counts.total, "placed": counts.total - counts.not_placed, "not_placed": counts.not_placed,
        "unknown_places": [{"place": p, "count": n} for p, n in counts.unknown[:UNKNOWN_SHOWN]],
        "resolutions": {r: sum(1 for s in spots if s.location.resolution == r) for r in RESOLUTIONS},
        "at": key,
        "at_place": feature(selected)["properties"] if selected else None,
        "at_events": events_at(session, f, actors, selected) if selected else [],
        "choices": {"types": list(PLOVER_LABELS), "type_groups": TYPE_GROUPS, "modalities": list(MODALITIES),
                    "sources": list(session.scalars(select(Source.name).order_by(Source.name).limit(200)))},
    }

"""The map's drawing: Natural Earth outlines as SVG path data in a plain equirectangular projection, and markers.

The world outline is built once per process (about 43 KB of path data at whole-unit precision on a
1000-unit-wide map, 11 KB gzipped); an event's small map draws only the rings near its place, at a finer scale,
cached per window. Templates place the markers; this module only does the arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.geo.gazetteer import Location, geocode, geocode_actor
from app.geo.outlines import Ring, countries

WORLD_WIDTH = 1000
NORTH, SOUTH = 84.0, -60.0  # the drawn band of latitudes: Antarctica and the Arctic Ocean left off
MIN_RADIUS, MAX_RADIUS = 3.0, 26.0
MINI_SCALE = 10  # units per degree on an event's small map
MINI_SPAN = 40.0  # degrees of longitude a small map shows around one place (wider to hold several)


@dataclass(frozen=True, slots=True)
class View:
    """A window of the equirectangular plane: its west and north edges (degrees) and units per degree."""

    west: float
    north: float
    scale: float
    width: float
    height: float

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.scale, (self.north - lat) * self.scale

    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


WORLD = View(-180.0, NORTH, WORLD_WIDTH / 360, WORLD_WIDTH, round((NORTH - SOUTH) * WORLD_WIDTH / 360))


@lru_cache(maxsize=1)
def world_rings() -> tuple[tuple[Ring, tuple[float, float, float, float]], ...]:
    """Every ring with its bounding box (lon₀, lat₀, lon₁, lat₁); a ring past ±180° also appears shifted back."""
    out = []
    for country in countries():
        for polygon in country.polygons:
            for ring in polygon:
                lons = [p[0] for p in ring]
                shifts = [0.0] + ([-360.0] if max(lons) > 180 else []) + ([360.0] if min(lons) < -180 else [])
                for shift in shifts:
                    moved = [(lon + shift, lat) for lon, lat in ring] if shift else ring
                    box = (min(lons) + shift, min(p[1] for p in ring), max(lons) + shift, max(p[1] for p in ring))
                    out.append((moved, box))
    return tuple(out)


def ring_path(ring: Ring, view: View) -> str:
    """One closed ring as relative path commands in whole units; '' when it shrinks below a triangle."""
    parts: list[str] = []
    last: tuple[int, int] | None = None
    for lon, lat in ring:
        x, y = view.project(lon, lat)
        point = (round(x), round(y))
        if point == last:
            continue
        if last is None:
            parts.append(f"M{point[0]} {point[1]}")
        else:
            dx, dy = point[0] - last[0], point[1] - last[1]
            parts.append(f"l{dx}{'' if dy < 0 else ' '}{dy}")
        last = point
    return "".join(parts) + "z" if len(parts) > 2 else ""


def outline_path(view: View) -> str:
    """The land inside ``view`` as one path's data."""
    east, south = view.west + view.width / view.scale, view.north - view.height / view.scale
    return "".join(ring_path(ring, view) for ring, (w, s, e, n) in world_rings()
                   if e >= view.west and w <= east and n >= south and s <= view.north)


@lru_cache(maxsize=1)
def world_path() -> str:
    """The whole world's outline, built on first use and kept for the process."""
    return outline_path(WORLD)


def radius(count: int, most: int) -> float:
    """A marker's radius: its area grows with the count, the busiest place at MAX_RADIUS."""
    if most <= 0:
        return MIN_RADIUS
    return round(max(MIN_RADIUS, MAX_RADIUS * math.sqrt(count / most)), 1)


def world_markers(features: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The features' markers in drawing order: largest first, so a small one on top of it stays clickable."""
    most = max((f["properties"]["count"] for f in features), default=0)
    out = []
    for f in features:
        lon, lat = f["geometry"]["coordinates"]
        x, y = WORLD.project(lon, lat)
        out.append({**f["properties"], "x": round(x, 1), "y": round(y, 1), "r": radius(f["properties"]["count"], most)})
    return sorted(out, key=lambda m: -m["r"])


def event_locations(event: Mapping[str, Any]) -> list[Location]:
    """Where the map puts an event (a page row): its place when the gazetteer knows it, else its actors' countries."""
    found = geocode(event["place"]) if event.get("place") else None
    if found:
        return [found]
    out: dict[str, Location] = {}
    for actor in [event.get("source_actor"), *(event.get("targets") or [])]:
        if actor:
            loc = geocode_actor(actor["name"], actor["kind"])
            if loc:
                out.setdefault(loc.key, loc)
    return list(out.values())[:4]


def _window(locations: Iterable[Location]) -> View:
    locs = list(locations)
    lons, lats = [x.lon for x in locs], [x.lat for x in locs]
    span = min(360.0, max(MINI_SPAN, (max(lons) - min(lons)) * 1.3, (max(lats) - min(lats)) * 2.6))
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    north = min(NORTH, max(SOUTH + span / 2, mid_lat + span / 4))
    scale = MINI_SCALE * MINI_SPAN / span
    return View(round(mid_lon - span / 2, 1), round(north, 1), scale, round(span * scale), round(span / 2 * scale))


@lru_cache(maxsize=512)
def _mini_path(view: View) -> str:
    return outline_path(view)


def place_map(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """An event's small map (window, land, markers), or None when the map cannot place it."""
    locations = event_locations(event)
    if not locations:
        return None
    view = _window(locations)
    markers = []
    for loc in locations:
        x, y = view.project(loc.lon, loc.lat)
        markers.append({"x": round(x, 1), "y": round(y, 1), "name": loc.name, "resolution": loc.resolution,
                        "country": loc.country, "key": loc.key})
    return {"view_box": view.view_box(), "width": view.width, "height": view.height, "path": _mini_path(view),
            "markers": markers, "by_place": bool(event.get("place") and geocode(event["place"]))}

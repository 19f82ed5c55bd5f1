# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""The map in a real Chromium, over the sample corpus: markers for the seed's and samples' places, in-place
filtering with htmx, the place list without JavaScript, and a page no wider than a 390 px phone."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from support.browser import chromium, live_server, page, screenshot  # noqa: F401  (fixtures)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# places the sample articles name (Wikinews) and the seed's countries, as the map must draw them
SAMPLE_PLACES = {"Toulouse", "Everett", "Mobile", "Long Beach", "Singapore", "Paris", "California", "Europe"}
SEED_PLACES = {"Russia", "United States"}


def test_map_json_holds_the_seed_and_sample_places(live_server):
    data = httpx.get(live_server.url + "/map.json", timeout=30).json()
    assert data["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in data["features"]}
    assert names >= SAMPLE_PLACES | SEED_PLACES
    assert {f["properties"]["resolution"] for f in data["features"]} == {"city", "region", "country"}


def test_map_draws_markers_and_filters_in_place(page, live_server):
    page.goto(live_server.url + "/map")
    markers = page.locator("figure.world-map svg a.marker circle")
    count = markers.count()
    assert count >= len(SAMPLE_PLACES | SEED_PLACES)
    box = page.locator("figure.world-map svg").bounding_box()
    assert box and box["width"] > 600 and box["height"] > 200
    labels = page.locator("figure.world-map svg a.marker").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert any(label.startswith("Toulouse, France (city)") for label in labels)
    screenshot(page, "map")
    page.evaluate("window.__sameDocument = true")
    page.select_option("#m-type", "any-typed")
    page.wait_for_function("() => location.search.includes('type=any-typed')")
    page.wait_for_function(f"() => document.querySelectorAll('figure.world-map a.marker').length < {count}")
    assert page.evaluate("window.__sameDocument") is True
    page.locator("figure.world-map a.marker").first.click()
    page.wait_for_url(re.compile(r"at=[a-z]+%3A"))
    assert page.locator("#at article.event").count() >= 1
    screenshot(page, "map-place")


def test_map_works_without_javascript_and_fits_a_phone(chromium, live_server):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto(live_server.url + "/map")
    assert pg.locator("figure.world-map a.marker").count() > 5
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"/map is {width} px wide at a 390 px viewport"
    svg_width = pg.locator("figure.world-map svg").bounding_box()["width"]
    assert svg_width <= 390
    screenshot(pg, "map-390")
    pg.select_option("#m-type", "any-typed")
    pg.click("#map-filters button[type=submit]")
    pg.wait_for_url(re.compile(r"type=any-typed"))
    assert "not placed" in pg.locator(".map-summary").inner_text()
    pg.locator("table.places a").first.click()
    pg.wait_for_url(re.compile(r"at="))
    assert pg.locator("#at article.event").count() >= 1
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    event = pg.locator("#at h3.event-title a").first
    event.click()
    pg.wait_for_load_state()
    assert pg.locator(".place-map svg circle").count() >= 1
    screenshot(pg, "event-place-map-390")
    small = pg.locator(".place-map").bounding_box()
    assert small and small["x"] >= 0
    widths = pg.evaluate("() => { const w = document.documentElement.scrollWidth;"
                         " document.querySelector('.place-map').remove(); return [w, document.documentElement.scrollWidth]; }")
    assert widths[0] == widths[1], "the small map makes the event page no wider"
    context.close()


def test_axe_finds_no_violations_on_the_map(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected inline
    pg = context.new_page()
    data = httpx.get(live_server.url + "/map.json", timeout=30).json()
    event = httpx.get(live_server.url + "/timeline.json", timeout=30).json()["days"][0]["events"][0]
    failures = {}
    at = data["features"][0]["properties"]["link"].removeprefix(live_server.url)  # absolute in the GeoJSON
    for path in ["/map", at, "/map?type=ASSAULT",
                 f"/events/{event['id']}-{event['slug']}"]:
        pg.goto(live_server.url + path)
        pg.add_script_tag(path=str(AXE))
        found = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                            ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
        if found:
            failures[path] = found
    context.close()
    assert not failures, failures

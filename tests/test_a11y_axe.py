# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""axe-core (vendored in tests/vendor/axe-core, MPL-2.0) finds no accessibility violations on any page."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from support.browser import chromium, live_server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def urls(live_server):
    """One URL of every kind of page, found through the JSON twins of the sample corpus."""
    base = live_server.url
    home = httpx.get(base + "/index.json").json()
    event = home["recent_events"][0]
    actor = home["active_actors"][0]
    quote = httpx.get(base + "/quotes.json").json()["quotes"][0]
    return [
        "/", "/timeline", "/timeline?type=ASSAULT", f"/events/{event['id']}-{event['slug']}", "/actors",
        f"/actors/{actor['slug']}", "/quotes", "/quotes?q=russia", f"/quotes/{quote['id']}",
        f"/articles/{home['articles'][0]['id']}", "/search?q=Russia", "/search", "/no-such-page",
        "/timeline?since=yesterday",
    ]


def test_axe_finds_no_violations(chromium, live_server, urls):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    failures = {}
    for path in urls:
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                               ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
        if result:
            failures[path] = result
    # the check itself can fail: an unlabelled image must be reported
    page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    page.add_script_tag(path=str(AXE))
    control = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
    context.close()
    assert "image-alt" in control
    assert not failures, failures

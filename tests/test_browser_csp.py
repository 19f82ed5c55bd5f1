# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""Every page type works in Chromium under the Content-Security-Policy: no violation, no console error."""

from __future__ import annotations

import pytest
from support.browser import chromium, live_server, page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Recorded from the first script on every page, before htmx or dateline.js run.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def first_href(pg, selector: str) -> str:
    href = pg.locator(selector).first.get_attribute("href")
    assert href, f"no link matches {selector}"
    return href


def visit(pg, url: str) -> None:
    response = pg.goto(url)
    assert response is not None and response.status == 200, url
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    pg.wait_for_load_state("networkidle")
    assert pg.evaluate("window.__cspViolations") == [], url


def test_every_page_type_runs_under_the_policy(page, live_server):
    page.add_init_script(WATCH_VIOLATIONS)
    base = live_server.url
    visit(page, base + "/timeline")
    links = {"event": first_href(page, "#results h3.event-title a"), "actor": first_href(page, "#results a.actor")}
    visit(page, base + "/quotes")
    links["quote"] = first_href(page, "figure.quote a[href^='/quotes/']")
    links["article"] = first_href(page, "figure.quote a[href^='/articles/']")
    for path in ["/", "/actors", "/search?q=Russia", "/-/ingest", *links.values()]:
        visit(page, base + path)
    assert page.locator("img.card").count() == 0 or page.evaluate(
        "() => [...document.querySelectorAll('img.card')].every(i => i.complete && i.naturalWidth > 0)")


def test_htmx_swaps_run_under_the_policy(page, live_server):
    page.add_init_script(WATCH_VIOLATIONS)
    visit(page, live_server.url + "/timeline")
    page.evaluate("window.__sameDocument = true")
    page.select_option("#f-type", "ASSAULT")
    page.wait_for_function("() => location.search.includes('type=ASSAULT')")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument") is True  # htmx swapped the results in place
    page.locator("#f-actor").press_sequentially("rus", delay=30)
    page.wait_for_function("() => document.querySelectorAll('#actor-options option').length > 0")
    assert page.evaluate("window.__cspViolations") == []

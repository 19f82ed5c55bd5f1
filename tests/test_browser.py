# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""The dashboard in a real Chromium: in-place quote search, timeline filters, event tags and card, actor page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from support.browser import chromium, live_server, page, screenshot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_quote_search_filters_in_place_and_updates_the_url(page, live_server):
    page.goto(live_server.url + "/quotes")
    before = page.locator("figure.quote").count()
    assert before > 5
    page.evaluate("window.__sameDocument = true")  # survives only if no full page load happens
    with page.expect_response(lambda r: "/quotes?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#quote-q").press_sequentially("invade", delay=30)
    page.wait_for_function("() => location.search.includes('q=invade')")
    page.wait_for_function(f"() => document.querySelectorAll('figure.quote').length < {before}")
    assert page.evaluate("window.__sameDocument") is True
    texts = page.locator("figure.quote blockquote").all_inner_texts()
    assert texts and all("invad" in t.lower() or "invad" in t.lower() for t in texts)
    assert parse_qs(urlparse(page.url).query)["q"] == ["invade"]
    screenshot(page, "quotes-search")
    page.go_back()
    page.wait_for_function("() => !location.search.includes('invade')")


def test_timeline_filters_by_type_in_place(page, live_server):
    page.goto(live_server.url + "/timeline")
    screenshot(page, "timeline")
    page.evaluate("window.__sameDocument = true")
    page.select_option("#f-type", "ASSAULT")
    page.wait_for_function("() => location.search.includes('type=ASSAULT')")
    page.wait_for_function("() => [...document.querySelectorAll('#results article.event')].length > 0 && "
                           "[...document.querySelectorAll('#results .badge')].every(b => b.textContent === 'Assault')")
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#results figure.density svg").count() == 1
    screenshot(page, "timeline-assault")


def test_timeline_works_without_javascript(chromium, live_server):
    context = chromium.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(live_server.url + "/timeline")
    pg.select_option("#f-type", "ASSAULT")
    pg.click("#timeline-filters button[type=submit]")
    pg.wait_for_url(re.compile(r"type=ASSAULT"))
    badges = pg.locator("#results .badge").all_text_contents()
    assert badges and set(badges) == {"Assault"}
    assert urlparse(pg.url).query == "type=ASSAULT"  # the empty fields were dropped by a redirect
    context.close()


def test_timeline_actor_field_suggests_and_keeps_the_url_clean(page, live_server):
    page.goto(live_server.url + "/timeline")
    page.evaluate("window.__sameDocument = true")
    with page.expect_response(lambda r: "/timeline/actor-options" in r.url):
        page.locator("#f-actor").press_sequentially("rus", delay=30)
    page.wait_for_function("() => [...document.querySelectorAll('#actor-options option')]"
                           ".some(o => o.value === 'Russia')")
    assert "actor-options" not in page.url  # suggestions never touch the address bar
    page.locator("#f-actor").fill("Russia")
    page.locator("#f-actor").press("Enter")
    page.wait_for_function("() => location.search === '?actor=russia'")
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_function("() => document.querySelector('#results .chips a')?.textContent === 'Russia'")


def test_event_page_tags_card_and_copy_link(page, live_server):
    page.goto(live_server.url + "/timeline")
    page.locator("#results h3.event-title a").first.click()
    page.wait_for_load_state()
    og = {k: page.locator(f'meta[property="{k}"]').get_attribute("content")
          for k in ("og:title", "og:url", "og:image", "og:type", "og:description")}
    assert og["og:url"] == page.url and og["og:url"].startswith(live_server.url + "/events/")
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == "summary_large_image"
    card = httpx.get(og["og:image"])
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    size = page.evaluate("() => { const i = document.querySelector('img.card'); "
                         "return i.complete ? [i.naturalWidth, i.naturalHeight] : null; }")
    assert size == [1200, 630]
    button = page.locator("button.copy")
    assert button.is_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    button.click()
    page.wait_for_function("() => document.querySelector('.copy-status').textContent.length > 0")
    screenshot(page, "event")


def test_actor_page_and_keyboard_focus(page, live_server):
    page.goto(live_server.url + "/actors")
    page.locator("table a", has_text="Russia").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Russia"
    assert page.locator("figure.activity svg[role=img]").count() == 1
    assert page.locator("section[aria-labelledby=did-h] article.event").count() > 0
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, getComputedStyle(document.activeElement).top]")
    assert focused[0] == "skip"  # the skip link comes first and is shown on focus
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # visible focus ring
    screenshot(page, "actor")


@pytest.mark.parametrize("path", ["/", "/search?q=Russia", "/quotes", "/actors"])
def test_pages_load_without_console_errors(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    name = path.strip("/").split("?")[0] or "home"
    screenshot(page, f"page-{name}")


def test_article_page_highlights_and_screenshots(page, live_server):
    page.goto(live_server.url + "/")
    page.locator("ul.articles a.title").first.click()
    page.wait_for_load_state()
    assert page.locator(".article-text .hl-actor").count() > 0
    assert page.locator(".legend li").count() == 4
    screenshot(page, "article")

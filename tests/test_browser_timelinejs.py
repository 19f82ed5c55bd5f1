# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""The TimelineJS export in the real TimelineJS 3.9.11 (vendored in tests/vendor/timelinejs, MPL-2.0), loaded by a
page of another site, as a newsroom would embed it: every event becomes a slide with its headline and evidence."""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from support.browser import chromium, live_server, screenshot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VENDOR = Path(__file__).parent / "vendor" / "timelinejs"
EMBED = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Embed</title>
<link rel="stylesheet" href="/css/timeline.css"><script src="/js/timeline.js"></script></head>
<body><div id="embed" style="width: 1000px; height: 640px"></div><script>
window.timeline = new TL.Timeline('embed', new URLSearchParams(location.search).get('src'), {font: null});
</script></body></html>"""
TYPES = {".js": "text/javascript", ".css": "text/css", ".json": "application/json"}


class EmbedSite(BaseHTTPRequestHandler):
    """Another site (another origin: localhost, not 127.0.0.1): the embed page and TimelineJS's own files."""

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        file = (VENDOR / path.lstrip("/")).resolve()
        if path == "/":
            body, kind, status = EMBED.encode(), "text/html", 200
        elif file.is_file() and VENDOR.resolve() in file.parents:
            body, kind, status = file.read_bytes(), TYPES.get(file.suffix, "application/octet-stream"), 200
        else:
            body, kind, status = b"not vendored", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def elsewhere():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EmbedSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_timelinejs_draws_every_event_of_the_export(chromium, live_server, elsewhere):
    src = live_server.url + "/timeline/timelinejs.json?actor=russia"
    export = httpx.get(src).json()
    assert export["next"] is None and len(export["events"]) == export["total"] > 5
    context = chromium.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{elsewhere}/?src={src}")
    page.wait_for_selector(".tl-slide-content .tl-headline", timeout=20_000)
    headlines = page.eval_on_selector_all(".tl-slide .tl-headline", "els => els.map(e => e.textContent.trim())")
    assert len(headlines) == export["total"] + 1  # a slide per event, and the title slide
    assert {html.unescape(e["text"]["headline"]) for e in export["events"]} <= set(headlines)  # HTML, read as such
    slide_text = page.eval_on_selector_all(".tl-slide .tl-text-content", "els => els.map(e => e.textContent)")
    assert any("Source: Baonghean.vn" in t for t in slide_text)
    assert page.locator(".tl-timemarker").count() == export["total"]
    screenshot(page, "timelinejs")
    context.close()
    assert not errors, errors


def test_without_the_cors_header_timelinejs_could_not_read_it(chromium, live_server, elsewhere):
    """The control: the same embed pointed at a URL that answers without Access-Control-Allow-Origin fails."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{elsewhere}/?src={live_server.url}/timeline")  # an HTML page: no CORS header, not shared
    page.wait_for_selector(".tl-message-content, .tl-message", timeout=20_000)
    assert page.locator(".tl-slide .tl-headline").count() == 0
    context.close()

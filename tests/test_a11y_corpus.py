# ruff: noqa: F811  (pytest fixtures imported from support.browser are parameters here)
"""axe-core and the Nu HTML checker on every page type over a corpus of 61 articles: the 31 samples and the 30
MEANTIME copies of the Wikinews airline articles (tests/fixtures/meantime-airbus.jsonl, CC BY 4.0; see
tests/fixtures/README.md), which are stored as near-duplicates of the samples and add second sources to their
events. Two corrections give the corrections log, a retyped event and a removed one (410) something to show."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from support.browser import ROOT, LiveServer, chromium, live_server  # noqa: F401  (fixtures)
from support.webchecks import require_vnu

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FIXTURES = Path(__file__).parent / "fixtures"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "a11y-corpus"
HTMX_ATTRIBUTE = r".*Attribute “hx-[a-z-]+” not allowed.*"  # htmx's attributes: the one thing the checker may not know


def _store_corpus(url: str, extractor) -> dict[str, int]:
    """The MEANTIME copies ingested over the samples, then two corrections; returns the ids they touched."""
    from app.corrections import correct
    from app.db import make_engine, make_sessionmaker, transaction
    from app.ingest.runner import IngestRunner
    from app.ingest.sources import Candidate, file_candidates
    from app.models import Article, Event, live

    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    try:
        metas = [c.meta for c in file_candidates([FIXTURES / "meantime-airbus.jsonl"]) if c.meta is not None]
        IngestRunner(factory, processes=1, extractor=extractor).run(Candidate(m.external_id or "", meta=m) for m in metas)
        with transaction(factory) as s:
            events = list(s.scalars(select(Event.id).where(live(Event), Event.type.is_not(None))
                                    .order_by(Event.id).limit(2)))
            correct(s, {"action": "retype_event", "event": events[0], "type": "CONSULT", "by": "test"})
            correct(s, {"action": "not_an_event", "event": events[1], "reason": "a headline, not news", "by": "test"})
        with factory() as s:
            articles = s.scalar(select(func.count()).select_from(Article)) or 0
            near = s.scalar(select(Article.id).where(Article.near_duplicate_of_id.is_not(None)).limit(1)) or 0
    finally:
        engine.dispose()
    return {"articles": articles, "retyped": events[0], "removed": events[1], "near_duplicate": near}


@pytest.fixture(scope="module")
def corpus(request, tmp_path_factory, extractor, live_server):
    """The samples database of the shared live server, copied (SQLite's backup), then grown to 61 articles."""
    folder = tmp_path_factory.mktemp("corpus")
    with sqlite3.connect(live_server.database_url.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(folder / "live.db") as copy:
        source.backup(copy)
    source.close()
    copy.close()
    url = f"sqlite:///{folder}/live.db"
    ids = _store_corpus(url, extractor)
    from app.geo.index import build

    build(folder)  # the map's gazetteer index, as `dateline serve` builds it before starting
    server = LiveServer(url, str(folder))
    request.addfinalizer(server.stop)
    return server, ids


def _paths(base: str, ids: dict[str, int]) -> list[str]:
    """Every page type, several of the list pages with filters, found through the JSON twins."""
    get = lambda path: httpx.get(base + path, timeout=60).json()  # noqa: E731
    home = get("/index.json")
    events = home["recent_events"][:3]
    actors = {a["kind"]: a for a in get("/actors.json")["actors"]}
    quotes = get("/quotes.json")["quotes"]
    timeline = get("/timeline.json")
    oldest = timeline["days"][-1]["events"][-1]
    first_map = get("/map.json")["features"][0]["properties"]["link"]
    return [
        "/", "/timeline", "/timeline?type=CONSULT", f"/timeline?actor={actors['country']['slug']}&modality=any",
        "/timeline?since=2007-01-01&until=2008-12-31&source=Wikinews", "/timeline?type=NOPE",
        f"/timeline?cursor={timeline['next_cursor']}",
        *(f"/events/{e['id']}-{e['slug']}" for e in events), f"/events/{oldest['id']}-{oldest['slug']}",
        f"/events/{ids['retyped']}-x", f"/events/{ids['removed']}-x",
        "/actors", "/actors?kind=person", "/actors?page=2", *(f"/actors/{a['slug']}" for a in actors.values()),
        "/quotes", "/quotes?q=aircraft", f"/quotes?speaker={quotes[0]['speaker']['slug']}" if quotes[0].get("speaker")
        else "/quotes?q=said", f"/quotes/{quotes[0]['id']}", f"/quotes/{quotes[-1]['id']}",
        "/search", "/search?q=Airbus", "/search?q=zzzz-nothing",
        *(f"/articles/{a['id']}" for a in home["articles"][:2]), f"/articles/{ids['near_duplicate']}", "/articles/1",
        "/map", "/map?type=CONSULT", first_map.removeprefix(base).split("#")[0], "/-/corrections",
        "/no-such-page", "/events/999999-gone", "/actors/no-such-actor", "/map?at=nowhere",
    ]


def test_the_corpus_has_60_articles_and_every_page_type_answers(corpus):
    server, ids = corpus
    assert ids["articles"] >= 60 and ids["near_duplicate"]
    statuses = {p: httpx.get(server.url + p, timeout=60, follow_redirects=True).status_code
                for p in _paths(server.url, ids)}
    assert statuses["/-/corrections"] == 200 and statuses[f"/events/{ids['removed']}-x"] == 410
    assert {statuses[p] for p in ("/no-such-page", "/events/999999-gone")} == {404}
    assert statuses["/timeline?type=NOPE"] == 422 and statuses["/map?at=nowhere"] == 422
    assert all(code in (200, 404, 410, 422) for code in statuses.values()), statuses


def test_axe_finds_no_violations_on_the_corpus(chromium, corpus):
    server, ids = corpus
    failures: dict[str, object] = {}
    checked = 0
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = chromium.new_context(viewport=viewport, bypass_csp=True)  # axe is injected inline
        page = context.new_page()
        for path in _paths(server.url, ids):
            page.goto(server.url + path)
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                                  ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3)"
                                  ".map(n => n.target.join(' '))}))")
            checked += 1
            if found:
                failures[f"{viewport['width']}px {path}"] = found
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps({"pages": checked, "violations": failures}, indent=1), "utf-8")
    assert checked >= 2 * 35
    assert not failures, json.dumps(failures, indent=1)


def test_the_nu_checker_finds_no_errors_on_the_corpus(corpus, tmp_path):
    command = require_vnu()
    server, ids = corpus
    paths = _paths(server.url, ids)
    for i, path in enumerate(paths):
        page = httpx.get(server.url + path, timeout=60, follow_redirects=True)
        assert page.text.startswith("<!DOCTYPE html>"), path
        (tmp_path / f"page{i:02d}.html").write_text(page.text, encoding="utf-8")
    # the checker can fail: a <p> inside a <ul> and a duplicate id are errors
    (tmp_path / "control.html").write_text('<!DOCTYPE html><html lang="en"><title>t</title><ul><p>x</p></ul>'
                                           '<b id="a"></b><b id="a"></b></html>', encoding="utf-8")
    run = subprocess.run([*command, "--errors-only", "--format", "json", "--also-check-svg", "--filterpattern",
                          HTMX_ATTRIBUTE, *sorted(str(f) for f in tmp_path.glob("*.html"))],
                         capture_output=True, text=True, timeout=600, check=False)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors: dict[str, list[str]] = {}
    for m in messages:
        name = Path(m.get("url", "")).name
        label = "control" if name == "control.html" else paths[int(name[4:6])]
        errors.setdefault(label, []).append(f"{m.get('lastLine', '?')}: {m['message']}")
    control = errors.pop("control", [])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "nu.json").write_text(json.dumps({"pages": len(paths), "errors": errors}, indent=1), "utf-8")
    assert any("not allowed as child" in e for e in control) and any("Duplicate ID" in e for e in control), control
    assert not errors, json.dumps(errors, indent=1)
